package dev.sightline.core.storage;

import dev.sightline.core.model.SpanKind;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Span metrics (RED) of one series over one step.
 *
 * @param service the service; empty when the query did not group by service
 * @param operation the span name; empty unless grouped by operation
 * @param spanKind the span kind; null unless grouped by operation
 * @param timeUnixNano start of the step: {@code start + k × step}
 * @param requests spans counted
 * @param errors spans among them with status ERROR
 * @param durationSumNanos sum of their durations
 * @param durations their durations in {@link DurationHistogram} buckets
 */
public record SpanMetricsPoint(
    String service,
    String operation,
    @Nullable SpanKind spanKind,
    long timeUnixNano,
    long requests,
    long errors,
    long durationSumNanos,
    DurationHistogram durations) {
  public SpanMetricsPoint {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(durations, "durations");
  }
}
