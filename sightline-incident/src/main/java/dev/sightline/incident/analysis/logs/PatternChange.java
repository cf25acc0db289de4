package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A log pattern of the fault window against the baseline. Every number is finite: what cannot be
 * computed (no window lengths, no baseline, nothing to divide by) is null, so the card stays valid
 * JSON; non-finite values given (incidents saved by older versions hold "NaN" and "Infinity") are
 * stored as null.
 *
 * @param pattern the pattern with the fault window's count, severities and examples
 * @param baselineCount records of the baseline matching the same template
 * @param ratePerMinute fault-window records per minute; null when the windows were not given
 * @param baselineRatePerMinute baseline records per minute; null when the windows were not given or
 *     there was no baseline to compare with
 * @param ratio the fault window's rate over the baseline's when the windows were given, else its
 *     share of the window's records over the baseline's share; null when {@code isNew} (nothing to
 *     divide by) or without a baseline
 * @param isNew records of the baseline were compared and none matches the template; always false
 *     without a baseline (a pattern cannot be called new when there is nothing it is new against)
 * @param increased seen in the baseline, {@code ratio} at or above the comparison's threshold and
 *     {@code count} at least its minimum; always false without a baseline
 * @param exampleTraceIds distinct trace ids of the fault window's records, first few
 */
public record PatternChange(
    LogPattern pattern,
    long count,
    long baselineCount,
    @Nullable Double ratePerMinute,
    @Nullable Double baselineRatePerMinute,
    @Nullable Double ratio,
    boolean isNew,
    boolean increased,
    List<String> exampleTraceIds) {
  public PatternChange {
    requireNonNull(pattern, "pattern");
    ratePerMinute = finiteOrNull(ratePerMinute);
    baselineRatePerMinute = finiteOrNull(baselineRatePerMinute);
    ratio = finiteOrNull(ratio);
    exampleTraceIds = List.copyOf(exampleTraceIds);
  }

  private static @Nullable Double finiteOrNull(@Nullable Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }
}
