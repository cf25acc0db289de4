package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.analysis.Operation;
import org.jspecify.annotations.Nullable;

/**
 * How one (service, operation) changed on the critical path between bad and baseline traces. Means
 * and medians are per trace, in milliseconds, counting 0 for a trace without the operation.
 *
 * @param badTraces bad traces in which the operation appears
 * @param baselineTraces baseline traces in which the operation appears
 * @param deltaMs {@code badMeanMs - baselineMeanMs}
 * @param relativeDelta {@code deltaMs / baselineMeanMs}; null when there is nothing to divide by:
 *     the operation was never on the baseline's critical path (or there were no baseline traces)
 *     but is on the bad one's; 0 when on neither. Never infinite or NaN (a non-finite value given
 *     is stored as null), so the card stays valid JSON
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
    @Nullable Double relativeDelta,
    double badShare,
    double badSelfMeanMs,
    double baselineSelfMeanMs,
    double badErrorRate,
    double baselineErrorRate) {
  public OperationDelta {
    requireNonNull(operation, "operation");
    // incidents saved before relativeDelta could be null hold "Infinity": read it as null
    if (relativeDelta != null && !Double.isFinite(relativeDelta)) relativeDelta = null;
  }
}
