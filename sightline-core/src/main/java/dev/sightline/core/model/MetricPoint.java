package dev.sightline.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One metric data point with its metric's identity. A series is the metric {@code name} with the
 * point's {@code attributes} and the resource. {@code temporality} and {@code monotonic} apply to
 * sums and histograms ({@link AggregationTemporality#UNSPECIFIED} and false otherwise).
 */
public record MetricPoint(
    String tenant,
    String name,
    String description,
    String unit,
    MetricType type,
    AggregationTemporality temporality,
    boolean monotonic,
    Attributes attributes,
    long startTimeUnixNano,
    long timeUnixNano,
    int flags,
    PointValue value,
    List<Exemplar> exemplars,
    Resource resource,
    InstrumentationScope scope) {

  public MetricPoint {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(temporality, "temporality");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(value, "value");
    exemplars = List.copyOf(exemplars);
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(scope, "scope");
  }

  public String serviceName() {
    return resource.serviceName();
  }
}
