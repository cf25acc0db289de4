package dev.sightline.core.storage;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Trace search criteria. Null or empty criteria do not filter. The time range is [start, end) in
 * Unix nanoseconds of span start time. {@code attributes} match a span attribute or, failing that,
 * a resource attribute of the same span, comparing the value's text form ({@link
 * dev.sightline.core.model.AnyValue#asString()}).
 */
public record TraceQuery(
    String tenant,
    @Nullable String service,
    @Nullable String operation,
    @Nullable Long minDurationNanos,
    @Nullable Long maxDurationNanos,
    boolean errorsOnly,
    Map<String, String> attributes,
    long startUnixNano,
    long endUnixNano,
    int limit) {
  public TraceQuery {
    Objects.requireNonNull(tenant, "tenant");
    attributes = Map.copyOf(attributes);
    if (limit <= 0) throw new IllegalArgumentException("limit must be positive");
    if (endUnixNano < startUnixNano)
      throw new IllegalArgumentException("end must not be before start");
  }
}
