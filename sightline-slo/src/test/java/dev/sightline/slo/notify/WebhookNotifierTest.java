package dev.sightline.slo.notify;

import static dev.sightline.slo.notify.TestNotifications.NOW;
import static dev.sightline.slo.notify.TestNotifications.STARTS_AT;
import static dev.sightline.slo.notify.TestNotifications.firing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void postsAlertmanagerWebhookPayload() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 200)) {
      WebhookNotifier notifier =
          WebhookNotifier.builder()
              .url(server.url("/hook"))
              .externalUrl(URI.create("http://sightline.example.com"))
              .build();

      DeliveryResult result = notifier.send(List.of(firing("fp-1")));

      assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.DELIVERED);
      assertThat(result.statusCode()).isEqualTo(200);
      assertThat(notifier.target()).isEqualTo("webhook:" + server.url("/hook"));
      JsonNode payload = JSON.readTree(server.bodies.get(0));
      assertThat(payload.get("version").asText()).isEqualTo("4");
      assertThat(payload.get("status").asText()).isEqualTo("firing");
      assertThat(payload.get("receiver").asText()).isEqualTo("sightline");
      assertThat(payload.get("externalURL").asText()).isEqualTo("http://sightline.example.com");
      assertThat(payload.get("truncatedAlerts").asInt()).isZero();
      assertThat(payload.get("groupKey").asText())
          .isEqualTo("{}:{alertname=\"SLOBurnRate\",slo=\"place-order-availability\"}");
      assertThat(payload.get("groupLabels").get("slo").asText())
          .isEqualTo("place-order-availability");
      assertThat(payload.get("commonLabels").get("severity").asText()).isEqualTo("P0");
      assertThat(payload.get("commonAnnotations").get("incident_id").asText()).isEqualTo("INC-42");

      JsonNode alert = payload.get("alerts").get(0);
      assertThat(alert.get("status").asText()).isEqualTo("firing");
      assertThat(alert.get("fingerprint").asText()).isEqualTo("fp-1");
      assertThat(alert.get("startsAt").asText()).isEqualTo(STARTS_AT.toString());
      assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
      assertThat(alert.get("generatorURL").asText())
          .isEqualTo("http://sightline.example.com/slos/place-order-availability");
      JsonNode labels = alert.get("labels");
      assertThat(labels.get("alertname").asText()).isEqualTo("SLOBurnRate");
      assertThat(labels.get("slo").asText()).isEqualTo("place-order-availability");
      assertThat(labels.get("objective").asText()).isEqualTo("99.9% of orders placed");
      assertThat(labels.get("service").asText()).isEqualTo("checkout");
      JsonNode annotations = alert.get("annotations");
      assertThat(annotations.get("rule").asText()).isEqualTo("page-fast");
      assertThat(annotations.get("rule_severity").asText()).isEqualTo("page");
      assertThat(annotations.get("summary").asText())
          .isEqualTo("place-order-availability burning error budget 400x (page-fast)");
      assertThat(annotations.get("description").asText())
          .isEqualTo("Burn rate 400x over 5m, 120x over 1h; 87.5% of the error budget left.");
      assertThat(annotations.get("runbook_url").asText())
          .isEqualTo("https://runbooks.example.com/checkout");
      assertThat(annotations.get("owner").asText()).isEqualTo("team-checkout");
      assertThat(annotations.get("respond_within").asText()).isEqualTo("15m");
      assertThat(annotations.get("incident_id").asText()).isEqualTo("INC-42");
    }
  }

  @Test
  void resolvedAlertHasEndsAtAndBatchOfTwoSlosGroupsByAlertnameOnly() throws Exception {
    WebhookNotifier notifier =
        WebhookNotifier.builder().url(URI.create("http://127.0.0.1:1/")).build();

    JsonNode payload =
        JSON.readTree(
            notifier.render(
                List.of(firing("fp-1").resolved(NOW), firing("fp-2", "search-latency"))));

    assertThat(payload.get("status").asText()).isEqualTo("firing");
    assertThat(payload.get("groupKey").asText()).isEqualTo("{}:{alertname=\"SLOBurnRate\"}");
    assertThat(payload.get("commonLabels").has("slo")).isFalse();
    assertThat(payload.get("externalURL").asText()).isEmpty();
    JsonNode resolved = payload.get("alerts").get(0);
    assertThat(resolved.get("status").asText()).isEqualTo("resolved");
    assertThat(resolved.get("endsAt").asText()).isEqualTo(NOW.toString());
  }

  @Test
  void tenantIsALabelAndPartOfTheFingerprint_defaultTenantHasNeither() throws Exception {
    WebhookNotifier notifier =
        WebhookNotifier.builder().url(URI.create("http://127.0.0.1:1/")).build();
    AlertNotification d = firing("checkout/0");
    AlertNotification acme =
        new AlertNotification(
            d.fingerprint(),
            d.slo(),
            d.objective(),
            d.service(),
            d.status(),
            d.severity(),
            d.rule(),
            d.ruleSeverity(),
            d.startsAt(),
            d.endsAt(),
            d.burnRates(),
            d.budgetRemaining(),
            d.runbook(),
            d.owner(),
            d.respondWithin(),
            d.summary(),
            d.link(),
            d.annotations(),
            "acme");

    JsonNode alerts = JSON.readTree(notifier.render(List.of(d, acme.resolved(NOW)))).get("alerts");

    assertThat(alerts.get(0).get("labels").has("tenant")).isFalse();
    assertThat(alerts.get(0).get("fingerprint").asText()).isEqualTo("checkout/0");
    assertThat(alerts.get(1).get("labels").get("tenant").asText()).isEqualTo("acme");
    assertThat(alerts.get(1).get("fingerprint").asText()).isEqualTo("acme:checkout/0");
  }

  @Test
  void connectionRefusedIsRetryableNotThrown() {
    WebhookNotifier notifier =
        WebhookNotifier.builder().url(URI.create("http://127.0.0.1:1/hook")).build();

    DeliveryResult result = notifier.send(List.of(firing("fp-1")));

    assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
    assertThat(result.statusCode()).isZero();
  }

  @Test
  void escapesStringsInJson() throws Exception {
    AlertNotification n = firing("fp \"1\"\n\\");
    JsonNode payload =
        JSON.readTree(
            WebhookNotifier.builder().url(URI.create("http://h/")).build().render(List.of(n)));
    assertThat(payload.get("alerts").get(0).get("fingerprint").asText()).isEqualTo("fp \"1\"\n\\");
  }
}
