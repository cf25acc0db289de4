package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A log pattern of the fault window against the baseline.
 *
 * @param pattern the pattern with the fault window's count, severities and examples
 * @param baselineCount records of the baseline matching the same template
 * @param ratePerMinute fault-window records per minute; NaN when the windows were not given
 * @param baselineRatePerMinute baseline records per minute; NaN when the windows were not given
 * @param ratio the fault window's rate over the baseline's when the windows were given, else its
 *     share of the window's records over the baseline's share; infinite when {@code isNew}
 * @param isNew no baseline record matches the template
 * @param increased seen in the baseline, {@code ratio} at or above the comparison's threshold and
 *     {@code count} at least its minimum
 * @param exampleTraceIds distinct trace ids of the fault window's records, first few
 */
public record PatternChange(
    LogPattern pattern,
    long count,
    long baselineCount,
    double ratePerMinute,
    double baselineRatePerMinute,
    double ratio,
    boolean isNew,
    boolean increased,
    List<String> exampleTraceIds) {
  public PatternChange {
    requireNonNull(pattern, "pattern");
    exampleTraceIds = List.copyOf(exampleTraceIds);
  }
}
