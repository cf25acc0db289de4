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
 * tokens of the auth file) send the same shop's telemetry, only acme's with a bad release; both
 * store the same SLO through the API and have the same spec in their {@code --slo-dir} sub-folder.
 * Acme's SLOs fire and open an incident whose evidence is acme's traces; globex's are evaluated on
 * its own healthy data and stay quiet, and every acme object answers globex 404 like an unknown
 * one.
 */
class TenantSlosIT {
  static final String SLO =
      OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]");
  static final String FOLDER_SLO =
      SLO.replace("name: checkout-availability", "name: checkout-folder");
  static final String ACME_ONLY = SLO.replace("name: checkout-availability", "name: acme-private");

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
    String acme = TokenFile.create(authFile, "acme", "acme", Set.of(Role.ADMIN)).token();
    String globex = TokenFile.create(authFile, "globex", "globex", Set.of(Role.ADMIN)).token();
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(Files.createDirectories(slos.resolve("acme")).resolve("c.yaml"), FOLDER_SLO);
    Files.writeString(
        Files.createDirectories(slos.resolve("globex")).resolve("c.yaml"), FOLDER_SLO);
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
      // the same shop under both tenants: a bad release of order at acme, healthy at globex
      Instant end = Instant.now();
      FaultScenario bad =
          FaultScenario.builder(FaultKind.BAD_RELEASE)
              .tenant("acme")
              .seed(1)
              .end(end)
              .baseline(Duration.ofMinutes(30))
              .faultDuration(Duration.ofMinutes(4))
              .requestsPerSecond(2)
              .build();
      FaultScenario healthy =
          FaultScenario.builder(FaultKind.HEALTHY)
              .tenant("globex")
              .seed(2)
              .end(end)
              .baseline(Duration.ofMinutes(30))
              .faultDuration(Duration.ofMinutes(4))
              .requestsPerSecond(2)
              .build();
      healthy.telemetry().writeTo(s.server.storage());
      bad.telemetry().writeTo(s.server.storage());
      Set<String> acmeTraces = traceIds(bad);
      Set<String> globexTraces = traceIds(healthy);
      assertThat(acmeTraces).doesNotContainAnyElementsOf(globexTraces);

      // the same SLO through the API, one per tenant; acme has one more of its own
      assertThat(call(s, "PUT", "/api/v1/slos/checkout-availability", SLO, acme).status())
          .isEqualTo(200);
      assertThat(call(s, "PUT", "/api/v1/slos/checkout-availability", SLO, globex).status())
          .isEqualTo(200);
      assertThat(call(s, "POST", "/api/v1/slos", ACME_ONLY, acme).status()).isEqualTo(201);
      assertThat(data.resolve("tenants/acme/slos")).isDirectory();
      assertThat(data.resolve("tenants/globex/slos")).isDirectory();

      JsonNode incident = waitForIncident(s, acme);
      String id = incident.get("id").asText();

      // acme: its SLO fires, its incident's evidence is its own traces
      JsonNode acmeAlerts = get(s, "/api/v1/alerts?state=firing", acme).json().get("alerts");
      assertThat(acmeAlerts.size()).isPositive();
      JsonNode card = get(s, "/api/v1/incidents/" + id, acme).json();
      JsonNode badTraces = card.get("evidence").get("badTraces");
      assertThat(badTraces.size()).isPositive();
      for (JsonNode t : badTraces) {
        assertThat(acmeTraces).contains(t.asText());
        assertThat(get(s, "/api/v1/traces/" + t.asText(), acme).status()).isEqualTo(200);
        assertThat(get(s, "/api/v1/traces/" + t.asText(), globex).status()).isEqualTo(404);
      }
      for (JsonNode t : card.get("evidence").get("baselineTraces")) {
        assertThat(acmeTraces).contains(t.asText());
      }
      assertThat(card.get("evidence").get("logPatterns"))
          .anySatisfy(p -> assertThat(p.get("new").asBoolean()).isTrue());
      assertThat(card.get("rootCause").get("service").asText()).isEqualTo("order");
      assertThat(card.toString()).doesNotContain("globex");

      // globex: the same SLOs, evaluated on its own (healthy) data, never fire
      waitUntilEvaluated(s, globex, "checkout-availability");
      waitUntilEvaluated(s, globex, "checkout-folder");
      for (String name : List.of("checkout-availability", "checkout-folder")) {
        JsonNode slo = get(s, "/api/v1/slos/" + name, globex).json().get("slo");
        JsonNode objective = slo.get("objectives").get(0);
        assertThat(objective.get("alertState").asText()).isEqualTo("inactive");
        assertThat(objective.get("total").asLong()).isPositive();
        assertThat(objective.get("good").asLong()).isEqualTo(objective.get("total").asLong());
      }
      // the folder spec of acme's sub-folder evaluates acme's data: it fires too
      waitUntilFiring(s, acme, "checkout-folder");
      assertThat(get(s, "/api/v1/alerts", globex).json().get("alerts")).isEmpty();
      assertThat(get(s, "/api/v1/incidents", globex).json().get("incidents")).isEmpty();
      JsonNode globexSlos = get(s, "/api/v1/slos", globex).json().get("slos");
      assertThat(globexSlos)
          .extracting(n -> n.get("name").asText())
          .containsExactlyInAnyOrder("checkout-availability", "checkout-folder");
      JsonNode acmeSlos = get(s, "/api/v1/slos", acme).json().get("slos");
      assertThat(acmeSlos)
          .extracting(n -> n.get("name").asText())
          .containsExactlyInAnyOrder("checkout-availability", "checkout-folder", "acme-private");

      // acme's objects answer globex exactly like unknown ones
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
        TestServer.Response theirs = call(s, pair[0], pair[1].replace("ID", id), pair[2], globex);
        TestServer.Response unknown =
            call(s, pair[0], pair[1].replace("ID", unknownId), pair[2], globex);
        assertThat(theirs.status()).as(pair[1]).isEqualTo(404);
        assertThat(theirs.text().replace(id, unknownId)).as(pair[1]).isEqualTo(unknown.text());
      }
      TestServer.Response privateSlo = get(s, "/api/v1/slos/acme-private", globex);
      assertThat(privateSlo.status()).isEqualTo(404);
      assertThat(privateSlo.text().replace("acme-private", "no-such-slo"))
          .isEqualTo(get(s, "/api/v1/slos/no-such-slo", globex).text());
      assertThat(call(s, "DELETE", "/api/v1/slos/acme-private", "", globex).status())
          .isEqualTo(404);
      assertThat(get(s, "/api/v1/alerts?slo=acme-private", globex).json().get("alerts")).isEmpty();
      // acme's incident is untouched by globex's attempts
      assertThat(get(s, "/api/v1/incidents/" + id, acme).json().get("status").asText())
          .isEqualTo("open");
      assertThat(get(s, "/api/v1/slos/acme-private", acme).status()).isEqualTo(200);

      // the default tenant (no token has it) has none of it
      assertThat(s.server.sloMonitor().registry().slos()).isEmpty();
      assertThat(s.server.incidents().store().all()).isEmpty();

      // files: each tenant's under DATA/tenants/NAME
      assertThat(data.resolve("tenants/acme/incidents")).isDirectory();
      assertThat(data.resolve("tenants/acme/alerts.json")).isRegularFile();
      assertThat(Files.readString(data.resolve("tenants/acme/alerts.json"))).contains("checkout");

      // notifications: acme's only, labelled with the tenant, linking to acme's incident
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (hooks.isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
      assertThat(hooks).isNotEmpty();
      for (String h : hooks) {
        JsonNode hook = TestServer.JSON.readTree(h);
        for (JsonNode a : hook.get("alerts")) {
          assertThat(a.get("labels").get("tenant").asText()).isEqualTo("acme");
          assertThat(a.get("fingerprint").asText()).startsWith("acme:");
        }
        assertThat(h).doesNotContain("globex");
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
      assertThat(s.server.sloMonitor("acme")).isNotNull();
      assertThat(s.server.sloMonitor("acme").registry().slo("acme-private")).isPresent();
      assertThat(get(s, "/api/v1/incidents", acme).json().get("incidents").size()).isPositive();
      assertThat(get(s, "/api/v1/incidents", globex).json().get("incidents")).isEmpty();
      assertThat(get(s, "/api/v1/slos/acme-private", globex).status()).isEqualTo(404);
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
