package dev.sightline.slo.notify;

import static dev.sightline.slo.notify.TestNotifications.firing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.testing.ExternalTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AlertmanagerNotifier} against a real Alertmanager ({@code prometheus-alertmanager}). */
class AlertmanagerNotifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static @Nullable Process alertmanager;
  private static URI baseUrl = URI.create("http://127.0.0.1:0");

  /**
   * Starts the one Alertmanager of the class before its first test. Not in {@code @BeforeAll}: a
   * missing binary skips each test, which then shows as skipped with the reason.
   */
  @BeforeEach
  void alertmanagerRunning() throws Exception {
    if (alertmanager == null) startAlertmanager();
  }

  private static void startAlertmanager() throws Exception {
    Path binary = ExternalTools.require("prometheus-alertmanager");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        """
        route:
          receiver: discard
        receivers:
          - name: discard
        """);
    Files.createDirectories(dir.resolve("data"));
    int port = freePort();
    baseUrl = URI.create("http://127.0.0.1:" + port);
    alertmanager =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    awaitReady();
  }

  @AfterAll
  static void stopAlertmanager() throws InterruptedException {
    if (alertmanager == null) return;
    alertmanager.destroy();
    if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) alertmanager.destroyForcibly().waitFor();
  }

  @Test
  void firingAlertIsActiveThenResolved() throws Exception {
    AlertmanagerNotifier notifier = AlertmanagerNotifier.builder().baseUrl(baseUrl).build();
    AlertNotification firing = firing("fp-am", "place-order-availability");

    DeliveryResult sent = notifier.send(List.of(firing));

    assertThat(sent.delivered()).as(sent.detail()).isTrue();
    JsonNode alert = alert("place-order-availability");
    assertThat(alert).as("alert in GET /api/v2/alerts").isNotNull();
    assertThat(alert.get("status").get("state").asText()).isEqualTo("active");
    JsonNode labels = alert.get("labels");
    assertThat(labels.get("alertname").asText()).isEqualTo("SLOBurnRate");
    assertThat(labels.get("service").asText()).isEqualTo("checkout");
    assertThat(labels.get("severity").asText()).isEqualTo("P0");
    assertThat(labels.get("objective").asText()).isEqualTo("99.9% of orders placed");
    JsonNode annotations = alert.get("annotations");
    assertThat(annotations.get("rule").asText()).isEqualTo("page-fast");
    assertThat(annotations.get("rule_severity").asText()).isEqualTo("page");
    assertThat(annotations.get("summary").asText()).isEqualTo(firing.summary());
    assertThat(annotations.get("runbook_url").asText())
        .isEqualTo("https://runbooks.example.com/checkout");
    assertThat(annotations.get("owner").asText()).isEqualTo("team-checkout");
    assertThat(annotations.get("incident_id").asText()).isEqualTo("INC-42");
    assertThat(alert.get("generatorURL").asText()).isEqualTo(firing.link().toString());
    assertThat(Instant.parse(alert.get("startsAt").asText())).isEqualTo(firing.startsAt());
    // endsAt = now + 4 x the 1-minute resend interval
    assertThat(Instant.parse(alert.get("endsAt").asText()))
        .isAfter(Instant.now().plus(Duration.ofMinutes(3)));

    DeliveryResult resolved = notifier.send(List.of(firing.resolved(Instant.now())));

    assertThat(resolved.delivered()).as(resolved.detail()).isTrue();
    JsonNode after = alert("place-order-availability");
    if (after != null) assertThat(after.get("status").get("state").asText()).isNotEqualTo("active");
  }

  @Test
  void dispatcherDeliversToAlertmanager() throws Exception {
    try (NotificationDispatcher dispatcher =
        NotificationDispatcher.builder()
            .targets(NotificationTargets.parse("alertmanager:" + baseUrl))
            .build()) {
      dispatcher.refresh(List.of(firing("fp-dispatch", "search-latency")));
      dispatcher.close();
      assertThat(dispatcher.stats().get(0).sent()).isEqualTo(1);
    }
    assertThat(alert("search-latency")).isNotNull();
  }

  /** The alert of {@code slo} in {@code GET /api/v2/alerts}, or null. */
  private static @Nullable JsonNode alert(String slo) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(baseUrl.resolve("/api/v2/alerts?filter=slo%3D%22" + slo + "%22"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode alerts = JSON.readTree(response.body());
    assertThat(alerts.size()).isLessThanOrEqualTo(1);
    return alerts.isEmpty() ? null : alerts.get(0);
  }

  private static void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!alertmanager.isAlive()) {
        throw new IllegalStateException(
            "alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
      }
      try {
        HttpResponse<Void> ready =
            HTTP.send(
                HttpRequest.newBuilder(baseUrl.resolve("/-/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "alertmanager not ready in 30 s: " + Files.readString(dir.resolve("alertmanager.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
