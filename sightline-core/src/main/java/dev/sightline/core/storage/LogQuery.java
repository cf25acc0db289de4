package dev.sightline.core.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Log search criteria; null criteria do not filter. {@code text} is a case-insensitive substring of
 * the body's text form. The time range is [start, end) of event time in Unix nanoseconds.
 */
public record LogQuery(
    String tenant,
    @Nullable String traceId,
    @Nullable String spanId,
    @Nullable String service,
    @Nullable Integer severityMin,
    @Nullable String text,
    long startUnixNano,
    long endUnixNano,
    int limit) {
  public LogQuery {
    Objects.requireNonNull(tenant, "tenant");
    if (limit <= 0) throw new IllegalArgumentException("limit must be positive");
    if (endUnixNano < startUnixNano)
      throw new IllegalArgumentException("end must not be before start");
  }
}
