package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.analysis.Operation;

/**
 * A stretch of time, in Unix nanoseconds, during which {@code spanId} itself (not one of its
 * children) was what the trace waited for.
 */
public record CriticalPathSegment(
    String spanId, Operation operation, long startUnixNano, long endUnixNano) {
  public CriticalPathSegment {
    requireNonNull(spanId, "spanId");
    requireNonNull(operation, "operation");
    if (endUnixNano < startUnixNano) {
      throw new IllegalArgumentException("endUnixNano must not be before startUnixNano");
    }
  }

  public long durationNanos() {
    return endUnixNano - startUnixNano;
  }
}
