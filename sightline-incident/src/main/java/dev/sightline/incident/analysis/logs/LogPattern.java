package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A log template and the records it covers.
 *
 * @param id stable within one mining run: 1, 2, … in order of creation; {@link
 *     LogPatternMiner#OVERFLOW_ID} for the catch-all of lines beyond the cluster cap
 * @param template tokens separated by one space, variable positions as {@code <*>}
 * @param count records matched
 * @param severities count per severity text (from the severity number when the text is empty),
 *     largest first
 * @param examples the first few records matched, in input order
 */
public record LogPattern(
    int id, String template, long count, Map<String, Long> severities, List<LogExample> examples) {
  public LogPattern {
    requireNonNull(template, "template");
    severities = Collections.unmodifiableMap(new LinkedHashMap<>(severities));
    examples = List.copyOf(examples);
  }
}
