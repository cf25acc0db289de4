package dev.sightline.core.storage;

import dev.sightline.core.model.SpanKind;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A question to {@link SpanMetricsReader}.
 *
 * @param service only this service ({@code service.name}); null for all
 * @param operation only this operation (span name); null for all
 * @param spanKinds only these span kinds; empty for all
 * @param startUnixNano first 10-second bucket considered: buckets starting in [start, end) count
 * @param stepNanos width of each returned point, a positive multiple of {@link
 *     SpanMetricsReader#BUCKET_NANOS}; 0 for one point covering the whole range
 * @param groupBy the dimensions kept apart in the result
 * @param services only services in this set; empty for no such restriction (combined with {@code
 *     service}). A backend may ignore it and answer more services: callers filter what they read.
 */
public record SpanMetricsQuery(
    String tenant,
    @Nullable String service,
    @Nullable String operation,
    Set<SpanKind> spanKinds,
    long startUnixNano,
    long endUnixNano,
    long stepNanos,
    GroupBy groupBy,
    Set<String> services) {

  /** A query without a service set. */
  public SpanMetricsQuery(
      String tenant,
      @Nullable String service,
      @Nullable String operation,
      Set<SpanKind> spanKinds,
      long startUnixNano,
      long endUnixNano,
      long stepNanos,
      GroupBy groupBy) {
    this(
        tenant,
        service,
        operation,
        spanKinds,
        startUnixNano,
        endUnixNano,
        stepNanos,
        groupBy,
        Set.of());
  }

  /** Which dimensions a result keeps. */
  public enum GroupBy {
    /** Everything matching summed into one series. */
    NONE,
    /** One series per service. */
    SERVICE,
    /** One series per service, operation and span kind. */
    OPERATION
  }

  public SpanMetricsQuery {
    Objects.requireNonNull(tenant, "tenant");
    spanKinds = Set.copyOf(spanKinds);
    Objects.requireNonNull(groupBy, "groupBy");
    services = Set.copyOf(services);
    if (endUnixNano <= startUnixNano) {
      throw new IllegalArgumentException("endUnixNano must be after startUnixNano");
    }
    if (stepNanos < 0 || stepNanos % SpanMetricsReader.BUCKET_NANOS != 0) {
      throw new IllegalArgumentException("stepNanos must be 0 or a positive multiple of 10 s");
    }
  }
}
