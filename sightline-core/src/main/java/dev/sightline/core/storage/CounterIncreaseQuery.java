package dev.sightline.core.storage;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A question to {@link CounterIncreaseReader#counterIncrease}: how much the counter series of one
 * metric grew over [start, end) of point time.
 *
 * @param metric the metric name, exact
 * @param service only series of this service ({@code service.name} of the resource); null for all
 * @param attributes data point attributes that must have exactly these values, compared as text (a
 *     number or boolean attribute by its text form, e.g. {@code "200"}, {@code "true"}); empty for
 *     every series of the metric
 * @param stepNanos width of each returned point, positive; 0 for one point covering the whole range
 */
public record CounterIncreaseQuery(
    String tenant,
    String metric,
    @Nullable String service,
    Map<String, String> attributes,
    long startUnixNano,
    long endUnixNano,
    long stepNanos) {
  public CounterIncreaseQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(metric, "metric");
    attributes = Map.copyOf(attributes);
    if (endUnixNano <= startUnixNano) {
      throw new IllegalArgumentException("endUnixNano must be after startUnixNano");
    }
    if (stepNanos < 0) throw new IllegalArgumentException("stepNanos must be non-negative");
  }
}
