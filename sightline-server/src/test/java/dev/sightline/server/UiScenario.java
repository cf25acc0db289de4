package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic shop for the browser tests, sent through the real OpenTelemetry Java SDK's
 * OTLP/HTTP exporters: frontend → order → inventory and payment, 20 healthy checkouts of {@code
 * customer.tier=silver} and one {@code gold} checkout whose inventory reservation fails (an ERROR
 * span with an exception and an ERROR log line in its context), plus a {@code checkout.duration}
 * histogram whose exemplar points at the gold trace.
 */
final class UiScenario {
  static final String FAILURE_LOG = "stock reservation failed for sku-42";
  static final String METRIC = "checkout.duration";

  /** The failing gold checkout's trace id (lowercase hex). */
  final String goldTraceId;

  private UiScenario(String goldTraceId) {
    this.goldTraceId = goldTraceId;
  }

  static UiScenario send(TestServer server) {
    Map<String, SdkTracerProvider> tracers = new HashMap<>();
    List<AutoCloseable> closing = new ArrayList<>();
    // recorded in memory first, then sent in one export per signal: deterministic, nothing dropped
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryLogRecordExporter logRecords = InMemoryLogRecordExporter.create();
    for (String service : List.of("frontend", "order", "inventory", "payment")) {
      SdkTracerProvider p =
          SdkTracerProvider.builder()
              .setResource(resource(service))
              .addSpanProcessor(SimpleSpanProcessor.create(spans))
              .build();
      tracers.put(service, p);
      closing.add(p);
    }
    SdkLoggerProvider logs =
        SdkLoggerProvider.builder()
            .setResource(resource("inventory"))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(logRecords))
            .build();
    InMemoryMetricReader metricReader = InMemoryMetricReader.create();
    SdkMeterProvider meters =
        SdkMeterProvider.builder()
            .setResource(resource("frontend"))
            .registerMetricReader(metricReader)
            .build();
    DoubleHistogram duration =
        meters
            .get("shop")
            .histogramBuilder(METRIC)
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
            .build();
    OtlpHttpMetricExporter metricExporter =
        OtlpHttpMetricExporter.builder().setEndpoint(server.otlpHttp() + "/v1/metrics").build();

