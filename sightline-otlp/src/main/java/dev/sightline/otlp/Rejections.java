package dev.sightline.otlp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts rejected items and keeps the first {@value #MAX_LISTED} distinct problems with the
 * location of their first occurrence. Locations are built only for problems that will be listed.
 */
final class Rejections {
  static final int MAX_LISTED = 5;

  private final String singular;
  private final String plural;
  private final Map<String, Listed> listed = new LinkedHashMap<>();
  private long rejected;
  private long unlisted;

  Rejections(String singular, String plural) {
    this.singular = singular;
    this.plural = plural;
  }

  /** Records {@code count} items rejected at {@code location} because of {@code problem}. */
  void reject(long count, Supplier<String> location, String problem) {
    rejected += count;
    Listed l = listed.get(problem);
    if (l != null) {
      l.occurrences++;
    } else if (listed.size() < MAX_LISTED) {
      listed.put(problem, new Listed(location.get()));
    } else {
      unlisted++;
    }
  }

  long count() {
    return rejected;
  }

  /** For example {@code "2 spans rejected: resourceSpans[0].scopeSpans[0].spans[1]: ..."}. */
  String message() {
    if (rejected == 0 && listed.isEmpty()) return "";
    StringBuilder sb = new StringBuilder();
    sb.append(rejected).append(' ').append(rejected == 1 ? singular : plural).append(" rejected: ");
    boolean first = true;
    for (Map.Entry<String, Listed> e : listed.entrySet()) {
      if (!first) sb.append("; ");
      first = false;
      sb.append(e.getValue().location).append(": ").append(e.getKey());
      long more = e.getValue().occurrences - 1;
      if (more > 0) sb.append(" (and ").append(more).append(" more like this)");
    }
    if (unlisted > 0) sb.append("; and ").append(unlisted).append(" more with other problems");
    return sb.toString();
  }

  private static final class Listed {
    final String location;
    long occurrences = 1;

    Listed(String location) {
      this.location = location;
    }
  }
}
