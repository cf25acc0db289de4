package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real OpenTelemetry Java SDK exporters (OTLP gRPC and OTLP HTTP/protobuf) send spans, logs and
 * metrics to a running server; the test reads them back through the query API and compares field by
 * field with what the SDK recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkExportIT {
  @TempDir static Path dataDir;
  TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(dataDir);
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http"})
  void spansRoundTrip(String transport) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", "checkout-" + transport)
                        .put("service.version", "1.4.2")
                        .put("deployment.environment", "test")
                        .build()));
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(memory))
            .build();
    Tracer tracer = provider.get("dev.sightline.test", "9.9.9");
    SpanContext linked =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    SpanContext remoteParent =
        SpanContext.createFromRemoteParent(
            transport.equals("grpc")
                ? "4bf92f3577b34da6a3ce929d0e0e4736"
                : "4bf92f3577b34da6a3ce929d0e0e4737",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "value").build());
    Span root =
        tracer
            .spanBuilder("Shop.Checkout.PlaceOrder")
            .setParent(Context.root().with(Span.wrap(remoteParent)))
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.route", "/orders/{id}")
            .setAttribute("http.response.status_code", 500L)
            .setAttribute("retry.ratio", 0.25)
            .setAttribute("cache.hit", true)
            .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
            .setAttribute(AttributeKey.longArrayKey("sizes"), List.of(1L, 2L, 3L))
            .setAttribute(AttributeKey.doubleArrayKey("weights"), List.of(0.5, 1.5))
            .setAttribute(AttributeKey.booleanArrayKey("flags"), List.of(true, false))
            .addLink(linked, Attributes.of(AttributeKey.stringKey("link.kind"), "follows"))
            .startSpan();
    try (Scope ignored = root.makeCurrent()) {
      Span child =
          tracer.spanBuilder("Shop.Inventory.Reserve").setSpanKind(SpanKind.CLIENT).startSpan();
      child.addEvent("cache miss", Attributes.of(AttributeKey.longKey("attempt"), 2L));
      child.setStatus(StatusCode.OK);
      child.end();
      root.recordException(new IllegalStateException("card declined"));
      root.setStatus(StatusCode.ERROR, "payment failed");
    } finally {
      root.end();
    }
    List<SpanData> spans = memory.getFinishedSpanItems();
    assertThat(spans).hasSize(2);

    SpanExporter exporter =
        transport.equals("grpc")
            ? OtlpGrpcSpanExporter.builder()
                .setEndpoint(server.otlpGrpc())
                .setCompression("gzip")
                .build()
            : OtlpHttpSpanExporter.builder()
                .setEndpoint(server.otlpHttp() + "/v1/traces")
                .setCompression("gzip")
                .build();
    assertSuccess(exporter.export(spans));
    exporter.shutdown();
    provider.shutdown();

    String traceId = remoteParent.getTraceId();
    TestServer.Response r = server.get("/api/v1/traces/" + traceId);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("traceId").asText()).isEqualTo(traceId);
    Map<String, JsonNode> byId = new HashMap<>();
    r.json().get("spans").forEach(s -> byId.put(s.get("spanId").asText(), s));
    assertThat(byId).hasSize(2);
    for (SpanData expected : spans) {
      JsonNode actual = byId.get(expected.getSpanId());
      assertThat(actual).as("span %s", expected.getName()).isNotNull();
      assertThat(actual.get("traceId").asText()).isEqualTo(expected.getTraceId());
      assertThat(actual.get("parentSpanId").asText()).isEqualTo(expected.getParentSpanId());
      assertThat(actual.get("name").asText()).isEqualTo(expected.getName());
      assertThat(actual.get("kind").asText()).isEqualTo(expected.getKind().name());
      assertThat(actual.get("service").asText()).isEqualTo("checkout-" + transport);
      assertThat(actual.get("startTimeUnixNano").asLong()).isEqualTo(expected.getStartEpochNanos());
      assertThat(actual.get("endTimeUnixNano").asLong()).isEqualTo(expected.getEndEpochNanos());
      assertThat(actual.get("durationNanos").asLong())
          .isEqualTo(expected.getEndEpochNanos() - expected.getStartEpochNanos());
      assertThat(actual.get("status").get("code").asText())
          .isEqualTo(expected.getStatus().getStatusCode().name());
      assertThat(actual.get("status").get("message").asText())
          .isEqualTo(expected.getStatus().getDescription());
      assertAttributes(actual.get("attributes"), expected.getAttributes());
      assertAttributes(actual.get("resource"), expected.getResource().getAttributes());
      assertThat(actual.get("scope").get("name").asText()).isEqualTo("dev.sightline.test");
      assertThat(actual.get("scope").get("version").asText()).isEqualTo("9.9.9");
      assertThat(actual.get("traceState").asText())
          .isEqualTo(expected.getSpanContext().getTraceState().isEmpty() ? "" : "vendor=value");
      assertThat(actual.get("events")).hasSize(expected.getEvents().size());
      for (int i = 0; i < expected.getEvents().size(); i++) {
        EventData e = expected.getEvents().get(i);
        JsonNode a = actual.get("events").get(i);
        assertThat(a.get("name").asText()).isEqualTo(e.getName());
        assertThat(a.get("timeUnixNano").asLong()).isEqualTo(e.getEpochNanos());
        assertAttributes(a.get("attributes"), e.getAttributes());
      }
      assertThat(actual.get("links")).hasSize(expected.getLinks().size());
      for (int i = 0; i < expected.getLinks().size(); i++) {
        LinkData l = expected.getLinks().get(i);
        JsonNode a = actual.get("links").get(i);
        assertThat(a.get("traceId").asText()).isEqualTo(l.getSpanContext().getTraceId());
        assertThat(a.get("spanId").asText()).isEqualTo(l.getSpanContext().getSpanId());
        assertAttributes(a.get("attributes"), l.getAttributes());
      }
    }
    // The root span came from a remote parent, so the search sees the earliest span as root.
    TestServer.Response search =
        server.get("/api/v1/traces?service=checkout-" + transport + "&status=error&start=0");
    assertThat(search.status()).as(search.text()).isEqualTo(200);
    assertThat(search.json().get("traces")).hasSize(1);
    JsonNode summary = search.json().get("traces").get(0);
    assertThat(summary.get("traceId").asText()).isEqualTo(traceId);
    assertThat(summary.get("spanCount").asInt()).isEqualTo(2);
    assertThat(summary.get("errorCount").asInt()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http"})
  void logsRoundTrip(String transport) {
    InMemoryLogRecordExporter memory = InMemoryLogRecordExporter.create();
    SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "logs-" + transport)))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(memory))
            .build();
    SpanContext spanContext =
        SpanContext.create(
            "5b8efff798038103d269b633813fc60c",
            "eee19b7ec3c1b174",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    var logger = provider.get("dev.sightline.test.logs");
    logger
        .logRecordBuilder()
        .setContext(Context.root().with(Span.wrap(spanContext)))
        .setSeverity(Severity.ERROR)
        .setSeverityText("ERROR")
        .setBody("Payment declined for order 42")
        .setAttribute(AttributeKey.stringKey("order.id"), "42")
        .setAttribute(AttributeKey.longKey("attempt"), 3L)
        .setTimestamp(1_700_000_000_123L, TimeUnit.MILLISECONDS)
        .emit();
    logger
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setBody(Value.of(Map.of("event", Value.of("structured"), "count", Value.of(7L))))
        .setTimestamp(1_700_000_000_456L, TimeUnit.MILLISECONDS)
        .emit();
    Collection<LogRecordData> logs = memory.getFinishedLogRecordItems();
    assertThat(logs).hasSize(2);
    LogRecordExporter exporter =
        transport.equals("grpc")
            ? OtlpGrpcLogRecordExporter.builder().setEndpoint(server.otlpGrpc()).build()
            : OtlpHttpLogRecordExporter.builder()
                .setEndpoint(server.otlpHttp() + "/v1/logs")
                .build();
    assertSuccess(exporter.export(logs));
    exporter.shutdown();
    provider.shutdown();

    TestServer.Response r =
        server.get(
            "/api/v1/logs?service=logs-" + transport + "&start=1699999999000&end=1700000001000");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode found = r.json().get("logs");
    assertThat(found).hasSize(2);
    // Newest first.
    JsonNode structured = found.get(0);
    JsonNode error = found.get(1);
    assertThat(structured.get("body").get("event").asText()).isEqualTo("structured");
    assertThat(structured.get("body").get("count").asLong()).isEqualTo(7);
    assertThat(structured.get("traceId").asText()).isEmpty();
    assertThat(error.get("timeUnixNano").asLong()).isEqualTo(1_700_000_000_123_000_000L);
    assertThat(error.get("severityNumber").asInt()).isEqualTo(Severity.ERROR.getSeverityNumber());
    assertThat(error.get("severityText").asText()).isEqualTo("ERROR");
    assertThat(error.get("body").asText()).isEqualTo("Payment declined for order 42");
    assertThat(error.get("attributes").get("order.id").asText()).isEqualTo("42");
    assertThat(error.get("attributes").get("attempt").asLong()).isEqualTo(3);
    assertThat(error.get("traceId").asText()).isEqualTo(spanContext.getTraceId());
    assertThat(error.get("spanId").asText()).isEqualTo(spanContext.getSpanId());
    assertThat(error.get("service").asText()).isEqualTo("logs-" + transport);
    assertThat(error.get("scope").get("name").asText()).isEqualTo("dev.sightline.test.logs");

    TestServer.Response byTrace =
        server.get("/api/v1/logs?traceId=" + spanContext.getTraceId().toUpperCase() + "&start=0");
    assertThat(byTrace.json().get("logs")).hasSizeGreaterThanOrEqualTo(1);
    TestServer.Response byText =
        server.get("/api/v1/logs?service=logs-" + transport + "&q=DECLINED&start=0");
    assertThat(byText.json().get("logs")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http"})
  void metricsRoundTrip(String transport) {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "metrics-" + transport)))
            .registerMetricReader(reader)
            .build();
    var meter = provider.get("dev.sightline.test.metrics");
    var counter =
        meter.counterBuilder("orders.placed").setUnit("{order}").setDescription("Orders").build();
    counter.add(3, Attributes.of(AttributeKey.stringKey("tenant"), "acme"));
    counter.add(5, Attributes.of(AttributeKey.stringKey("tenant"), "globex"));
    var histogram = meter.histogramBuilder("order.duration").setUnit("ms").build();
    histogram.record(12.5);
    histogram.record(250);
    meter.gaugeBuilder("queue.depth").ofLongs().buildWithCallback(m -> m.record(17));
    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertThat(metrics).hasSize(3);
    MetricExporter exporter =
        transport.equals("grpc")
            ? OtlpGrpcMetricExporter.builder().setEndpoint(server.otlpGrpc()).build()
            : OtlpHttpMetricExporter.builder()
                .setEndpoint(server.otlpHttp() + "/v1/metrics")
                .build();
    assertSuccess(exporter.export(metrics));
    exporter.shutdown();
    provider.shutdown();

    String service = "metrics-" + transport;
    JsonNode counterSeries =
        seriesByAttr(
            server.get("/api/v1/metrics?name=orders.placed&service=" + service + "&start=0"),
            "tenant");
    assertThat(counterSeries.get("acme").get("type").asText()).isEqualTo("SUM");
    assertThat(counterSeries.get("acme").get("temporality").asText()).isEqualTo("CUMULATIVE");
    assertThat(counterSeries.get("acme").get("monotonic").asBoolean()).isTrue();
    assertThat(counterSeries.get("acme").get("unit").asText()).isEqualTo("{order}");
    assertThat(counterSeries.get("acme").get("points").get(0).get("value").asLong()).isEqualTo(3);
    assertThat(counterSeries.get("globex").get("points").get(0).get("value").asLong()).isEqualTo(5);

    TestServer.Response hist =
        server.get("/api/v1/metrics?name=order.duration&service=" + service + "&start=0");
    JsonNode point = hist.json().get("series").get(0).get("points").get(0);
    assertThat(hist.json().get("series").get(0).get("type").asText()).isEqualTo("HISTOGRAM");
    assertThat(point.get("count").asLong()).isEqualTo(2);
    assertThat(point.get("sum").asDouble()).isEqualTo(262.5);
    assertThat(point.get("min").asDouble()).isEqualTo(12.5);
    assertThat(point.get("max").asDouble()).isEqualTo(250);
    MetricData sdkHistogram =
        metrics.stream()
            .filter(m -> m.getName().equals("order.duration"))
            .findFirst()
            .orElseThrow();
    var sdkPoint = sdkHistogram.getHistogramData().getPoints().iterator().next();
    assertThat(point.get("explicitBounds")).hasSize(sdkPoint.getBoundaries().size());
    for (int i = 0; i < sdkPoint.getCounts().size(); i++) {
      assertThat(point.get("bucketCounts").get(i).asLong()).isEqualTo(sdkPoint.getCounts().get(i));
    }
    assertThat(point.get("timeUnixNano").asLong()).isEqualTo(sdkPoint.getEpochNanos());
    assertThat(point.get("startTimeUnixNano").asLong()).isEqualTo(sdkPoint.getStartEpochNanos());

    TestServer.Response gauge =
        server.get("/api/v1/metrics?name=queue.depth&service=" + service + "&start=0");
    assertThat(gauge.json().get("series").get(0).get("type").asText()).isEqualTo("GAUGE");
    assertThat(gauge.json().get("series").get(0).get("points").get(0).get("value").asLong())
        .isEqualTo(17);

    TestServer.Response names = server.get("/api/v1/metrics/names?start=0");
    assertThat(names.json().get("names").toString())
        .contains("orders.placed", "order.duration", "queue.depth");
  }

  private static JsonNode seriesByAttr(TestServer.Response r, String key) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    var out = TestServer.JSON.createObjectNode();
    r.json().get("series").forEach(s -> out.set(s.get("attributes").get(key).asText(), s));
    return out;
  }

  private static void assertSuccess(CompletableResultCode result) {
    result.join(20, TimeUnit.SECONDS);
    assertThat(result.isSuccess()).as("export acknowledged").isTrue();
  }

  static void assertAttributes(JsonNode json, Attributes expected) {
    assertThat(json.size()).as("attribute count in %s", json).isEqualTo(expected.size());
    expected.forEach(
        (key, value) -> {
          JsonNode actual = json.get(key.getKey());
          assertThat(actual).as("attribute %s", key.getKey()).isNotNull();
          switch (key.getType()) {
            case STRING -> assertThat(actual.asText()).isEqualTo(value);
            case LONG -> assertThat(actual.asLong()).isEqualTo(value);
            case DOUBLE -> assertThat(actual.asDouble()).isEqualTo(value);
            case BOOLEAN -> assertThat(actual.asBoolean()).isEqualTo(value);
            default -> {
              List<?> list = (List<?>) value;
              assertThat(actual.isArray()).isTrue();
              assertThat(actual).hasSize(list.size());
              Function<JsonNode, Object> read =
                  switch (key.getType()) {
                    case STRING_ARRAY -> JsonNode::asText;
                    case LONG_ARRAY -> JsonNode::asLong;
                    case DOUBLE_ARRAY -> JsonNode::asDouble;
                    default -> JsonNode::asBoolean;
                  };
              for (int i = 0; i < list.size(); i++) {
                assertThat(read.apply(actual.get(i))).isEqualTo(list.get(i));
              }
            }
          }
        });
  }
}
