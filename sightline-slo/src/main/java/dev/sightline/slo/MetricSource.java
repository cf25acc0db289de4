package dev.sightline.slo;

import java.util.Map;

/**
 * {@code signal: metrics}: the increase of an OTLP counter (monotonic sum) over the series whose
 * attributes have exactly these values.
 */
public record MetricSource(String metric, Map<String, String> attributes)
    implements SightlineSource {
  public MetricSource {
    attributes = Map.copyOf(attributes);
  }
}
