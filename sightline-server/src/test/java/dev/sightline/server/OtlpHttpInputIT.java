package dev.sightline.server;

import static dev.sightline.testing.OtlpExamples.LOGS_JSON;
import static dev.sightline.testing.OtlpExamples.METRICS_JSON;
import static dev.sightline.testing.OtlpExamples.SPAN_ID;
import static dev.sightline.testing.OtlpExamples.TRACE_ID;
import static dev.sightline.testing.OtlpExamples.TRACE_JSON;
import static dev.sightline.testing.OtlpExamples.TRACE_PROTOBUF;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.Status;
import dev.sightline.testing.OtlpExamples;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP input handling: the project's OTLP example payloads ({@link OtlpExamples}) are accepted
 * and read back, and a table of bad inputs each gets the right status and message while valid items
 * of the same request are kept. Tests that read back everything of a kind run on a server of their
 * own; the others share one and assert only what their own requests caused, so that no test depends
 * on another having run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpInputIT {
  static final String JSON = "application/json";
  static final String PROTOBUF = "application/x-protobuf";

  @TempDir static Path dataDir;
  TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(dataDir, "max-request-bytes", "65536");
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void traceJsonExampleIsStoredAndReadBack(@TempDir Path dir) throws IOException {
    try (TestServer own = TestServer.start(dir)) {
      HttpResponse<byte[]> r = own.post("/v1/traces", JSON, OtlpExamples.bytes(TRACE_JSON));
      assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith(JSON);
      JsonNode partial = TestServer.JSON.readTree(r.body()).get("partialSuccess");
      if (partial != null) assertThat(partial.path("rejectedSpans").asLong()).isZero();
      JsonNode trace = own.get("/api/v1/traces/" + TRACE_ID).json();
      assertThat(trace.get("traceId").asText()).isEqualTo(TRACE_ID);
      assertThat(trace.get("spans")).hasSize(1);
      JsonNode span = trace.get("spans").get(0);
      assertThat(span.get("traceId").asText()).isEqualTo(TRACE_ID);
      assertThat(span.get("spanId").asText()).isEqualTo(SPAN_ID);
      assertThat(span.get("parentSpanId").asText()).isEqualTo("5eed0000cafe0041");
      assertThat(span.get("name").asText()).isEqualTo("POST /ledger/entries");
      assertThat(span.get("kind").asText()).isEqualTo("SERVER");
      assertThat(span.get("service").asText()).isEqualTo("ledger.api");
      assertThat(span.get("startTimeUnixNano").asLong()).isEqualTo(1583020800250000000L);
      assertThat(span.get("endTimeUnixNano").asLong()).isEqualTo(1583020801000000000L);
      assertThat(span.get("attributes").get("ledger.entry.kind").asText()).isEqualTo("credit");
      assertThat(span.get("attributes").get("ledger.entry.lines").asLong()).isEqualTo(3);
      assertThat(span.get("scope").get("name").asText()).isEqualTo("dev.sightline.fixtures.ledger");
      assertThat(span.get("scope").get("version").asText()).isEqualTo("2.4.1");
      // Upper-case ids are accepted in the path too.
      assertThat(own.get("/api/v1/traces/" + TRACE_ID.toUpperCase(Locale.ROOT)).status())
          .isEqualTo(200);
    }
  }

  @Test
  void traceProtobufExampleIsStored(@TempDir Path dir) throws IOException {
    try (TestServer own = TestServer.start(dir)) {
      HttpResponse<byte[]> r = own.post("/v1/traces", PROTOBUF, OtlpExamples.bytes(TRACE_PROTOBUF));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type").orElse("")).isEqualTo(PROTOBUF);
      ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
      assertThat(response.getPartialSuccess().getRejectedSpans()).isZero();
      JsonNode spans = own.get("/api/v1/traces/" + TRACE_ID).json().get("spans");
      assertThat(spans).hasSize(1);
      assertThat(spans.get(0).get("spanId").asText()).isEqualTo(SPAN_ID);
      assertThat(spans.get(0).get("parentSpanId").asText()).isEqualTo("5eed0000cafe0041");
      assertThat(spans.get(0).get("name").asText()).isEqualTo("POST /ledger/entries");
      assertThat(spans.get(0).get("service").asText()).isEqualTo("ledger.api");
    }
  }

  @Test
  void logsAndMetricsExamplesAreStored(@TempDir Path dir) {
    try (TestServer own = TestServer.start(dir)) {
      HttpResponse<byte[]> logs = own.post("/v1/logs", JSON, OtlpExamples.bytes(LOGS_JSON));
      assertThat(logs.statusCode())
          .as(new String(logs.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      JsonNode found = own.get("/api/v1/logs?traceId=" + TRACE_ID + "&start=0").json().get("logs");
      assertThat(found).hasSize(1);
      JsonNode log = found.get(0);
      assertThat(log.get("service").asText()).isEqualTo("ledger.api");
      assertThat(log.get("severityText").asText()).isEqualTo("Warning");
      assertThat(log.get("severityNumber").asInt()).isEqualTo(13);
      assertThat(log.get("body").asText()).isEqualTo("Duplicate ledger entry ignored");
      assertThat(log.get("traceId").asText()).isEqualTo(TRACE_ID);
      assertThat(log.get("spanId").asText()).isEqualTo(SPAN_ID);
      assertThat(log.get("timeUnixNano").asLong()).isEqualTo(1583020800600000000L);
      JsonNode attributes = log.get("attributes");
      assertThat(attributes.get("ledger.account").asText()).isEqualTo("ACC-0042");
      assertThat(attributes.get("ledger.replayed").isBoolean()).isTrue();
      assertThat(attributes.get("ledger.replayed").asBoolean()).isFalse();
      assertThat(attributes.get("ledger.attempt").asLong()).isEqualTo(3);
      assertThat(attributes.get("ledger.amount").asDouble()).isEqualTo(129.95);
      assertThat(attributes.get("ledger.tags").get(0).asText()).isEqualTo("duplicate");
      assertThat(attributes.get("ledger.tags").get(1).asText()).isEqualTo("idempotent");
      assertThat(attributes.get("ledger.request").get("request.id").asText()).isEqualTo("req-7f3a");

      HttpResponse<byte[]> metrics =
          own.post("/v1/metrics", JSON, OtlpExamples.bytes(METRICS_JSON));
      assertThat(metrics.statusCode())
          .as(new String(metrics.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      JsonNode names = own.get("/api/v1/metrics/names?start=0").json().get("names");
      assertThat(names.toString())
          .contains(
              "ledger.entries.posted",
              "ledger.queue.depth",
              "ledger.post.duration",
              "ledger.balance.change");
      JsonNode counter = onlySeries(own, "ledger.entries.posted");
      assertThat(counter.get("type").asText()).isEqualTo("SUM");
      assertThat(counter.get("temporality").asText()).isEqualTo("DELTA");
      assertThat(counter.get("monotonic").asBoolean()).isTrue();
      assertThat(counter.get("unit").asText()).isEqualTo("{entry}");
      assertThat(counter.get("points").get(0).get("value").asLong()).isEqualTo(12);
      JsonNode gauge = onlySeries(own, "ledger.queue.depth");
      assertThat(gauge.get("type").asText()).isEqualTo("GAUGE");
      assertThat(gauge.get("points").get(0).get("value").asDouble()).isEqualTo(7.5);
      JsonNode histogram = onlySeries(own, "ledger.post.duration").get("points").get(0);
      assertThat(histogram.get("count").asLong()).isEqualTo(4);
      assertThat(histogram.get("sum").asDouble()).isEqualTo(1.9);
      assertThat(histogram.get("min").asDouble()).isEqualTo(0.1);
      assertThat(histogram.get("max").asDouble()).isEqualTo(1.1);
      assertThat(histogram.get("bucketCounts").toString()).isEqualTo("[1,2,1]");
      assertThat(histogram.get("explicitBounds").toString()).isEqualTo("[0.25,1.0]");
      JsonNode exp = onlySeries(own, "ledger.balance.change");
      assertThat(exp.get("type").asText()).isEqualTo("EXPONENTIAL_HISTOGRAM");
      JsonNode point = exp.get("points").get(0);
      assertThat(point.get("count").asLong()).isEqualTo(6);
      assertThat(point.get("sum").asDouble()).isEqualTo(11);
      assertThat(point.get("min").asDouble()).isEqualTo(-1.2);
      assertThat(point.get("max").asDouble()).isEqualTo(3.5);
      assertThat(point.get("scale").asInt()).isEqualTo(1);
      assertThat(point.get("zeroCount").asLong()).isEqualTo(1);
      assertThat(point.get("zeroThreshold").asDouble()).isEqualTo(0.001);
      assertThat(point.get("positive").get("offset").asInt()).isEqualTo(2);
      assertThat(point.get("positive").get("bucketCounts").toString()).isEqualTo("[1,3]");
      assertThat(point.get("negative").get("offset").asInt()).isZero();
      assertThat(point.get("negative").get("bucketCounts").toString()).isEqualTo("[1]");
    }
  }

  /** The one series of the metric {@code name}, of any time. */
  private static JsonNode onlySeries(TestServer s, String name) {
    TestServer.Response r = s.get("/api/v1/metrics?name=" + name + "&start=0");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode series = r.json().get("series");
    assertThat(series).as(name).hasSize(1);
    return series.get(0);
  }

  @Test
  void truncatedProtobufIs400() throws IOException {
    byte[] body = OtlpExamples.bytes(TRACE_PROTOBUF);
    HttpResponse<byte[]> r =
        server.post("/v1/traces", PROTOBUF, Arrays.copyOf(body, body.length - 7));
    assertThat(r.statusCode()).isEqualTo(400);
    Status status = Status.parseFrom(r.body());
    assertThat(status.getCode()).isEqualTo(3);
    assertThat(status.getMessage()).containsIgnoringCase("protobuf");
  }

  @Test
  void wrongContentTypeIs415() {
    HttpResponse<byte[]> r =
        server.post("/v1/traces", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("application/x-protobuf");
  }

  @Test
  void malformedJsonIs400WithStatusInJson() throws IOException {
    HttpResponse<byte[]> r =
        server.post("/v1/traces", JSON, "{\"resourceSpans\": [ {".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode status = TestServer.JSON.readTree(r.body());
    assertThat(status.get("code").asInt()).isEqualTo(3);
    assertThat(status.get("message").asText()).isNotBlank();
  }

  @Test
  void badIdsAreRejectedPerSpanAndTheRestIsKept() throws IOException {
    String json =
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"partial\"}}]},"
            + "\"scopeSpans\":[{\"spans\":["
            + span("11111111111111111111111111111111", "1111111111111111", "good one")
            + ","
            + span("W47/95gDgQPSabYzgT/GDA==", "1111111111111112", "base64 id")
            + ","
            + span("222222222222222222222222222222", "2222222222222222", "15-byte id")
            + ","
            + "{\"traceId\":\"33333333333333333333333333333333\",\"spanId\":\"3333333333333333\",\"name\":\"backwards\","
            + "\"startTimeUnixNano\":\"1700000002000000000\",\"endTimeUnixNano\":\"1700000001000000000\"}"
            + "]}]}]}";
    HttpResponse<byte[]> r = server.post("/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode partial = TestServer.JSON.readTree(r.body()).get("partialSuccess");
    assertThat(partial.get("rejectedSpans").asLong()).isEqualTo(3);
    assertThat(partial.get("errorMessage").asText())
        .contains("hex")
        .contains("16 bytes")
        .contains("end");
    assertThat(server.get("/api/v1/traces/11111111111111111111111111111111").status())
        .isEqualTo(200);
    assertThat(server.get("/api/v1/traces/33333333333333333333333333333333").status())
        .isEqualTo(404);
  }

  @Test
  void oversizedBodyIs413WithStatus() throws IOException {
    byte[] body = new byte[70_000];
    HttpResponse<byte[]> r = server.post("/v1/traces", PROTOBUF, body);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(Status.parseFrom(r.body()).getMessage()).contains("exceeds the limit of 65536");
    HttpResponse<byte[]> asJson = server.post("/v1/logs", JSON, body);
    assertThat(asJson.statusCode()).isEqualTo(413);
    assertThat(TestServer.JSON.readTree(asJson.body()).get("message").asText())
        .contains("exceeds the limit");
  }

  @Test
  void oversizedAfterDecompressionIs413() throws IOException {
    HttpResponse<byte[]> r =
        server.post("/v1/traces", PROTOBUF, gzip(new byte[200_000]), "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(Status.parseFrom(r.body()).getMessage()).contains("decompressed");
  }

  @Test
  void gzipHeaderWithPlainBodyIs400() throws IOException {
    byte[] body = OtlpExamples.bytes(TRACE_JSON);
    HttpResponse<byte[]> r = server.post("/v1/traces", JSON, body, "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(TestServer.JSON.readTree(r.body()).get("message").asText()).contains("gzip");
  }

  @Test
  void gzippedJsonIsAccepted() throws IOException {
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
            + span("44444444444444444444444444444444", "4444444444444444", "gzipped")
            + "]}]}]}";
    HttpResponse<byte[]> r =
        server.post(
            "/v1/traces",
            JSON,
            gzip(json.getBytes(StandardCharsets.UTF_8)),
            "Content-Encoding",
            "gzip");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/traces/44444444444444444444444444444444").status())
        .isEqualTo(200);
  }

  @Test
  void emptyBodies() throws IOException {
    // An empty protobuf body is the valid encoding of an empty export request.
    assertThat(server.post("/v1/traces", PROTOBUF, new byte[0]).statusCode()).isEqualTo(200);
    // An empty JSON body is not a JSON document.
    HttpResponse<byte[]> json = server.post("/v1/traces", JSON, new byte[0]);
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(TestServer.JSON.readTree(json.body()).get("message").asText())
        .containsIgnoringCase("empty");
  }

  @Test
  void unknownTraceIs404AndBadParametersAre400() {
    TestServer.Response missing = server.get("/api/v1/traces/0123456789abcdef0123456789abcdef");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").get("message").asText()).contains("not found");
    TestServer.Response badId = server.get("/api/v1/traces/xyz");
    assertThat(badId.status()).isEqualTo(400);
    TestServer.Response badStart = server.get("/api/v1/traces?start=yesterday");
    assertThat(badStart.status()).isEqualTo(400);
    assertThat(badStart.json().get("error").get("parameter").asText()).isEqualTo("start");
    TestServer.Response badLimit = server.get("/api/v1/logs?limit=-3");
    assertThat(badLimit.json().get("error").get("parameter").asText()).isEqualTo("limit");
    TestServer.Response farFuture = server.get("/api/v1/traces?end=9999-01-01T00:00:00Z");
    assertThat(farFuture.status()).isEqualTo(400);
    assertThat(farFuture.json().get("error").get("parameter").asText()).isEqualTo("end");
    TestServer.Response paramOnGet =
        server.get("/api/v1/traces/0123456789abcdef0123456789abcdef?foo=1");
    assertThat(paramOnGet.status()).isEqualTo(400);
    assertThat(paramOnGet.json().get("error").get("parameter").asText()).isEqualTo("foo");
    TestServer.Response fullWidth = server.get("/api/v1/traces/" + "\uFF11".repeat(32));
    assertThat(fullWidth.status()).isEqualTo(400);
    TestServer.Response typo = server.get("/api/v1/traces?serivce=x");
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.json().get("error").get("parameter").asText()).isEqualTo("serivce");
    assertThat(
            server
                .get("/api/v1/traces?start=2026-11-21T08:00:00Z&end=2026-11-21T10:00:00%2B01:00")
                .status())
        .isEqualTo(200);
  }

  @Test
  void healthAndSelfMetricsCountThisTestsOwnRequest() throws InterruptedException {
    assertThat(server.get("/healthz").status()).isEqualTo(200);
    SelfMetrics before = SelfMetrics.read(server);
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
            + span("55555555555555555555555555555551", "5555555555555551", "counted 1")
            + ","
            + span("55555555555555555555555555555552", "5555555555555552", "counted 2")
            + ","
            + span("55555555555555555555555555555553", "5555555555555553", "counted 3")
            + ","
            + span("5555555555555555555555555555555", "5555555555555554", "odd-length id")
            + "]}]}]}";
    HttpResponse<byte[]> r = server.post("/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);

    String spansJson = "{signal=\"spans\",transport=\"http_json\"}";
    SelfMetrics after =
        awaitMetrics(m -> m.since(before, REQUEST_DURATION + "_count" + spansJson) >= 1);
    assertThat(after.since(before, "sightline_receiver_items_received_total" + spansJson))
        .isEqualTo(4);
    assertThat(after.since(before, "sightline_receiver_items_stored_total" + spansJson))
        .isEqualTo(3);
    assertThat(
            after.since(
                before,
                "sightline_receiver_items_rejected_total{signal=\"spans\",transport=\"http_json\","
                    + "reason=\"invalid\"}"))
        .isEqualTo(1);
    assertThat(after.since(before, REQUEST_DURATION + "_count" + spansJson)).isEqualTo(1);
    assertThat(
            after.since(before, "sightline_storage_write_duration_seconds_count{signal=\"spans\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(after.has("sightline_storage_queue_items")).isTrue();
  }

  static final String REQUEST_DURATION = "sightline_receiver_request_duration_seconds";

  /**
   * Reads {@code /metrics} until {@code condition} holds (10 s at most), and returns that reading.
   */
  private SelfMetrics awaitMetrics(Predicate<SelfMetrics> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    SelfMetrics m = SelfMetrics.read(server);
    while (!condition.test(m) && System.nanoTime() < deadline) {
      Thread.sleep(20); // a poll interval, not a wait for something to be done
      m = SelfMetrics.read(server);
    }
    return m;
  }

  private static String span(String traceId, String spanId, String name) {
    return "{\"traceId\":\""
        + traceId
        + "\",\"spanId\":\""
        + spanId
        + "\",\"name\":\""
        + name
        + "\",\"kind\":2,\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":1700000000500000000}";
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
