package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sightline.testing.OpenSloExamples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLO alerting end to end: specs from {@code --slo-dir} (a malformed file beside a good one),
 * back-filled spans over OTLP/HTTP, the evaluation schedule, and the SLO and alert API.
 */
class SloAlertingIT {
  static final long SECOND = 1_000_000_000L;
  static final String OPERATION = "Shop.OrderService.PlaceOrder";

  static final String GOOD = OpenSloExamples.PLACE_ORDER_AVAILABILITY;

  /** Line 7 has a typo in the budgeting method. */
  static final String MALFORMED =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: broken-slo
      spec:
        service: order
        budgetingMethod: Ocurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{target: 0.99}]
      """;

  static final String LATENCY =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: place-order-latency}
      spec:
        service: order
        budgetingMethod: Occurrences
        timeWindow: [{duration: 28d, isRolling: true}]
        objectives: [{target: %s}]
        indicator:
          metadata: {name: place-order-fast}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder, maxDurationMs: 500}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder}}}
      """;

  @TempDir Path dir;

  static String span(long n, long start, boolean error) {
    return """
        {"traceId": "%032x", "spanId": "%016x", "name": "%s", "kind": 2,
         "startTimeUnixNano": "%d", "endTimeUnixNano": "%d", "status": {"code": %d}}
        """
        .formatted(n, n, OPERATION, start, start + 20_000_000L, error ? 2 : 1);
  }

  static byte[] request(List<String> spans) {
    return ("""
        {"resourceSpans": [{"resource": {"attributes": [
          {"key": "service.name", "value": {"stringValue": "order"}}]},
          "scopeSpans": [{"scope": {"name": "it"}, "spans": [%s]}]}]}
        """
            .formatted(String.join(",", spans)))
        .getBytes(StandardCharsets.UTF_8);
  }

  static HttpRequest.Builder to(TestServer s, String path) {
    return HttpRequest.newBuilder(URI.create(s.api() + path));
  }

  @Test
  void goodSloAlertsBesideAMalformedOne_andTheApiShowsSlosAlertsAndSeries() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("a-broken.yaml"), MALFORMED);
    Files.writeString(slos.resolve("order.yaml"), GOOD);

    // lint names the line of the problem and still counts the good SLO
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"slo", "lint", slos.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("a-broken.yaml:7: spec.budgetingMethod:")
        .contains("1 SLOs ok");

    // a webhook receiver for the Alertmanager-style payload
    List<String> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    try (TestServer s =
        TestServer.start(
            dir.resolve("data"),
            "slo-dir",
            slos.toString(),
            "slo-eval-interval",
            "1s",
            "notify",
            "webhook:http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")) {
      // an hour of healthy traffic every 5 s, then every request fails for the last 3 minutes
      long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli() * 1_000_000L;
      List<String> spans = new ArrayList<>();
      long n = 1;
      for (long t = now - 3_600 * SECOND; t < now - 180 * SECOND; t += 5 * SECOND) {
        spans.add(span(n++, t, false));
      }
      for (long t = now - 180 * SECOND; t < now; t += SECOND) spans.add(span(n++, t, true));
      for (int i = 0; i < spans.size(); i += 200) {
        var r =
            s.post(
                "/v1/traces",
                "application/json",
                request(spans.subList(i, Math.min(spans.size(), i + 200))));
        assertThat(r.statusCode()).isEqualTo(200);
      }

      JsonNode alert = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (alert == null && System.nanoTime() < deadline) {
        JsonNode alerts = s.get("/api/v1/alerts?state=firing").json().get("alerts");
        if (alerts.size() > 0) alert = alerts.get(0);
        else Thread.sleep(200);
      }
      assertThat(alert).as("a firing alert within 30 s").isNotNull();
      assertThat(alert.get("slo").asText()).isEqualTo("place-order-availability");
      assertThat(alert.get("severity").asText()).isEqualTo("P1");
      assertThat(alert.get("state").asText()).isEqualTo("firing");
      assertThat(alert.get("rule").asText()).isEqualTo("page-fast");
      assertThat(alert.get("burnRates").get("5m").asDouble()).isGreaterThan(14.4);
      assertThat(alert.get("burnRates").get("1h").asDouble()).isGreaterThan(14.4);
      assertThat(alert.get("budgetRemaining").isNumber()).isTrue();
      assertThat(alert.get("owner").asText()).isEqualTo("team-orders");
      assertThat(alert.get("runbook").asText())
          .isEqualTo("https://runbooks.example.com/place-order");
      assertThat(Instant.parse(alert.get("respondBy").asText()))
          .isEqualTo(Instant.parse(alert.get("since").asText()).plus(Duration.ofMinutes(15)));

      JsonNode list = s.get("/api/v1/slos").json();
      assertThat(list.get("slos")).hasSize(1);
      JsonNode slo = list.get("slos").get(0);
      assertThat(slo.get("name").asText()).isEqualTo("place-order-availability");
      assertThat(slo.get("source").asText()).isEqualTo("order.yaml");
      JsonNode objective = slo.get("objectives").get(0);
      assertThat(objective.get("target").asDouble()).isEqualTo(0.999);
      assertThat(objective.get("alertState").asText()).isEqualTo("firing");
      assertThat(objective.get("sli").asDouble()).isBetween(0.5, 0.9);
      assertThat(objective.get("burnRates").get("5m").asDouble()).isGreaterThan(14.4);
      assertThat(list.get("problems"))
          .anySatisfy(
              p ->
                  assertThat(p.get("text").asText())
                      .startsWith("a-broken.yaml:7: spec.budgetingMethod:"));

      // the webhook got the firing alert once
      long hookDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (hooks.isEmpty() && System.nanoTime() < hookDeadline) Thread.sleep(100);
      assertThat(hooks).hasSize(1);
      JsonNode hook = TestServer.JSON.readTree(hooks.get(0));
      assertThat(hook.get("status").asText()).isEqualTo("firing");
      assertThat(hook.get("alerts").get(0).get("labels").get("slo").asText())
          .isEqualTo("place-order-availability");
      assertThat(hook.get("alerts").get(0).get("annotations").get("runbook_url").asText())
          .isEqualTo("https://runbooks.example.com/place-order");

      // the same alert stays one alert over later evaluations
      s.awaitEvaluationRounds(2);
      assertThat(s.get("/api/v1/alerts").json().get("alerts")).hasSize(1);

      // burn-rate series
      TestServer.Response series =
          s.get(
              "/api/v1/slos/place-order-availability?step=1m&start=" + (now / 1_000_000 - 600_000));
      assertThat(series.status()).isEqualTo(200);
      JsonNode fiveMinutes =
          series.json().get("burnRateSeries").get("objectives").get(0).get("windows").get("5m");
      assertThat(fiveMinutes.size()).isBetween(10, 11);
      assertThat(fiveMinutes.get(0).get("burnRate").asDouble()).isEqualTo(0.0);
      assertThat(fiveMinutes.get(fiveMinutes.size() - 1).get("burnRate").asDouble())
          .isGreaterThan(100);
      // the spec as stored, and only the windows asked for
      assertThat(series.json().get("spec").asText()).isEqualTo(GOOD);
      JsonNode only =
          s.get(
                  "/api/v1/slos/place-order-availability?step=1h&windows=5m,30d&start="
                      + (now / 1_000_000 - 30 * 86_400_000L))
              .json()
              .get("burnRateSeries")
              .get("objectives")
              .get(0)
              .get("windows");
      assertThat(only.fieldNames()).toIterable().containsExactly("5m", "30d");
      TestServer.Response badWindow = s.get("/api/v1/slos/place-order-availability?windows=2m");
      assertThat(badWindow.status()).isEqualTo(400);
      assertThat(badWindow.json().get("error").get("parameter").asText()).isEqualTo("windows");
      assertThat(s.get("/api/v1/slos/nope").status()).isEqualTo(404);
      assertThat(s.get("/api/v1/slos/place-order-availability?bogus=1").status()).isEqualTo(400);
      assertThat(s.get("/api/v1/alerts?state=sleeping").status()).isEqualTo(400);

      // specs through the API
      var created =
          TestServer.send(
              to(s, "/api/v1/slos")
                  .header("Content-Type", "application/yaml")
                  .POST(HttpRequest.BodyPublishers.ofString(LATENCY.formatted("0.99")))
                  .build());
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().get("source").asText()).isEqualTo("api/place-order-latency.yaml");
      var again =
          TestServer.send(
              to(s, "/api/v1/slos")
                  .POST(HttpRequest.BodyPublishers.ofString(LATENCY.formatted("0.99")))
                  .build());
      assertThat(again.status()).isEqualTo(409);
      var invalid =
          TestServer.send(
              to(s, "/api/v1/slos/place-order-latency")
                  .PUT(HttpRequest.BodyPublishers.ofString(LATENCY.formatted("1.5")))
                  .build());
      assertThat(invalid.status()).isEqualTo(400);
      assertThat(invalid.json().get("error").get("problems").get(0).get("text").asText())
          .isEqualTo(
              "api/place-order-latency.yaml:8: spec.objectives[0].target: must be between 0 and 1,"
                  + " got 1.5");
      var replaced =
          TestServer.send(
              to(s, "/api/v1/slos/place-order-latency")
                  .PUT(HttpRequest.BodyPublishers.ofString(LATENCY.formatted("0.95")))
                  .build());
      assertThat(replaced.status()).isEqualTo(200);
      assertThat(replaced.json().get("objectives").get(0).get("target").asDouble()).isEqualTo(0.95);
      var fileDefined =
          TestServer.send(to(s, "/api/v1/slos/place-order-availability").DELETE().build());
      assertThat(fileDefined.status()).isEqualTo(409);
      assertThat(s.get("/api/v1/slos").json().get("slos")).hasSize(2);
      var deleted = TestServer.send(to(s, "/api/v1/slos/place-order-latency").DELETE().build());
      assertThat(deleted.status()).isEqualTo(204);
      assertThat(s.get("/api/v1/slos").json().get("slos")).hasSize(1);
      assertThat(hooks).hasSize(1);
    } finally {
      receiver.stop(0);
    }
  }
}
