package dev.sightline.core.selftelemetry;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** Builds {@link SpanRedMetrics}; {@link #telemetry} is required. */
public final class SpanRedMetricsBuilder {
  private @Nullable SelfTelemetry telemetry;
  private int maxSeries = SpanRedMetrics.DEFAULT_MAX_SERIES;

  SpanRedMetricsBuilder() {}

  /** The registry the metrics are declared in and exposed from. */
  public SpanRedMetricsBuilder telemetry(SelfTelemetry telemetry) {
    this.telemetry = requireNonNull(telemetry, "telemetry");
    return this;
  }

  /**
   * Distinct label sets before new ones fold into {@code operation="__other__"}; default 10,000.
   */
  public SpanRedMetricsBuilder maxSeries(int maxSeries) {
    if (maxSeries < 1) throw new IllegalArgumentException("maxSeries must be positive");
    this.maxSeries = maxSeries;
    return this;
  }

  public SpanRedMetrics build() {
    return new SpanRedMetrics(requireNonNull(telemetry, "telemetry"), maxSeries);
  }
}
