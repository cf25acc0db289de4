package dev.sightline.slo.notify;

import static dev.sightline.slo.notify.TestNotifications.NOW;
import static dev.sightline.slo.notify.TestNotifications.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void retries503ThenDeliversInOrder() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (RecordingServer server =
        new RecordingServer(() -> requests.incrementAndGet() <= 2 ? 503 : 200)) {
      NotificationDispatcher dispatcher =
          fastRetries().target(webhook(server)).maxBatchSize(10).build();

      AlertNotification firing = firing("fp-1");
      dispatcher.dispatch(firing);
      dispatcher.dispatch(firing.resolved(NOW));
      dispatcher.close();

      assertThat(server.answered).containsExactly(503, 503, 200, 200);
      // the RESOLVED waited for its FIRING: same fingerprint, never in one batch, never first
      List<String> statuses = new ArrayList<>();
      for (String body : server.bodies) {
        for (JsonNode alert : JSON.readTree(body).get("alerts")) {
          statuses.add(alert.get("status").asText());
        }
      }
      assertThat(statuses).containsExactly("firing", "firing", "firing", "resolved");
      DeliveryStats stats = dispatcher.stats().get(0);
      assertThat(stats.sent()).isEqualTo(2);
      assertThat(stats.failedAttempts()).isEqualTo(2);
      assertThat(stats.givenUp()).isZero();
      assertThat(stats.dropped()).isZero();
      assertThat(stats.target()).isEqualTo("webhook:" + server.url("/hook"));
    }
  }

  @Test
  void batchesDistinctFingerprintsInOrder() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 200)) {
      NotificationDispatcher dispatcher = fastRetries().target(webhook(server)).build();

      dispatcher.dispatch(List.of(firing("a"), firing("b"), firing("c")));
      dispatcher.close();

      List<String> fingerprints = new ArrayList<>();
      for (String body : server.bodies) {
        for (JsonNode alert : JSON.readTree(body).get("alerts")) {
          fingerprints.add(alert.get("fingerprint").asText());
        }
      }
      assertThat(fingerprints).containsExactly("a", "b", "c");
      assertThat(dispatcher.stats().get(0).sent()).isEqualTo(3);
    }
  }

  @Test
  void clientErrorIsNotRetried() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 400)) {
      NotificationDispatcher dispatcher = fastRetries().target(webhook(server)).build();

      dispatcher.dispatch(firing("fp-1"));
      dispatcher.dispatch(firing("fp-2"));
      dispatcher.close();

      // one request, or two when the second notification arrived after the first was sent;
      // never a retry
      assertThat(server.answered).isNotEmpty().hasSizeLessThanOrEqualTo(2).containsOnly(400);
      DeliveryStats stats = dispatcher.stats().get(0);
      assertThat(stats.sent()).isZero();
      assertThat(stats.failedAttempts()).isEqualTo(server.answered.size());
      assertThat(stats.givenUp()).isEqualTo(2);
    }
  }

  @Test
  void tooManyRequestsIsRetried() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (RecordingServer server =
        new RecordingServer(() -> requests.incrementAndGet() == 1 ? 429 : 200)) {
      NotificationDispatcher dispatcher = fastRetries().target(webhook(server)).build();

      dispatcher.dispatch(firing("fp-1"));
      dispatcher.close();

      assertThat(server.answered).containsExactly(429, 200);
      assertThat(dispatcher.stats().get(0).sent()).isEqualTo(1);
    }
  }

  @Test
  void givesUpAfterMaxAge() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 503)) {
      NotificationDispatcher dispatcher =
          fastRetries().target(webhook(server)).maxAge(Duration.ofMillis(200)).build();

      dispatcher.dispatch(firing("fp-1"));
      dispatcher.close();

      DeliveryStats stats = dispatcher.stats().get(0);
      assertThat(stats.sent()).isZero();
      assertThat(stats.givenUp()).isEqualTo(1);
      assertThat(stats.failedAttempts()).isEqualTo(server.answered.size()).isGreaterThan(1);
    }
  }

  @Test
  void neverBlocksWhenTheTargetHangsAndDropsTheOldest() throws Exception {
    try (RecordingServer hanging = new RecordingServer(() -> 0)) {
      NotificationDispatcher dispatcher =
          fastRetries()
              .target(webhook(hanging))
              .requestTimeout(Duration.ofSeconds(30))
              .queueCapacity(10)
              .drainTimeout(Duration.ofMillis(100))
              .build();

      // generous bound: a dispatch blocked on the hanging request would take 30 s
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> {
            for (int i = 0; i < 10_000; i++) dispatcher.dispatch(firing("fp-" + i));
          });

      DeliveryStats stats = dispatcher.stats().get(0);
      assertThat(stats.queued()).isLessThanOrEqualTo(10);
      assertThat(stats.dropped()).isGreaterThanOrEqualTo(10_000 - 10 - 100);
      assertTimeoutPreemptively(Duration.ofSeconds(10), dispatcher::close);
      DeliveryStats closed = dispatcher.stats().get(0);
      assertThat(closed.sent()).isZero();
      assertThat(closed.queued()).isZero();
      assertThat(closed.dropped() + closed.givenUp()).isEqualTo(10_000);
    }
  }

  @Test
  void refreshResendsFiringAlertsOncePerResendInterval() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 200)) {
      MutableClock clock = new MutableClock(NOW);
      AlertmanagerNotifier alertmanager =
          AlertmanagerNotifier.builder()
              .baseUrl(server.url(""))
              .resendInterval(Duration.ofMinutes(1))
              .clock(clock)
              .build();
      NotificationDispatcher dispatcher =
          fastRetries().notifier(alertmanager).target(webhook(server)).clock(clock).build();
      List<AlertNotification> firing = List.of(firing("a"), firing("b").resolved(NOW));

      dispatcher.refresh(firing); // due: first refresh
      clock.now = NOW.plusSeconds(30);
      dispatcher.refresh(firing); // not due
      clock.now = NOW.plusSeconds(60);
      dispatcher.refresh(firing); // due
      dispatcher.close();

      assertThat(server.bodies).hasSize(2); // Alertmanager only; the webhook needs no refresh
      for (String body : server.bodies) {
        JsonNode alerts = JSON.readTree(body);
        assertThat(alerts).hasSize(1); // the resolved one is not refreshed
        assertThat(alerts.get(0).get("labels").get("alertname").asText()).isEqualTo("SLOBurnRate");
      }
      // endsAt = now + 4 x resend interval
      assertThat(JSON.readTree(server.bodies.get(1)).get(0).get("endsAt").asText())
          .isEqualTo(NOW.plusSeconds(60 + 240).toString());
      assertThat(dispatcher.stats().get(0).sent()).isEqualTo(2);
    }
  }

  @Test
  void dispatchAfterCloseIsDroppedNotThrown() throws Exception {
    try (RecordingServer server = new RecordingServer(() -> 200)) {
      NotificationDispatcher dispatcher = fastRetries().target(webhook(server)).build();
      dispatcher.close();

      dispatcher.dispatch(firing("fp-1"));

      assertThat(dispatcher.stats().get(0).dropped()).isEqualTo(1);
      assertThat(server.bodies).isEmpty();
    }
  }

  private static NotificationDispatcher.Builder fastRetries() {
    return NotificationDispatcher.builder()
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(50))
        .requestTimeout(Duration.ofSeconds(5))
        .drainTimeout(Duration.ofSeconds(10));
  }

  private static NotificationTarget webhook(RecordingServer server) {
    return new NotificationTarget(NotificationTarget.Kind.WEBHOOK, server.url("/hook"));
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
