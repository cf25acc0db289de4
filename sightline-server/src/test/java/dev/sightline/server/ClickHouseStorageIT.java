package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with {@code --storage clickhouse} against a real {@code clickhouse-server} (started by
 * the fixture: skipped outside CI when the binary is missing, installed or failed under {@code
 * CI=true}): the OpenTelemetry SDK's OTLP exporters send spans, logs and metrics, and the query API
 * reads them back from ClickHouse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClickHouseStorageIT {
  @TempDir static Path dataDir;
  ClickHouseServer clickHouse;
  String database;
  TestServer server;

  @BeforeAll
  void start() {
    clickHouse = ClickHouseServer.start();
    database = clickHouse.newDatabase();
    server =
        TestServer.start(
            dataDir,
            "storage",
            "clickhouse",
            "clickhouse-url",
            clickHouse.url(),
            "clickhouse-database",
            database);
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
    if (clickHouse != null) clickHouse.close();
  }

  @Test
  void theServerNamesItsBackendAndOffersEveryCapability() {
    assertThat(server.server.storageDescription())
        .startsWith("ClickHouse ")
        .endsWith(" at " + clickHouse.url() + ", database " + database);
    assertThat(server.server.storage().getClass().getSimpleName()).isEqualTo("ClickHouseStorage");
    TestServer.Response health = server.get("/healthz");
    assertThat(health.status()).as(health.text()).isEqualTo(200);
    // the tables are in ClickHouse, not in the data folder
    assertThat(clickHouse.execute("EXISTS TABLE " + database + ".spans FORMAT TabSeparated"))
        .isEqualTo("1\n");
  }

  @Test
  void spansLogsAndMetricsFromTheSdkAreReadBackFromClickHouse() {
    Resource resource =
        Resource.create(
            Attributes.of(
                AttributeKey.stringKey("service.name"),
                "ch-checkout",
                AttributeKey.stringKey("service.version"),
                "2.0.1"));
    long before = System.currentTimeMillis();

    InMemorySpanExporter memory = InMemorySpanExporter.create();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(memory))
            .build();
    Tracer tracer = tracing.get("dev.sightline.test");
    Span root =
        tracer
            .spanBuilder("POST /checkout")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.route", "/checkout")
            .setAttribute("customer.tier", "gold")
            .startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("charge card").setSpanKind(SpanKind.CLIENT).startSpan().end();
      root.setStatus(StatusCode.ERROR, "card declined");
    } finally {
      root.end();
    }
    List<SpanData> spans = memory.getFinishedSpanItems();
    assertThat(spans).hasSize(2);
    SpanExporter spanExporter =
        OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpGrpc()).build();
    assertSuccess(spanExporter.export(spans));
    spanExporter.shutdown();
    tracing.shutdown();

    InMemoryLogRecordExporter logMemory = InMemoryLogRecordExporter.create();
    SdkLoggerProvider logging =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(logMemory))
            .build();
    logging
        .get("dev.sightline.test.logs")
        .logRecordBuilder()
        .setContext(Context.root().with(root))
        .setSeverity(Severity.ERROR)
        .setBody("Card declined for order 42")
        .setAttribute(AttributeKey.stringKey("order.id"), "42")
        .emit();
    LogRecordExporter logExporter =
        OtlpHttpLogRecordExporter.builder().setEndpoint(server.otlpHttp() + "/v1/logs").build();
    assertSuccess(logExporter.export(logMemory.getFinishedLogRecordItems()));
    logExporter.shutdown();
    logging.shutdown();

    InMemoryMetricReader metricMemory = InMemoryMetricReader.create();
    SdkMeterProvider metering =
        SdkMeterProvider.builder().setResource(resource).registerMetricReader(metricMemory).build();
    metering
        .get("dev.sightline.test.metrics")
        .counterBuilder("orders.placed")
        .build()
        .add(3, Attributes.of(AttributeKey.stringKey("region"), "eu"));
    MetricExporter metricExporter =
        OtlpGrpcMetricExporter.builder().setEndpoint(server.otlpGrpc()).build();
    assertSuccess(metricExporter.export(metricMemory.collectAllMetrics()));
    metricExporter.shutdown();
    metering.shutdown();
    long after = System.currentTimeMillis() + 1_000;
    String window = "start=" + (before - 60_000) + "&end=" + after;

    // acknowledged means stored in ClickHouse: everything is readable at once
    String traceId = root.getSpanContext().getTraceId();
    TestServer.Response trace = server.get("/api/v1/traces/" + traceId);
    assertThat(trace.status()).as(trace.text()).isEqualTo(200);
    assertThat(trace.json().get("spans")).hasSize(2);
    for (JsonNode span : trace.json().get("spans")) {
      assertThat(span.get("service").asText()).isEqualTo("ch-checkout");
      assertThat(span.get("traceId").asText()).isEqualTo(traceId);
    }

    TestServer.Response search =
        server.get("/api/v1/traces?service=ch-checkout&attr.customer.tier=gold&" + window);
    assertThat(search.status()).as(search.text()).isEqualTo(200);
    assertThat(search.json().get("traces")).hasSize(1);
    JsonNode summary = search.json().get("traces").get(0);
    assertThat(summary.get("traceId").asText()).isEqualTo(traceId);
    assertThat(summary.get("spanCount").asInt()).isEqualTo(2);
    assertThat(summary.get("errorCount").asInt()).isEqualTo(1);
    TestServer.Response none =
        server.get("/api/v1/traces?service=ch-checkout&attr.customer.tier=silver&" + window);
    assertThat(none.json().get("traces")).isEmpty();

    TestServer.Response logs = server.get("/api/v1/logs?service=ch-checkout&q=DECLINED&" + window);
    assertThat(logs.status()).as(logs.text()).isEqualTo(200);
    assertThat(logs.json().get("logs")).hasSize(1);
    JsonNode log = logs.json().get("logs").get(0);
    assertThat(log.get("body").asText()).isEqualTo("Card declined for order 42");
    assertThat(log.get("traceId").asText()).isEqualTo(traceId);
    assertThat(log.get("attributes").get("order.id").asText()).isEqualTo("42");

    TestServer.Response metrics =
        server.get("/api/v1/metrics?name=orders.placed&service=ch-checkout&" + window);
    assertThat(metrics.status()).as(metrics.text()).isEqualTo(200);
    assertThat(metrics.json().get("series")).hasSize(1);
    JsonNode series = metrics.json().get("series").get(0);
    assertThat(series.get("attributes").get("region").asText()).isEqualTo("eu");
    assertThat(series.get("points").get(0).get("value").asLong()).isEqualTo(3);

    // RED, kept by ClickHouse's materialized view: one SERVER request, failed
    TestServer.Response services = server.get("/api/v1/services?" + window);
    assertThat(services.status()).as(services.text()).isEqualTo(200);
    JsonNode checkout = null;
    for (JsonNode s : services.json().get("services")) {
      if (s.get("name").asText().equals("ch-checkout")) checkout = s;
    }
    assertThat(checkout).as(services.text()).isNotNull();
    assertThat(checkout.get("requests").asLong()).isEqualTo(1);
    assertThat(checkout.get("errors").asLong()).isEqualTo(1);
    TestServer.Response red = server.get("/api/v1/red?service=ch-checkout&step=10s&" + window);
    assertThat(red.status()).as(red.text()).isEqualTo(200);
    long requests = 0;
    for (JsonNode p : red.json().get("points")) requests += p.get("requests").asLong();
    assertThat(requests).isEqualTo(1);
  }

  @Test
  void anUnreachableClickHouseStopsTheStartNamingTheUrl() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed;
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dataDir.resolve("unreachable"), "storage", "clickhouse", "clickhouse-url", url))
        .hasMessageContaining("cannot open ClickHouse storage at " + url);
  }

  private static void assertSuccess(CompletableResultCode result) {
    result.join(30, TimeUnit.SECONDS);
    assertThat(result.isSuccess()).as("export acknowledged").isTrue();
  }
}
