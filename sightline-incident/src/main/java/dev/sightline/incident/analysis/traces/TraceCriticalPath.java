package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.analysis.Operation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The critical path of one trace (see {@link CriticalPath}).
 *
 * @param rootSpanId the span the path starts from: the root, or the longest top-level span
 * @param durationNanos the root's duration, which the segments add up to
 * @param segments the critical path in time order, adjacent and covering the root's duration
 * @param detachedSegments critical paths of work the root did not wait for (asynchronous children,
 *     spans starting after their parent ended, other top-level spans), in time order per detached
 *     subtree; not counted in {@link OperationTime#criticalNanos()}
 * @param operations per (service, operation) of the trace, by critical time descending
 */
public record TraceCriticalPath(
    String traceId,
    String rootSpanId,
    long durationNanos,
    List<CriticalPathSegment> segments,
    List<CriticalPathSegment> detachedSegments,
    Map<Operation, OperationTime> operations) {
  public TraceCriticalPath {
    requireNonNull(traceId, "traceId");
    requireNonNull(rootSpanId, "rootSpanId");
    segments = List.copyOf(segments);
    detachedSegments = List.copyOf(detachedSegments);
    operations = Collections.unmodifiableMap(new LinkedHashMap<>(operations));
  }

  /** Nanoseconds on the critical path per (service, operation), largest first; zeros left out. */
  public Map<Operation, Long> criticalNanosByOperation() {
    Map<Operation, Long> out = new LinkedHashMap<>();
    operations.forEach(
        (op, t) -> {
          if (t.criticalNanos() > 0) out.put(op, t.criticalNanos());
        });
    return out;
  }
}
