package dev.sightline.kit.testing;

import dev.sightline.kit.SightlineTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link SightlineTelemetry} whose exporters are replaced by the SDK's in-memory exporters, going
 * through the same autoconfigured pipeline (batch processors, redaction, baggage copy, views) as
 * production. Call {@link #flush()} before reading.
 */
public final class InMemoryTelemetry implements AutoCloseable {
  public final InMemorySpanExporter spans = InMemorySpanExporter.create();
  public final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  public final InMemoryMetricExporter metrics = InMemoryMetricExporter.create();
  private final SightlineTelemetry telemetry;

  private InMemoryTelemetry(SightlineTelemetry.Builder builder) {
    this.telemetry =
        builder
            .registerShutdownHook(false)
            .customize(
                auto ->
                    auto.addPropertiesCustomizer(
                            config ->
                                Map.of(
                                    // otlp, so that the batch processors and the periodic
                                    // reader are built as in production; the OTLP exporters
                                    // are replaced before they send anything
                                    "otel.traces.exporter", "otlp",
                                    "otel.metrics.exporter", "otlp",
                                    "otel.logs.exporter", "otlp",
                                    "otel.metric.export.interval", "3600000"))
                        .addSpanExporterCustomizer(
                            (exporter, config) -> {
                              exporter.shutdown();
                              return new KeepOnShutdownSpanExporter(spans);
                            })
                        .addLogRecordExporterCustomizer(
                            (exporter, config) -> {
                              exporter.shutdown();
                              return new KeepOnShutdownLogRecordExporter(logs);
                            })
                        .addMetricExporterCustomizer(
                            (exporter, config) -> {
                              exporter.shutdown();
                              return new KeepOnShutdownMetricExporter(metrics);
                            }))
            .build();
  }

  /** Builds {@code builder} with in-memory exporters. */
  public static InMemoryTelemetry create(SightlineTelemetry.Builder builder) {
    return new InMemoryTelemetry(builder);
  }

  public SightlineTelemetry telemetry() {
    return telemetry;
  }

  /** Exports everything buffered; fails if that takes more than 10 s. */
  public InMemoryTelemetry flush() {
    if (telemetry.isClosed()) {
      return this; // closing flushed everything
    }
    if (!telemetry.flush().join(10, TimeUnit.SECONDS).isSuccess()) {
      throw new AssertionError("flush failed or timed out");
    }
    return this;
  }

  public List<SpanData> finishedSpans() {
    return spans.getFinishedSpanItems();
  }

  public SpanData span(String name) {
    List<SpanData> matching = spans(name);
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one span named " + name + " but found " + matching.size() + ": " + names());
    }
    return matching.get(0);
  }

  public List<SpanData> spans(String name) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .collect(Collectors.toList());
  }

  public List<String> names() {
    return spans.getFinishedSpanItems().stream()
        .map(SpanData::getName)
        .collect(Collectors.toList());
  }

  public List<LogRecordData> finishedLogs() {
    return logs.getFinishedLogRecordItems();
  }

  public List<LogRecordData> logsContaining(String text) {
    return logs.getFinishedLogRecordItems().stream()
        .filter(l -> l.getBodyValue() != null && l.getBodyValue().asString().contains(text))
        .collect(Collectors.toList());
  }

  /** The latest exported data of metric {@code name}, if exported. */
  public Optional<MetricData> metric(String name) {
    List<MetricData> items = metrics.getFinishedMetricItems();
    for (int i = items.size() - 1; i >= 0; i--) {
      if (items.get(i).getName().equals(name)) {
        return Optional.of(items.get(i));
      }
    }
    return Optional.empty();
  }

  /** Sum of a long counter's points whose attribute {@code key} equals {@code value}. */
  public long counterSum(String metricName, AttributeKey<String> key, String value) {
    return metric(metricName)
        .map(
            m ->
                m.getLongSumData().getPoints().stream()
                    .filter(p -> value.equals(p.getAttributes().get(key)))
                    .mapToLong(LongPointData::getValue)
                    .sum())
        .orElse(0L);
  }

  public void reset() {
    spans.reset();
    logs.reset();
    metrics.reset();
  }

  @Override
  public void close() {
    telemetry.close();
  }

  // The in-memory exporters clear what they hold on shutdown; these keep it readable after close.

  private static final class KeepOnShutdownSpanExporter implements SpanExporter {
    private final SpanExporter delegate;

    KeepOnShutdownSpanExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> items) {
      return delegate.export(items);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class KeepOnShutdownLogRecordExporter implements LogRecordExporter {
    private final LogRecordExporter delegate;

    KeepOnShutdownLogRecordExporter(LogRecordExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> items) {
      return delegate.export(items);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class KeepOnShutdownMetricExporter implements MetricExporter {
    private final InMemoryMetricExporter delegate;

    KeepOnShutdownMetricExporter(InMemoryMetricExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> items) {
      return delegate.export(items);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
