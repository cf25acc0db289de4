package dev.sightline.kit.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Registers the stdout exporters with autoconfigure as {@value #NAME}: {@code
 * OTEL_TRACES_EXPORTER=sightline_stdout} (and likewise for metrics and logs).
 */
public final class StdoutExporterProviders {
  /** The exporter name to use in {@code OTEL_*_EXPORTER}. */
  public static final String NAME = "sightline_stdout";

  private StdoutExporterProviders() {}

  /** SPI provider of {@link StdoutSpanExporter}. */
  public static final class Spans implements ConfigurableSpanExporterProvider {
    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      return StdoutSpanExporter.create();
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  /** SPI provider of {@link StdoutMetricExporter}. */
  public static final class Metrics implements ConfigurableMetricExporterProvider {
    @Override
    public MetricExporter createExporter(ConfigProperties config) {
      return StdoutMetricExporter.create();
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  /** SPI provider of {@link StdoutLogRecordExporter}. */
  public static final class Logs implements ConfigurableLogRecordExporterProvider {
    @Override
    public LogRecordExporter createExporter(ConfigProperties config) {
      return StdoutLogRecordExporter.create();
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
