package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RED metrics derived at ingest, end to end: OTLP/HTTP JSON in, the query API out. */
class RedMetricsIT {
  static final long SECOND = 1_000_000_000L;
  static final long MS = 1_000_000L;

  /** A minute boundary half an hour ago. */
  static final long T0 =
      Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30)).toEpochMilli()
          * MS;

  @TempDir Path dataDir;

  static String span(
      String service,
      String traceId,
      String spanId,
      String parent,
      String name,
      int kind,
      long start,
      long durationNanos,
      boolean error) {
    return """
        {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "%s"}}]},
         "scopeSpans": [{"scope": {"name": "it"}, "spans": [{
           "traceId": "%s", "spanId": "%s", "parentSpanId": "%s", "name": "%s", "kind": %d,
           "startTimeUnixNano": "%d", "endTimeUnixNano": "%d", "status": {"code": %d}}]}]}
        """
        .formatted(
            service,
            traceId,
            spanId,
            parent,
            name,
            kind,
            start,
            start + durationNanos,
            error ? 2 : 0);
  }

  static byte[] request(String... resourceSpans) {
    return ("{\"resourceSpans\": [" + String.join(",", resourceSpans) + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String ms(long nanos) {
    return Long.toString(nanos / MS);
  }

  @Test
  void redIsDerivedAtIngest_andServedPerServiceOperationAndTime() {
    String trace = "5b8efff798038103d269b633813fc60c";
    try (TestServer server = TestServer.start(dataDir)) {
      byte[] body =
          request(
              span(
                  "frontend",
                  trace,
                  "0000000000000001",
                  "",
                  "GET /checkout",
                  2,
                  T0 + SECOND,
                  100 * MS,
                  false),
              span(
                  "frontend",
                  trace,
                  "0000000000000002",
                  "0000000000000001",
                  "POST /orders",
                  3,
                  T0 + SECOND + 10 * MS,
                  80 * MS,
                  false),
              span(
                  "order",
                  trace,
                  "0000000000000003",
                  "0000000000000002",
                  "PlaceOrder",
                  2,
                  T0 + SECOND + 20 * MS,
                  60 * MS,
                  true),
              span(
                  "order",
                  "5b8efff798038103d269b633813fc60d",
                  "0000000000000004",
                  "",
                  "PlaceOrder",
                  2,
                  T0 + 15 * SECOND,
                  20 * MS,
                  false));
      assertThat(server.post("/v1/traces", "application/json", body).statusCode()).isEqualTo(200);
      // back-filled two hours, arriving last
      long late = T0 - 2 * 3_600 * SECOND + 5 * SECOND;
      byte[] lateBody =
          request(
              span(
                  "order",
                  "5b8efff798038103d269b633813fc60e",
                  "0000000000000005",
                  "",
                  "PlaceOrder",
                  2,
                  late,
                  15 * MS,
                  false));
      assertThat(server.post("/v1/traces", "application/json", lateBody).statusCode())
          .isEqualTo(200);

      JsonNode red =
          server
              .get(
                  "/api/v1/red?service=order&start="
                      + ms(T0)
                      + "&end="
                      + ms(T0 + 60 * SECOND)
                      + "&step=10s")
              .json();
      assertThat(red.get("stepSeconds").asLong()).isEqualTo(10);
      assertThat(red.get("points")).hasSize(6);
      JsonNode first = red.get("points").get(0);
      assertThat(first.get("timeUnixNano").asLong()).isEqualTo(T0);
      assertThat(first.get("requests").asLong()).isEqualTo(1);
      assertThat(first.get("errors").asLong()).isEqualTo(1);
      assertThat(first.get("errorRatio").asDouble()).isEqualTo(1.0);
      assertThat(first.get("rate").asDouble()).isEqualTo(0.1);
      // 60 ms is in (50, 100] ms: p50 = 50 + 50 * 0.5
      assertThat(first.get("p50Ms").asDouble()).isEqualTo(75.0);
      JsonNode second = red.get("points").get(1);
      assertThat(second.get("requests").asLong()).isEqualTo(1);
      assertThat(second.get("errors").asLong()).isZero();
      assertThat(red.get("points").get(2).get("requests").asLong()).isZero();
      assertThat(red.get("points").get(2).get("p99Ms").isNull()).isTrue();

      JsonNode hourly =
          server
              .get(
                  "/api/v1/red?service=order&operation=PlaceOrder&start="
                      + ms(T0 - 3 * 3_600 * SECOND)
                      + "&end="
                      + ms(T0 + 60 * SECOND)
                      + "&step=1h")
              .json();
      long total = 0;
      long lateBucket = Math.floorDiv(late, 3_600 * SECOND) * 3_600 * SECOND;
      for (JsonNode p : hourly.get("points")) {
        total += p.get("requests").asLong();
        if (p.get("timeUnixNano").asLong() == lateBucket) {
          assertThat(p.get("requests").asLong()).isEqualTo(1);
        }
      }
      assertThat(total).isEqualTo(3);

      String window = "start=" + ms(T0) + "&end=" + ms(T0 + 60 * SECOND);
      JsonNode services = server.get("/api/v1/services?" + window).json().get("services");
      assertThat(services).hasSize(2);
      JsonNode frontend = services.get(0);
      assertThat(frontend.get("name").asText()).isEqualTo("frontend");
      assertThat(frontend.get("operations")).hasSize(2);
      assertThat(frontend.get("requests").asLong()).isEqualTo(1); // SERVER spans only
      JsonNode order = services.get(1);
      assertThat(order.get("name").asText()).isEqualTo("order");
      assertThat(order.get("requests").asLong()).isEqualTo(2);
      assertThat(order.get("errors").asLong()).isEqualTo(1);
      assertThat(order.get("errorRatio").asDouble()).isEqualTo(0.5);
      assertThat(order.get("rate").asDouble()).isEqualTo(2 / 60.0);
      // 20 ms in (10, 20], 60 ms in (50, 100]: p50 rank 1 -> 20 ms; p99 rank 1.98 -> 99 ms
      assertThat(order.get("p50Ms").asDouble()).isEqualTo(20.0);
      assertThat(order.get("p99Ms").asDouble())
          .isCloseTo(99.0, org.assertj.core.data.Offset.offset(1e-9));

      JsonNode ops = server.get("/api/v1/services/frontend/operations?" + window).json();
      assertThat(ops.get("operations")).hasSize(2);
      assertThat(ops.get("operations").get(0).get("name").asText()).isEqualTo("GET /checkout");
      assertThat(ops.get("operations").get(0).get("spanKind").asText()).isEqualTo("SERVER");
      assertThat(ops.get("operations").get(1).get("name").asText()).isEqualTo("POST /orders");
      assertThat(ops.get("operations").get(1).get("spanKind").asText()).isEqualTo("CLIENT");
      assertThat(ops.get("operations").get(1).get("requests").asLong()).isEqualTo(1);

      JsonNode edges = server.get("/api/v1/service-map?" + window).json().get("edges");
      assertThat(edges).hasSize(1);
      JsonNode edge = edges.get(0);
      assertThat(edge.get("client").asText()).isEqualTo("frontend");
      assertThat(edge.get("server").asText()).isEqualTo("order");
      assertThat(edge.get("connection").asText()).isEqualTo("request");
      assertThat(edge.get("calls").asLong()).isEqualTo(1);
      assertThat(edge.get("errors").asLong()).isEqualTo(1);
      assertThat(edge.get("p50Ms").asDouble()).isEqualTo(75.0);
      assertThat(
              server
                  .get("/api/v1/service-map?limit=3")
                  .json()
                  .get("error")
                  .get("parameter")
                  .asText())
          .isEqualTo("limit");

      TestServer.Response badStep = server.get("/api/v1/red?step=15s");
      assertThat(badStep.status()).isEqualTo(400);
      assertThat(badStep.json().get("error").get("parameter").asText()).isEqualTo("step");
      TestServer.Response badKind = server.get("/api/v1/services?spanKind=sever");
      assertThat(badKind.status()).isEqualTo(400);
      assertThat(badKind.json().get("error").get("parameter").asText()).isEqualTo("spanKind");
      assertThat(server.get("/api/v1/red?start=0&step=10s").status()).isEqualTo(400);
      // ranges that overflowed a long (issue 13's review): a 400 naming the parameter, with and
      // without a step, never a huge answer, a negative rate or an exhausted heap
      for (String q :
          List.of(
              "/api/v1/red?start=1740-01-01T00:00:00Z&end=2262-04-01T00:00:00Z&step=1d",
              "/api/v1/red?start=1740-01-01T00:00:00Z&end=2262-04-01T00:00:00Z",
              "/api/v1/services?start=1740-01-01T00:00:00Z&end=2262-04-01T00:00:00Z",
              "/api/v1/traces?start=-5&end=2262-04-01T00:00:00Z")) {
        TestServer.Response r = server.get(q);
        assertThat(r.status()).as(q).isEqualTo(400);
        assertThat(r.json().get("error").get("parameter").asText()).as(q).isIn("start", "end");
      }
      // the longest range allowed answers within the point cap
      TestServer.Response widest =
          server.get("/api/v1/red?start=1970-01-01T00:00:00Z&end=2200-01-01T00:00:00Z");
      assertThat(widest.status()).isEqualTo(200);
      assertThat(widest.json().get("points").size()).isLessThanOrEqualTo(11_000);
    }
  }

  @Test
  void spanRedCountersAreExposedAtMetricsAfterAnOtlpExport() {
    String trace = "5b8efff798038103d269b633813fc60f";
    try (TestServer server = TestServer.start(dataDir)) {
      byte[] body =
          request(
              span("order", trace, "0000000000000011", "", "PlaceOrder", 2, T0, 60 * MS, true),
              span("order", trace, "0000000000000012", "", "PlaceOrder", 2, T0, 500 * MS, false),
              span("order", trace, "0000000000000013", "", "PlaceOrder", 2, T0, 700 * MS, false));
      assertThat(server.post("/v1/traces", "application/json", body).statusCode()).isEqualTo(200);

      TestServer.Response metrics = server.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      String labels =
          "service=\"order\",operation=\"PlaceOrder\",span_kind=\"SERVER\",status_code=";
      assertThat(metrics.text())
          .contains("# TYPE sightline_span_requests_total counter\n")
          .contains("sightline_span_requests_total{" + labels + "\"ERROR\"} 1\n")
          .contains("sightline_span_requests_total{" + labels + "\"UNSET\"} 2\n")
          .contains("# TYPE sightline_span_duration_seconds histogram\n")
          .contains(
              "sightline_span_duration_seconds_bucket{" + labels + "\"UNSET\",le=\"0.5\"} 1\n")
          .contains("sightline_span_duration_seconds_bucket{" + labels + "\"UNSET\",le=\"1\"} 2\n")
          .contains(
              "sightline_span_duration_seconds_bucket{" + labels + "\"ERROR\",le=\"0.1\"} 1\n")
          .contains("sightline_span_duration_seconds_count{" + labels + "\"UNSET\"} 2\n")
          .contains("sightline_span_red_folded_spans_total 0\n")
          // the storage's in-memory pairing of service-map edges
          .contains("# TYPE sightline_service_edge_pairing_waiting_children gauge\n")
          .contains("sightline_service_edge_pairing_callers ")
          .contains("sightline_service_edge_pairing_evicted_callers ")
          .contains("sightline_service_edge_pairing_evicted_waiting_children ");

      // an undecodable request stores nothing and counts nothing
      server.post("/v1/traces", "application/json", "{not json".getBytes(StandardCharsets.UTF_8));
      assertThat(server.get("/metrics").text())
          .contains("sightline_span_requests_total{" + labels + "\"UNSET\"} 2\n");
    }
  }
}
