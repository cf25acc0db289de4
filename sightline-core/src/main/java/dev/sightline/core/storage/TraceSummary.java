package dev.sightline.core.storage;

import java.util.List;

/**
 * One trace in search results. {@code rootService}/{@code rootName} describe the root span, or the
 * earliest span when the root has not arrived. {@code services} is sorted and distinct.
 */
public record TraceSummary(
    String traceId,
    String rootService,
    String rootName,
    long startTimeUnixNano,
    long durationNanos,
    int spanCount,
    int errorCount,
    List<String> services) {
  public TraceSummary {
    services = List.copyOf(services);
  }
}
