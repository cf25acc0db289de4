package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP input handling: the specification's own example payloads are accepted and read back,
 * and a table of bad inputs each gets the right status and message while valid items of the same
 * request are kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpInputIT {
  static final Path EXAMPLES =
      Path.of(System.getProperty("sightline.otlpExamples", "../../shared/otlp-examples"));
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
  void specTraceJsonExampleIsStoredAndReadBack() throws IOException {
    HttpResponse<byte[]> r =
        server.post("/v1/traces", JSON, Files.readAllBytes(EXAMPLES.resolve("trace.json")));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith(JSON);
    JsonNode trace = server.get("/api/v1/traces/5b8efff798038103d269b633813fc60c").json();
    JsonNode span = trace.get("spans").get(0);
    assertThat(span.get("traceId").asText()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.get("spanId").asText()).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.get("parentSpanId").asText()).isEqualTo("eee19b7ec3c1b173");
    assertThat(span.get("name").asText()).isEqualTo("I'm a server span");
    assertThat(span.get("kind").asText()).isEqualTo("SERVER");
    assertThat(span.get("service").asText()).isEqualTo("my.service");
    assertThat(span.get("startTimeUnixNano").asLong()).isEqualTo(1544712660000000000L);
    assertThat(span.get("endTimeUnixNano").asLong()).isEqualTo(1544712661000000000L);
    assertThat(span.get("attributes").get("my.span.attr").asText()).isEqualTo("some value");
    assertThat(span.get("scope").get("name").asText()).isEqualTo("my.library");
    assertThat(span.get("scope").get("version").asText()).isEqualTo("1.0.0");
    // Upper-case ids are accepted in the path too.
    assertThat(server.get("/api/v1/traces/5B8EFFF798038103D269B633813FC60C").status())
        .isEqualTo(200);
  }

  @Test
  void specTraceProtobufExampleIsStored() throws IOException {
    byte[] body = Files.readAllBytes(EXAMPLES.resolve("trace.protobuf-bin"));
    HttpResponse<byte[]> r = server.post("/v1/traces", PROTOBUF, body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).isEqualTo(PROTOBUF);
    ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
    assertThat(response.getPartialSuccess().getRejectedSpans()).isZero();
    var request =
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(body);
    var span = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    String traceId = dev.sightline.core.model.Ids.toHex(span.getTraceId().toByteArray());
    JsonNode trace = server.get("/api/v1/traces/" + traceId).json();
    assertThat(trace.get("spans").get(0).get("name").asText()).isEqualTo(span.getName());
  }

  @Test
  void specLogsAndMetricsExamplesAreStored() throws IOException {
    HttpResponse<byte[]> logs =
        server.post("/v1/logs", JSON, Files.readAllBytes(EXAMPLES.resolve("logs.json")));
    assertThat(logs.statusCode())
        .as(new String(logs.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    JsonNode found =
        server
            .get("/api/v1/logs?traceId=5b8efff798038103d269b633813fc60c&start=0")
            .json()
            .get("logs");
    assertThat(found).hasSize(1);
    JsonNode log = found.get(0);
    assertThat(log.get("severityText").asText()).isEqualTo("Information");
    assertThat(log.get("severityNumber").asInt()).isEqualTo(10);
    assertThat(log.get("body").asText()).isEqualTo("Example log record");
    assertThat(log.get("spanId").asText()).isEqualTo("eee19b7ec3c1b174");
    assertThat(log.get("timeUnixNano").asLong()).isEqualTo(1544712660300000000L);
    assertThat(log.get("attributes").get("int.attribute").asLong()).isEqualTo(10);
    assertThat(log.get("attributes").get("double.attribute").asDouble()).isEqualTo(637.704);
    assertThat(log.get("attributes").get("boolean.attribute").asBoolean()).isTrue();
    assertThat(log.get("attributes").get("array.attribute").get(0).asText()).isEqualTo("many");
    assertThat(log.get("attributes").get("map.attribute").get("some.map.key").asText())
        .isEqualTo("some value");

    HttpResponse<byte[]> metrics =
        server.post("/v1/metrics", JSON, Files.readAllBytes(EXAMPLES.resolve("metrics.json")));
    assertThat(metrics.statusCode())
        .as(new String(metrics.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    JsonNode names = server.get("/api/v1/metrics/names?start=0").json().get("names");
    assertThat(names.toString())
        .contains("my.counter", "my.gauge", "my.histogram", "my.exponential.histogram");
    JsonNode counter =
        server.get("/api/v1/metrics?name=my.counter&start=0").json().get("series").get(0);
    assertThat(counter.get("type").asText()).isEqualTo("SUM");
    assertThat(counter.get("temporality").asText()).isEqualTo("DELTA");
    assertThat(counter.get("monotonic").asBoolean()).isTrue();
    assertThat(counter.get("points").get(0).get("value").asDouble()).isEqualTo(5);
    JsonNode exp =
        server
            .get("/api/v1/metrics?name=my.exponential.histogram&start=0")
            .json()
            .get("series")
            .get(0);
    assertThat(exp.get("type").asText()).isEqualTo("EXPONENTIAL_HISTOGRAM");
    assertThat(exp.get("points").get(0).get("count").asLong()).isEqualTo(3);
    assertThat(exp.get("points").get(0).get("zeroCount").asLong()).isEqualTo(1);
    assertThat(exp.get("points").get(0).get("positive").get("offset").asInt()).isEqualTo(1);
    assertThat(exp.get("points").get(0).get("positive").get("bucketCounts").get(1).asLong())
        .isEqualTo(2);
  }

  @Test
  void truncatedProtobufIs400() throws IOException {
    byte[] body = Files.readAllBytes(EXAMPLES.resolve("trace.protobuf-bin"));
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
    byte[] body = Files.readAllBytes(EXAMPLES.resolve("trace.json"));
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
  void healthAndSelfMetrics() {
    assertThat(server.get("/healthz").status()).isEqualTo(200);
    TestServer.Response metrics = server.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text())
        .contains(
            "sightline_receiver_items_received_total{signal=\"spans\",transport=\"http_json\"}")
        .contains("sightline_receiver_items_rejected_total")
        .contains("sightline_receiver_request_duration_seconds_bucket")
        .contains("sightline_storage_write_duration_seconds_count")
        .contains("sightline_storage_queue_items");
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