    long base = Instant.now().minusSeconds(300).toEpochMilli();
    String gold = null;
    for (int i = 0; i <= 20; i++) {
      boolean failing = i == 20;
      long t0 = base + i * 5_000L;
      Span root = checkout(tracers, t0, failing, logs);
      if (failing) {
        gold = root.getSpanContext().getTraceId();
        try (Scope ignored = root.makeCurrent()) {
          duration.record(1.2, Attributes.of(AttributeKey.stringKey("customer.tier"), "gold"));
        }
      } else {
        duration.record(
            0.1 + i * 0.01, Attributes.of(AttributeKey.stringKey("customer.tier"), "gold"));
      }
      if (i == 10 || i == 20) {
        // two collections: two cumulative points, the second with the gold exemplar
        assertThat(
                metricExporter
                    .export(metricReader.collectAllMetrics())
                    .join(10, TimeUnit.SECONDS)
                    .isSuccess())
            .isTrue();
      }
    }
    OtlpHttpSpanExporter spanExporter =
        OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build();
    assertThat(spans.getFinishedSpanItems().size()).isEqualTo(21 * 7);
    assertThat(
            spanExporter
                .export(spans.getFinishedSpanItems())
                .join(10, TimeUnit.SECONDS)
                .isSuccess())
        .isTrue();
    OtlpHttpLogRecordExporter logExporter =
        OtlpHttpLogRecordExporter.builder().setEndpoint(server.otlpHttp() + "/v1/logs").build();
    assertThat(logRecords.getFinishedLogRecordItems()).hasSize(1);
    assertThat(
            logExporter
                .export(logRecords.getFinishedLogRecordItems())
                .join(10, TimeUnit.SECONDS)
                .isSuccess())
        .isTrue();
    spanExporter.close();
    logExporter.close();
    for (AutoCloseable c : closing) close(c);
    logs.close();
    meters.close();
    metricExporter.close();
    return new UiScenario(gold);
  }

  /** One checkout starting at {@code t0} ms; returns its (ended) root span. */
  private static Span checkout(
      Map<String, SdkTracerProvider> tracers, long t0, boolean failing, SdkLoggerProvider logs) {
    Span root =
        span(tracers, "frontend", "GET /checkout", SpanKind.SERVER, Context.root(), t0)
            .setAttribute("customer.tier", failing ? "gold" : "silver")
            .setAttribute("http.route", "/checkout");
    Span call = span(tracers, "frontend", "POST /orders", SpanKind.CLIENT, ctx(root), t0 + 5);
    Span place = span(tracers, "order", "Shop.Order.Place", SpanKind.SERVER, ctx(call), t0 + 8);
    Span reserveCall = span(tracers, "order", "Reserve", SpanKind.CLIENT, ctx(place), t0 + 10);
    Span reserve =
        span(tracers, "inventory", "Inventory.Reserve", SpanKind.SERVER, ctx(reserveCall), t0 + 12)
            .setAttribute("sku", "sku-42");
    if (failing) {
      // the exception event at its time inside the span (recordException would stamp "now",
      // minutes after this back-dated span)
      IllegalStateException failure = new IllegalStateException("no stock left for sku-42");
      java.io.StringWriter trace = new java.io.StringWriter();
      failure.printStackTrace(new java.io.PrintWriter(trace));
      reserve.addEvent(
          "exception",
          Attributes.builder()
              .put("exception.type", failure.getClass().getName())
              .put("exception.message", failure.getMessage())
              .put("exception.stacktrace", trace.toString())
              .build(),
          t0 + 38,
          TimeUnit.MILLISECONDS);
      reserve.setStatus(StatusCode.ERROR, "no stock left");
      logs.get("inventory")
          .logRecordBuilder()
          .setContext(ctx(reserve))
          .setTimestamp(t0 + 40, TimeUnit.MILLISECONDS)
          .setSeverity(Severity.ERROR)
          .setSeverityText("ERROR")
          .setBody(FAILURE_LOG)
          .emit();
    }
    reserve.end(t0 + (failing ? 60 : 30), TimeUnit.MILLISECONDS);
    reserveCall.end(t0 + (failing ? 62 : 32), TimeUnit.MILLISECONDS);
    Span chargeCall = span(tracers, "order", "Charge", SpanKind.CLIENT, ctx(place), t0 + 65);
    Span charge =
        span(tracers, "payment", "Payment.Charge", SpanKind.SERVER, ctx(chargeCall), t0 + 67);
    charge.end(t0 + 90, TimeUnit.MILLISECONDS);
    chargeCall.end(t0 + 92, TimeUnit.MILLISECONDS);
    if (failing) place.setStatus(StatusCode.ERROR, "reservation failed");
    place.end(t0 + 95, TimeUnit.MILLISECONDS);
    call.end(t0 + 98, TimeUnit.MILLISECONDS);
    root.end(t0 + (failing ? 1_200 : 100), TimeUnit.MILLISECONDS);
    return root;
  }

  /**
   * One trace of 1 + 99 + 99 × 100 = 10,000 spans (a root, 99 calls, each with 100 children) in
   * three services; returns its trace id.
   */
  static String sendLargeTrace(TestServer server) {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    Map<String, SdkTracerProvider> tracers = new HashMap<>();
    for (String service : List.of("frontend", "order", "inventory")) {
      tracers.put(
          service,
          SdkTracerProvider.builder()
              .setResource(resource(service))
              .addSpanProcessor(SimpleSpanProcessor.create(memory))
              .build());
    }
    long t0 = Instant.now().minusSeconds(120).toEpochMilli();
    Span root = span(tracers, "frontend", "GET /report", SpanKind.SERVER, Context.root(), t0);
    for (int i = 0; i < 99; i++) {
      Span call =
          span(tracers, "order", "Report.Part " + i, SpanKind.INTERNAL, ctx(root), t0 + i * 10L);
      for (int j = 0; j < 100; j++) {
        span(tracers, "inventory", "Row " + j, SpanKind.INTERNAL, ctx(call), t0 + i * 10L + j / 10)
            .end(t0 + i * 10L + j / 10 + 1, TimeUnit.MILLISECONDS);
      }
      call.end(t0 + i * 10L + 10, TimeUnit.MILLISECONDS);
    }
    root.end(t0 + 1_005, TimeUnit.MILLISECONDS);
    assertThat(memory.getFinishedSpanItems().size()).isEqualTo(10_000);
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build();
    List<io.opentelemetry.sdk.trace.data.SpanData> all = memory.getFinishedSpanItems();
    for (int from = 0; from < all.size(); from += 2_000) {
      List<io.opentelemetry.sdk.trace.data.SpanData> batch =
          all.subList(from, Math.min(all.size(), from + 2_000));
      assertThat(exporter.export(batch).join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    exporter.close();
    for (SdkTracerProvider p : tracers.values()) p.close();
    return root.getSpanContext().getTraceId();
  }

  private static Span span(
      Map<String, SdkTracerProvider> tracers,
      String service,
      String name,
      SpanKind kind,
      Context parent,
      long startMs) {
    return tracers
        .get(service)
        .get("shop")
        .spanBuilder(name)
        .setSpanKind(kind)
        .setParent(parent)
        .setStartTimestamp(startMs, TimeUnit.MILLISECONDS)
        .startSpan();
  }

  private static Context ctx(Span span) {
    return Context.root().with(span);
  }

  private static Resource resource(String service) {
    return Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service));
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
