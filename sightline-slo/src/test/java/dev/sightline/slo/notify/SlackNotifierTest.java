package dev.sightline.slo.notify;

import static dev.sightline.slo.notify.TestNotifications.NOW;
import static dev.sightline.slo.notify.TestNotifications.STARTS_AT;
import static dev.sightline.slo.notify.TestNotifications.firing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void postsIncomingWebhookMessage() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 200)) {
      SlackNotifier notifier = SlackNotifier.builder().url(server.url("/services/T/B/X")).build();

      DeliveryResult result = notifier.send(List.of(firing("fp-1")));

      assertThat(result.delivered()).isTrue();
      JsonNode message = JSON.readTree(server.bodies.get(0));
      assertThat(message.get("text").asText())
          .isEqualTo(
              "[FIRING] P0 place-order-availability: "
                  + "place-order-availability burning error budget 400x (page-fast)");
      JsonNode attachment = message.get("attachments").get(0);
      assertThat(attachment.get("color").asText()).isEqualTo(SlackNotifier.COLOR_PAGE);
      assertThat(attachment.get("title_link").asText())
          .isEqualTo("http://sightline.example.com/slos/place-order-availability");
      assertThat(attachment.get("ts").asLong()).isEqualTo(STARTS_AT.getEpochSecond());
      Map<String, String> fields = fields(attachment);
      assertThat(fields)
          .containsEntry("SLO", "place-order-availability / 99.9% of orders placed")
          .containsEntry("Status", "FIRING")
          .containsEntry("Severity", "P0 (page)")
          .containsEntry("Burn rates", "400x over 5m, 120x over 1h")
          .containsEntry("Budget remaining", "87.5% of the error budget left")
          .containsEntry("Runbook", "<https://runbooks.example.com/checkout|runbook>")
          .containsEntry("Owner", "team-checkout")
          .containsEntry("Respond by", STARTS_AT.plus(Duration.ofMinutes(15)).toString())
          .containsEntry(
              "Link",
              "<http://sightline.example.com/slos/place-order-availability|open in Sightline>")
          .containsEntry("incident_id", "INC-42");
    }
  }

  @Test
  void resolvedIsGreenAndShowsResolveTime() throws Exception {
    SlackNotifier notifier =
        SlackNotifier.builder().url(java.net.URI.create("https://hooks.slack.com/x")).build();

    JsonNode attachment =
        JSON.readTree(notifier.render(List.of(firing("fp-1").resolved(NOW))))
            .get("attachments")
            .get(0);

    assertThat(attachment.get("color").asText()).isEqualTo(SlackNotifier.COLOR_RESOLVED);
    assertThat(fields(attachment)).containsEntry("Resolved at", NOW.toString());
    assertThat(fields(attachment)).doesNotContainKey("Respond by");
  }

  @Test
  void escapesSlackControlCharacters() {
    assertThat(SlackNotifier.escape("a < b & c > d")).isEqualTo("a &lt; b &amp; c &gt; d");
  }

  private static Map<String, String> fields(JsonNode attachment) {
    Map<String, String> fields = new HashMap<>();
    for (JsonNode f : attachment.get("fields")) {
      fields.put(f.get("title").asText(), f.get("value").asText());
    }
    return fields;
  }
}
