package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

/** A trace cited as evidence, with what makes it bad or good. */
public record TraceRef(
    String traceId,
    String rootService,
    String rootOperation,
    long startUnixNano,
    double durationMs,
    int spans,
    int errorSpans) {
  public TraceRef {
    requireNonNull(traceId, "traceId");
    requireNonNull(rootService, "rootService");
    requireNonNull(rootOperation, "rootOperation");
  }
}
