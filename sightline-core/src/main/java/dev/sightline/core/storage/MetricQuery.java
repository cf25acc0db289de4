package dev.sightline.core.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Metric point criteria: an exact metric {@code name} and/or {@code service}; the time range is
 * [start, end) of point time in Unix nanoseconds.
 */
public record MetricQuery(
    String tenant,
    @Nullable String name,
    @Nullable String service,
    long startUnixNano,
    long endUnixNano,
    int limit) {
  public MetricQuery {
    Objects.requireNonNull(tenant, "tenant");
    if (limit <= 0) throw new IllegalArgumentException("limit must be positive");
    if (endUnixNano < startUnixNano)
      throw new IllegalArgumentException("end must not be before start");
  }
}
