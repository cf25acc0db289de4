package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.analysis.Operation;

/**
 * How one (service, operation) changed on the critical path between bad and baseline traces. Means
 * and medians are per trace, in milliseconds, counting 0 for a trace without the operation.
 *
 * @param badTraces bad traces in which the operation appears
 * @param baselineTraces baseline traces in which the operation appears
 * @param deltaMs {@code badMeanMs - baselineMeanMs}
 * @param relativeDelta {@code deltaMs / baselineMeanMs}; {@link Double#POSITIVE_INFINITY} when the
 *     operation was never on the baseline's critical path but is on the bad one's, 0 when on
 *     neither
 * @param badShare the operation's critical time over the summed duration of the bad traces (0–1)
 * @param badSelfMeanMs mean self time per bad trace (see {@link OperationTime#selfNanos()})
 * @param badErrorRate share of the operation's bad spans with status ERROR (0 when it has none)
 */
public record OperationDelta(
    Operation operation,
    int badTraces,
    int baselineTraces,
    double badMeanMs,
    double baselineMeanMs,
    double badP50Ms,
    double baselineP50Ms,
    double deltaMs,
    double relativeDelta,
    double badShare,
    double badSelfMeanMs,
    double baselineSelfMeanMs,
    double badErrorRate,
    double baselineErrorRate) {
  public OperationDelta {
    requireNonNull(operation, "operation");
  }
}
