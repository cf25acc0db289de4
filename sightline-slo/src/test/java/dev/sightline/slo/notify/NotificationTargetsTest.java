package dev.sightline.slo.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.slo.AlertNotificationTarget;
import dev.sightline.slo.ObjectMeta;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTargetsTest {
  @Test
  void parsesKindsSeparatedByCommasOrWhitespace() {
    List<NotificationTarget> targets =
        NotificationTargets.parse(
            "webhook:http://hooks/a, alertmanager:http://localhost:9093 slack:https://hooks.slack.com/x"
                + ",https://plain/hook");

    assertThat(targets)
        .containsExactly(
            new NotificationTarget(NotificationTarget.Kind.WEBHOOK, URI.create("http://hooks/a")),
            new NotificationTarget(
                NotificationTarget.Kind.ALERTMANAGER, URI.create("http://localhost:9093")),
            new NotificationTarget(
                NotificationTarget.Kind.SLACK, URI.create("https://hooks.slack.com/x")),
            new NotificationTarget(
                NotificationTarget.Kind.WEBHOOK, URI.create("https://plain/hook")));
    assertThat(targets.get(1).toString()).isEqualTo("alertmanager:http://localhost:9093");
    assertThat(NotificationTargets.parse("  ")).isEmpty();
  }

  @Test
  void rejectsBadInputWithTheEntryAndReason() {
    assertThatThrownBy(() -> NotificationTargets.parse("pagerduty:http://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"pagerduty:http://x\"")
        .hasMessageContaining("unknown kind \"pagerduty\"")
        .hasMessageContaining("expected webhook:URL, alertmanager:URL, slack:URL");
    assertThatThrownBy(() -> NotificationTargets.parse("slack:ftp://x/y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("URL must be absolute http(s) with a host");
    assertThatThrownBy(() -> NotificationTargets.parse("webhook:/relative"))
        .hasMessageContaining("URL must be absolute http(s)");
    assertThatThrownBy(() -> NotificationTargets.parse("localhost"))
        .hasMessageContaining("no kind");
    assertThatThrownBy(() -> NotificationTargets.parse("webhook:http://a,,webhook:http://b"))
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> NotificationTargets.parse("webhook:http://a b|c"))
        .hasMessageContaining("\"b|c\"");
  }

  @Test
  void mapsOpenSloAlertNotificationTarget() {
    assertThat(NotificationTargets.of(target("am", "alertmanager:http://am:9093")))
        .isEqualTo(
            new NotificationTarget(
                NotificationTarget.Kind.ALERTMANAGER, URI.create("http://am:9093")));
    assertThat(NotificationTargets.of(target("hook", "https://hooks.example.com/slo")).kind())
        .isEqualTo(NotificationTarget.Kind.WEBHOOK);
    assertThatThrownBy(() -> NotificationTargets.of(target("mail", "mailto:oncall@example.com")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AlertNotificationTarget mail: spec.target")
        .hasMessageContaining("unknown kind \"mailto\"");
  }

  private static AlertNotificationTarget target(String name, String target) {
    return new AlertNotificationTarget(
        new ObjectMeta(name, null, Map.of(), Map.of()), target, null);
  }
}
