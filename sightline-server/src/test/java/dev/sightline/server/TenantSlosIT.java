package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sightline.core.model.Span;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
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
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants that never see each other's SLOs, alerts, incidents or notifications: two tenants (two
 * tokens of the auth file) send the same shop's telemetry, only northwind's with a bad release;
 * both store the same SLO through the API and have the same spec in their {@code --slo-dir}
 * sub-folder. Northwind's SLOs fire and open an incident whose evidence is northwind's traces;
 * contoso's are evaluated on its own healthy data and stay quiet, and every northwind object
 * answers contoso 404 like an unknown one.
 */
class TenantSlosIT {
  static final String SLO =
      OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]");
  static final String FOLDER_SLO =
      SLO.replace("name: checkout-availability", "name: checkout-folder");
  static final String ACME_ONLY =
      SLO.replace("name: checkout-availability", "name: northwind-private");

  @TempDir Path dir;

  static TestServer.Response call(
      TestServer s, String method, String path, String body, String token) {
    return TestServer.send(
        HttpRequest.newBuilder(URI.create(s.api() + path))
            .header("Authorization", "Bearer " + token)
            .header(
                "Content-Type",
                path.startsWith("/api/v1/slos") ? "application/yaml" : "application/json")
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static TestServer.Response get(TestServer s, String path, String token) {
    return call(s, "GET", path, "", token);
  }

  static Set<String> traceIds(FaultScenario scenario) {
    Set<String> ids = new HashSet<>();
    for (Span span : scenario.telemetry().spans()) ids.add(span.traceId());
    return ids;
  }

  @Test
  void sameSpecsAndServices_onlyTheFailingTenantAlerts_andNothingCrossesTenants() throws Exception {
    Path authFile = dir.resolve("tokens.json");
    String northwind =
        TokenFile.create(authFile, "northwind", "northwind", Set.of(Role.ADMIN)).token();
    String contoso = TokenFile.create(authFile, "contoso", "contoso", Set.of(Role.ADMIN)).token();
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(
        Files.createDirectories(slos.resolve("northwind")).resolve("c.yaml"), FOLDER_SLO);
    Files.writeString(
        Files.createDirectories(slos.resolve("contoso")).resolve("c.yaml"), FOLDER_SLO);
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
    Path data = dir.resolve("data");
    try (TestServer s =
        TestServer.start(
            data,
            "auth-file",
            authFile.toString(),
            "slo-dir",
            slos.toString(),
            "slo-eval-interval",
            "1s",
            "notify",
            "webhook:http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
            "external-url",
            "http://sightline.example.com")) {
      // the same shop under both tenants: a bad release of order at northwind, healthy at contoso
      Instant end = Instant.now();
      FaultScenario bad =
          FaultScenario.builder(FaultKind.BAD_RELEASE)
              .tenant("northwind")
              .seed(1)
              .end(end)
              .baseline(Duration.ofMinutes(30))
              .faultDuration(Duration.ofMinutes(4))
              .requestsPerSecond(2)
              .build();
      FaultScenario healthy =
          FaultScenario.builder(FaultKind.HEALTHY)
              .tenant("contoso")
              .seed(2)
              .end(end)
              .baseline(Duration.ofMinutes(30))
              .faultDuration(Duration.ofMinutes(4))
              .requestsPerSecond(2)
              .build();
      healthy.telemetry().writeTo(s.server.storage());
      bad.telemetry().writeTo(s.server.storage());
      Set<String> northwindTraces = traceIds(bad);
      Set<String> contosoTraces = traceIds(healthy);
      long contosoCheckouts =
          healthy.telemetry().spans().stream()
              .filter(
                  sp ->
                      sp.resource().serviceName().equals("frontend")
                          && sp.name().equals("GET /checkout"))
              .count();
      assertThat(northwindTraces).doesNotContainAnyElementsOf(contosoTraces);

      // the same SLO through the API, one per tenant; northwind has one more of its own
      assertThat(call(s, "PUT", "/api/v1/slos/checkout-availability", SLO, northwind).status())
          .isEqualTo(200);
      assertThat(call(s, "PUT", "/api/v1/slos/checkout-availability", SLO, contoso).status())
          .isEqualTo(200);
      assertThat(call(s, "POST", "/api/v1/slos", ACME_ONLY, northwind).status()).isEqualTo(201);
      assertThat(data.resolve("tenants/northwind/slos")).isDirectory();
      assertThat(data.resolve("tenants/contoso/slos")).isDirectory();

      JsonNode incident = waitForIncident(s, northwind);
      String id = incident.get("id").asText();

      // northwind: its SLO fires, its incident's evidence is its own traces
      JsonNode northwindAlerts =
          get(s, "/api/v1/alerts?state=firing", northwind).json().get("alerts");
      assertThat(northwindAlerts.size()).isPositive();
      JsonNode card = get(s, "/api/v1/incidents/" + id, northwind).json();
      JsonNode badTraces = card.get("evidence").get("badTraces");
      assertThat(badTraces.size()).isPositive();
      for (JsonNode t : badTraces) {
        assertThat(northwindTraces).contains(t.asText());
        assertThat(get(s, "/api/v1/traces/" + t.asText(), northwind).status()).isEqualTo(200);
        assertThat(get(s, "/api/v1/traces/" + t.asText(), contoso).status()).isEqualTo(404);
      }
      for (JsonNode t : card.get("evidence").get("baselineTraces")) {
        assertThat(northwindTraces).contains(t.asText());
      }
      assertThat(card.get("evidence").get("logPatterns"))
          .anySatisfy(p -> assertThat(p.get("new").asBoolean()).isTrue());
      assertThat(card.get("rootCause").get("service").asText()).isEqualTo("order");
      assertThat(card.toString()).doesNotContain("contoso");

      // contoso: the same SLOs, evaluated on its own (healthy) data, never fire
      waitUntilEvaluated(s, contoso, "checkout-availability");
      waitUntilEvaluated(s, contoso, "checkout-folder");
      for (String name : List.of("checkout-availability", "checkout-folder")) {
        JsonNode slo = get(s, "/api/v1/slos/" + name, contoso).json().get("slo");
        JsonNode objective = slo.get("objectives").get(0);
        assertThat(objective.get("alertState").asText()).isEqualTo("inactive");
        // contoso's own checkout requests, not northwind's as well
        assertThat(objective.get("total").asLong())
            .isLessThanOrEqualTo(contosoCheckouts)
            .isGreaterThan(contosoCheckouts * 9 / 10);
        assertThat(objective.get("good").asDouble() / objective.get("total").asDouble())
            .isGreaterThan(0.999);
      }
      // the folder spec of northwind's sub-folder evaluates northwind's data: it fires too
      waitUntilFiring(s, northwind, "checkout-folder");
      assertThat(get(s, "/api/v1/alerts", contoso).json().get("alerts")).isEmpty();
      assertThat(get(s, "/api/v1/incidents", contoso).json().get("incidents")).isEmpty();
      JsonNode contosoSlos = get(s, "/api/v1/slos", contoso).json().get("slos");
      assertThat(contosoSlos)
          .extracting(n -> n.get("name").asText())
          .containsExactlyInAnyOrder("checkout-availability", "checkout-folder");
      JsonNode northwindSlos = get(s, "/api/v1/slos", northwind).json().get("slos");
      assertThat(northwindSlos)
          .extracting(n -> n.get("name").asText())
          .containsExactlyInAnyOrder(
              "checkout-availability", "checkout-folder", "northwind-private");

      // northwind's objects answer contoso exactly like unknown ones
      String unknownId = "inc-000000000000";
      for (String[] pair :
          new String[][] {
            {"GET", "/api/v1/incidents/ID", ""},
            {"GET", "/api/v1/incidents/ID/postmortem", ""},
            {"POST", "/api/v1/incidents/ID/ack", "{}"},
            {"POST", "/api/v1/incidents/ID/mitigate", "{}"},
            {"POST", "/api/v1/incidents/ID/resolve", "{}"},
            {"POST", "/api/v1/incidents/ID/action-items", "{\"text\": \"x\"}"},
            {"POST", "/api/v1/incidents/ID/action-items/a1", "{\"done\": true}"},
          }) {
        TestServer.Response theirs = call(s, pair[0], pair[1].replace("ID", id), pair[2], contoso);
        TestServer.Response unknown =
            call(s, pair[0], pair[1].replace("ID", unknownId), pair[2], contoso);
        assertThat(theirs.status()).as(pair[1]).isEqualTo(404);
        assertThat(theirs.text().replace(id, unknownId)).as(pair[1]).isEqualTo(unknown.text());
      }
      TestServer.Response privateSlo = get(s, "/api/v1/slos/northwind-private", contoso);
      assertThat(privateSlo.status()).isEqualTo(404);
      assertThat(privateSlo.text().replace("northwind-private", "no-such-slo"))
          .isEqualTo(get(s, "/api/v1/slos/no-such-slo", contoso).text());
      assertThat(call(s, "DELETE", "/api/v1/slos/northwind-private", "", contoso).status())
          .isEqualTo(404);
      assertThat(get(s, "/api/v1/alerts?slo=northwind-private", contoso).json().get("alerts"))
          .isEmpty();
      // northwind's incident is untouched by contoso's attempts
      assertThat(get(s, "/api/v1/incidents/" + id, northwind).json().get("status").asText())
          .isEqualTo("open");
      assertThat(get(s, "/api/v1/slos/northwind-private", northwind).status()).isEqualTo(200);

      // the default tenant (no token has it) has none of it
      assertThat(s.server.sloMonitor().registry().slos()).isEmpty();
      assertThat(s.server.incidents().store().all()).isEmpty();

      // files: each tenant's under DATA/tenants/NAME
      assertThat(data.resolve("tenants/northwind/incidents")).isDirectory();
      assertThat(data.resolve("tenants/northwind/alerts.json")).isRegularFile();
      assertThat(Files.readString(data.resolve("tenants/northwind/alerts.json")))
          .contains("checkout");

      // notifications: northwind's only, labelled with the tenant, linking to northwind's incident
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (hooks.isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
      assertThat(hooks).isNotEmpty();
      for (String h : hooks) {
        JsonNode hook = TestServer.JSON.readTree(h);
        for (JsonNode a : hook.get("alerts")) {
          assertThat(a.get("labels").get("tenant").asText()).isEqualTo("northwind");
          assertThat(a.get("fingerprint").asText()).startsWith("northwind:");
        }
        assertThat(h).doesNotContain("contoso");
      }
      JsonNode first = TestServer.JSON.readTree(hooks.get(0)).get("alerts").get(0);
      assertThat(first.get("annotations").get("incident_url").asText())
          .startsWith("http://sightline.example.com/api/v1/incidents/inc-");
    } finally {
      receiver.stop(0);
    }

    // after a restart the tenants' stacks come back from their folders
    try (TestServer s =
        TestServer.start(data, "auth-file", authFile.toString(), "slo-eval-interval", "1s")) {
      assertThat(s.server.sloMonitor("northwind")).isNotNull();
      assertThat(s.server.sloMonitor("northwind").registry().slo("northwind-private")).isPresent();
      assertThat(get(s, "/api/v1/incidents", northwind).json().get("incidents").size())
          .isPositive();
      assertThat(get(s, "/api/v1/incidents", contoso).json().get("incidents")).isEmpty();
      assertThat(get(s, "/api/v1/slos/northwind-private", contoso).status()).isEqualTo(404);
    }
  }

  /** The first incident of the token's tenant once its investigation finished. */
  static JsonNode waitForIncident(TestServer s, String token) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode list = get(s, "/api/v1/incidents", token).json().get("incidents");
      if (list.size() > 0 && !list.get(0).get("investigation").asText().equals("running")) {
        return list.get(0);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no investigated incident within 90 s");
  }

  static void waitUntilEvaluated(TestServer s, String token, String slo)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode body = get(s, "/api/v1/slos/" + slo, token).json();
      if (body != null && body.get("slo").get("status").asText().equals("evaluated")) return;
      Thread.sleep(250);
    }
    throw new AssertionError(slo + " not evaluated within 30 s");
  }

  static void waitUntilFiring(TestServer s, String token, String slo) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (get(s, "/api/v1/alerts?state=firing&slo=" + slo, token).json().get("alerts").size() > 0) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(slo + " not firing within 30 s");
  }
}
