package dev.sightline.core.storage;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A question to {@link SpanCountReader#countSpans}: how many stored spans of one service match, per
 * step, and how many of them failed or were fast.
 *
 * @param service only this service ({@code service.name})
 * @param operation only this operation (span name); null for all
 * @param attributes only spans whose attribute (or, when the span lacks the key, whose resource's
 *     attribute) has exactly this text form, for every entry; empty for no filter
 * @param maxDurationNanos the threshold of {@link SpanCountPoint#fast}: spans lasting at most this
 *     long ({@code end - start}) are fast; null when every span is fast
 * @param startUnixNano spans starting in [start, end) count (event time, to the nanosecond)
 * @param stepNanos width of each returned point, positive; 0 for one point covering the whole range
 */
public record SpanCountQuery(
    String tenant,
    String service,
    @Nullable String operation,
    Map<String, String> attributes,
    @Nullable Long maxDurationNanos,
    long startUnixNano,
    long endUnixNano,
    long stepNanos) {
  public SpanCountQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(service, "service");
    attributes = Map.copyOf(attributes);
    if (maxDurationNanos != null && maxDurationNanos < 0) {
      throw new IllegalArgumentException("maxDurationNanos must be non-negative");
    }
    if (endUnixNano <= startUnixNano) {
      throw new IllegalArgumentException("endUnixNano must be after startUnixNano");
    }
    if (stepNanos < 0) throw new IllegalArgumentException("stepNanos must be non-negative");
  }
}
