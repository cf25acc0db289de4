package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sightline.testing.OpenSloExamples;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incidents through the running server: a bad release of the shop's order service (back-filled,
 * ending now), an availability SLO on checkout from {@code --slo-dir}; the alert fires, the
 * incident opens by itself, the webhook carries its card, and the API drives its lifecycle. A
 * restart keeps the alert and the incident and opens no second one.
 */
class IncidentApiIT {
  static final String SLO =
      OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]");

  @TempDir Path dir;

  static TestServer.Response post(TestServer s, String path, String json) {
    return TestServer.send(
        HttpRequest.newBuilder(URI.create(s.api() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** The first incident once its investigation (which runs after it is listed) finished. */
  static JsonNode waitForIncident(TestServer s) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode list = s.get("/api/v1/incidents").json().get("incidents");
      if (list.size() > 0 && !list.get(0).get("investigation").asText().equals("running")) {
        return list.get(0);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no investigated incident within 60 s");
  }

  @Test
  void badRelease_incidentOpensWithItsCard_lifecycleAndRestart() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("checkout.yaml"), SLO);
    List<String> hooks = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    String[] flags = {
      "slo-dir",
      slos.toString(),
      "slo-eval-interval",
      "1s",
      "notify",
      "webhook:http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
      "external-url",
      "http://sightline.example.com"
    };
    String id;
    try (TestServer s = TestServer.start(dir.resolve("data"), flags)) {
      FaultScenario scenario =
          FaultScenario.builder(FaultKind.BAD_RELEASE)
              .baseline(Duration.ofMinutes(30))
              .faultDuration(Duration.ofMinutes(4))
              .requestsPerSecond(2)
              .build();
      scenario.telemetry().writeTo(s.server.storage());

      JsonNode summary = waitForIncident(s);
      id = summary.get("id").asText();
      // the list is paged: limit between 1 and 1,000, truncated when more exist
      assertThat(s.get("/api/v1/incidents?limit=1").json().get("incidents")).hasSize(1);
      TestServer.Response badLimit = s.get("/api/v1/incidents?limit=0");
      assertThat(badLimit.status()).isEqualTo(400);
      assertThat(badLimit.json().get("error").get("parameter").asText()).isEqualTo("limit");
      assertThat(s.get("/api/v1/incidents?limit=1001").status()).isEqualTo(400);
      assertThat(summary.get("slo").asText()).isEqualTo("checkout-availability");
      assertThat(summary.get("severity").asText()).isEqualTo("P0");
      assertThat(summary.get("status").asText()).isEqualTo("open");
      // the list names its alerts, so that an alert view can link to its incident
      String firingAlert =
          s.get("/api/v1/alerts?state=firing").json().get("alerts").get(0).get("id").asText();
      assertThat(summary.get("alertId").asText()).isEqualTo(firingAlert);
      assertThat(summary.get("alertIds")).hasSize(1);
      assertThat(summary.get("alertIds").get(0).asText()).isEqualTo(firingAlert);
      assertThat(summary.get("owner").asText()).isEqualTo("team-shop");
      assertThat(summary.get("runbook").asText())
          .isEqualTo("https://runbooks.example.com/checkout");
      assertThat(summary.get("rootCause").get("service").asText()).isEqualTo("order");
      assertThat(summary.get("rootCause").get("operation").asText())
          .isEqualTo("Shop.OrderService.PlaceOrder");
      assertThat(summary.get("rootCause").get("confidence").asDouble()).isGreaterThan(0.5);
      assertThat(summary.get("respondBy").asText()).isNotEmpty();
      assertThat(summary.get("investigation").asText()).isEqualTo("complete");
      assertThat(s.get("/api/v1/incidents?severity=P0").json().get("incidents")).hasSize(1);
      assertThat(s.get("/api/v1/incidents?severity=p0").json().get("incidents")).hasSize(1);
      assertThat(s.get("/api/v1/incidents?severity=P2").json().get("incidents")).isEmpty();
      assertThat(s.get("/api/v1/incidents?severity=P7").status()).isEqualTo(400);
      assertThat(s.get("/api/v1/incidents?status=open&severity=P0").json().get("incidents"))
          .hasSize(1);

      JsonNode card = s.get("/api/v1/incidents/" + id).json();
      assertThat(card.get("investigation").asText()).isEqualTo("complete");
      assertThat(java.time.Instant.parse(card.get("evidenceGatheredAt").asText()))
          .isAfterOrEqualTo(java.time.Instant.parse(card.get("openedAt").asText()));
      assertThat(card.get("hypotheses").get(0).get("attributeValue").asText()).isEqualTo("1.5.0");
      JsonNode evidence = card.get("evidence");
      assertThat(evidence.get("badTraces").size()).isPositive();
      assertThat(evidence.get("badTraces").get(0).isTextual()).isTrue();
      assertThat(evidence.get("baselineTraces").size()).isPositive();
      assertThat(evidence.get("criticalPath").size()).isPositive();
      assertThat(evidence.get("errors"))
          .anySatisfy(
              e ->
                  assertThat(e.get("exceptionType").asText())
                      .isEqualTo("java.lang.NullPointerException"));
      assertThat(evidence.get("logPatterns"))
          .anySatisfy(p -> assertThat(p.get("new").asBoolean()).isTrue());
      assertThat(evidence.get("changes"))
          .anySatisfy(c -> assertThat(c.get("version").asText()).isEqualTo("1.5.0"));
      assertThat(evidence.get("dependencies").size()).isPositive();
      assertThat(card.get("timeline").size()).isGreaterThanOrEqualTo(2);
      assertThat(card.get("verification").get("status").asText()).isEqualTo("pending");
      assertThat(card.get("impact").get("badRequests").asLong()).isPositive();
      // a bad trace of the evidence is readable through the trace API
      String traceId = evidence.get("badTraces").get(0).asText();
      assertThat(s.get("/api/v1/traces/" + traceId).status()).isEqualTo(200);

      // the notification carries the incident card
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (hooks.isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
      JsonNode hook = TestServer.JSON.readTree(hooks.get(0));
      JsonNode annotations = hook.get("alerts").get(0).get("annotations");
      assertThat(annotations.get("incident_id").asText()).isEqualTo(id);
      assertThat(annotations.get("incident_url").asText())
          .isEqualTo("http://sightline.example.com/api/v1/incidents/" + id);
      assertThat(annotations.get("root_cause").asText()).contains("order");
      assertThat(annotations.get("investigation").asText()).isEqualTo("complete");
      assertThat(annotations.get("runbook_url").asText())
          .isEqualTo("https://runbooks.example.com/checkout");
      assertThat(hook.get("alerts").get(0).get("generatorURL").asText())
          .isEqualTo("http://sightline.example.com/api/v1/incidents/" + id);

      // lifecycle
      assertThat(
              post(s, "/api/v1/incidents/" + id + "/ack", "{\"by\": \"alice\"}")
                  .json()
                  .get("status")
                  .asText())
          .isEqualTo("acknowledged");
      assertThat(post(s, "/api/v1/incidents/" + id + "/ack", "").status()).isEqualTo(409);
      TestServer.Response item =
          post(
              s,
              "/api/v1/incidents/" + id + "/action-items",
              "{\"text\": \"add a canary stage for order\", \"owner\": \"team-orders\"}");
      assertThat(item.status()).isEqualTo(201);
      JsonNode added = item.json().get("actionItems").get(0);
      assertThat(added.get("text").asText()).isEqualTo("add a canary stage for order");
      assertThat(added.get("done").asBoolean()).isFalse();
      assertThat(added.get("doneAt").isNull()).isTrue();
      assertThat(added.get("doneBy").isNull()).isTrue();
      String itemPath = "/api/v1/incidents/" + id + "/action-items/" + added.get("id").asText();
      TestServer.Response done = post(s, itemPath, "{\"done\": true, \"by\": \"alice\"}");
      assertThat(done.status()).isEqualTo(200);
      JsonNode doneItem = done.json().get("actionItems").get(0);
      assertThat(doneItem.get("done").asBoolean()).isTrue();
      assertThat(doneItem.get("doneBy").asText()).isEqualTo("alice");
      java.time.Instant.parse(doneItem.get("doneAt").asText());
      assertThat(done.json().get("timeline"))
          .anySatisfy(t -> assertThat(t.get("kind").asText()).isEqualTo("action-item-done"));
      assertThat(post(s, itemPath, "{\"by\": \"alice\"}").status()).isEqualTo(400);
      assertThat(post(s, itemPath, "{\"done\": \"yes\"}").status()).isEqualTo(400);
      TestServer.Response noItem =
          post(s, "/api/v1/incidents/" + id + "/action-items/nope", "{\"done\": true}");
      assertThat(noItem.status()).isEqualTo(404);
      assertThat(noItem.json().get("error").get("message").asText())
          .isEqualTo("no action item nope in incident " + id);
      assertThat(
              post(
                      s,
                      "/api/v1/incidents/" + id + "/action-items",
                      "{\"text\": \"" + "x".repeat(2001) + "\"}")
                  .status())
          .isEqualTo(400);
      for (int k = 1; k < 200; k++) {
        assertThat(
                post(
                        s,
                        "/api/v1/incidents/" + id + "/action-items",
                        "{\"text\": \"item " + k + "\"}")
                    .status())
            .isEqualTo(201);
      }
      TestServer.Response tooMany =
          post(s, "/api/v1/incidents/" + id + "/action-items", "{\"text\": \"one more\"}");
      assertThat(tooMany.status()).isEqualTo(400);
      assertThat(tooMany.json().get("error").get("message").asText()).contains("200 action items");
      TestServer.Response mitigated =
          post(
              s,
              "/api/v1/incidents/" + id + "/mitigate",
              "{\"by\": \"bob\", \"note\": \"traffic moved to 1.4.2\"}");
      assertThat(mitigated.json().get("status").asText()).isEqualTo("mitigated");
      assertThat(mitigated.json().get("timeline"))
          .anySatisfy(
              t ->
                  assertThat(t.get("text").asText())
                      .isEqualTo("mitigated by bob: traffic moved to 1.4.2"));
      assertThat(post(s, "/api/v1/incidents/" + id + "/action-items", "{}").status())
          .isEqualTo(400);
      assertThat(post(s, "/api/v1/incidents/" + id + "/action-items", "not json").status())
          .isEqualTo(400);
      TestServer.Response resolved =
          post(
              s,
              "/api/v1/incidents/" + id + "/resolve",
              "{\"by\": \"carol\", \"note\": \"rolled back\"}");
      assertThat(resolved.json().get("status").asText()).isEqualTo("resolved");
      assertThat(resolved.json().get("timeline"))
          .anySatisfy(
              t -> assertThat(t.get("text").asText()).isEqualTo("resolved by carol: rolled back"));
      assertThat(resolved.json().get("verification").get("trigger").asText()).isEqualTo("resolved");
      assertThat(post(s, "/api/v1/incidents/" + id + "/resolve", "").status()).isEqualTo(409);
      assertThat(s.get("/api/v1/incidents?status=resolved").json().get("incidents")).hasSize(1);
      assertThat(s.get("/api/v1/incidents?status=open").json().get("incidents")).isEmpty();
      assertThat(s.get("/api/v1/incidents?status=nope").status()).isEqualTo(400);
      assertThat(s.get("/api/v1/incidents/inc-unknown").status()).isEqualTo(404);
      assertThat(post(s, "/api/v1/incidents/inc-unknown/ack", "").status()).isEqualTo(404);

      TestServer.Response pm = s.get("/api/v1/incidents/" + id + "/postmortem");
      assertThat(pm.status()).isEqualTo(200);
      assertThat(pm.text())
          .startsWith("# Post-mortem: checkout-availability")
          .contains("## Root cause")
          .contains("Shop.OrderService.PlaceOrder")
          .contains("- [x] add a canary stage for order")
          .contains("- [ ] item 1\n")
          .contains("## Timeline");
    }

    // a restart keeps the firing alert and the incident: no second incident, no second page
    int hooksBefore = hooks.size();
    try (TestServer s = TestServer.start(dir.resolve("data"), flags)) {
      // the first evaluation after the restart would fire again; two more give a page time to come
      s.awaitEvaluationRounds(3);
      JsonNode list = s.get("/api/v1/incidents").json().get("incidents");
      assertThat(list).hasSize(1);
      assertThat(list.get(0).get("id").asText()).isEqualTo(id);
      assertThat(list.get(0).get("status").asText()).isEqualTo("resolved");
      assertThat(s.get("/api/v1/alerts?state=firing").json().get("alerts")).hasSize(1);
      long firedAgain =
          hooks.subList(hooksBefore, hooks.size()).stream()
              .filter(h -> h.contains("\"status\":\"firing\""))
              .count();
      assertThat(firedAgain).isZero();
    } finally {
      receiver.stop(0);
    }
  }
}
