package dev.sightline.slo.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.AlertTransition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The first notification of a firing alert waits (off the evaluation thread) for the enricher — the
 * alert's incident investigated — up to a bounded time: a fast investigation gives one notification
 * with the root cause, a slow one a first notification saying it is under way and an update with
 * the cause.
 */
class FirstNotificationWaitTest {
  static final Duration PROMPTLY = Duration.ofSeconds(5);

  final BlockingQueue<AlertNotification> sent = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> investigated = new CompletableFuture<>();
  final Slo slo = AlertDeliveryTest.sloWithTarget("webhook:http://x.test/");
  final Alert alert = AlertDeliveryTest.firing(slo);

  /** Annotations as the incident card gives them: the cause once investigated. */
  final AlertDelivery.Enricher card =
      new AlertDelivery.Enricher() {
        @Override
        public Map<String, String> annotations(Alert a) {
          return investigated.isDone()
              ? Map.of("investigation", "complete", "root_cause", "order fails")
              : Map.of("investigation", "running");
        }

        @Override
        public CompletionStage<?> ready(Alert a) {
          return investigated;
        }
      };

  AlertDelivery delivery(Duration wait) {
    Notifier recording =
        new Notifier() {
          @Override
          public String target() {
            return "webhook:http://x.test/";
          }

          @Override
          public String render(List<AlertNotification> batch) {
            return batch.toString();
          }

          @Override
          public DeliveryResult send(List<AlertNotification> batch) {
            sent.addAll(batch);
            return DeliveryResult.ofStatus(200, null, "");
          }
        };
    AlertDelivery d =
        AlertDelivery.create(
            List.of(), null, t -> NotificationDispatcher.builder().notifier(recording).build());
    d.enricher(card);
    d.readyWait(wait);
    return d;
  }

  AlertNotification next() throws InterruptedException {
    AlertNotification n = sent.poll(30, TimeUnit.SECONDS);
    assertThat(n).as("a notification within 30 s").isNotNull();
    return n;
  }

  static Alert resolved(Alert a) {
    return new Alert(
        a.id(),
        a.fingerprint(),
        a.slo(),
        a.objective(),
        a.objectiveTarget(),
        a.service(),
        AlertState.RESOLVED,
        a.rule(),
        a.ruleSeverity(),
        a.since(),
        a.burnRates(),
        a.budgetRemaining(),
        Map.of(),
        0.6,
        a.since().plusSeconds(600),
        a.since().plusSeconds(600),
        "recovered",
        a.responsibility());
  }

  void transition(AlertDelivery d, AlertTransition.Kind kind, Alert a) {
    assertTimeoutPreemptively(
        PROMPTLY, () -> d.onTransition(new AlertTransition(kind, a, slo)), "never blocks");
  }

  @Test
  void slowInvestigation_firstNotificationSaysItIsUnderWay_thenAnUpdateCarriesTheCause()
      throws Exception {
    AlertDelivery d = delivery(Duration.ofMillis(200));
    try {
      transition(d, AlertTransition.Kind.FIRED, alert);
      AlertNotification first = next();
      assertThat(first.status()).isEqualTo(AlertNotification.Status.FIRING);
      assertThat(first.annotations())
          .containsEntry("investigation", "running")
          .doesNotContainKey("root_cause")
          .doesNotContainKey("notification");

      investigated.complete(null);
      AlertNotification update = next();
      assertThat(update.status()).isEqualTo(AlertNotification.Status.FIRING);
      assertThat(update.fingerprint()).isEqualTo(first.fingerprint());
      assertThat(update.annotations())
          .containsEntry("notification", "update")
          .containsEntry("root_cause", "order fails");
      assertThat(update.summary()).endsWith("(update)");
    } finally {
      d.close();
    }
    assertThat(sent).isEmpty();
  }

  @Test
  void fastInvestigation_oneNotificationWithTheCause() throws Exception {
    AlertDelivery d = delivery(Duration.ofSeconds(30));
    transition(d, AlertTransition.Kind.FIRED, alert);
    // the evaluation thread went on; the investigation finishes well within the wait
    investigated.complete(null);
    AlertNotification n = next();
    assertThat(n.annotations())
        .containsEntry("root_cause", "order fails")
        .doesNotContainKey("notification");
    d.close();
    assertThat(sent).as("no update").isEmpty();
  }

  @Test
  void aResolutionWhileTheFirstWaits_goesOutAfterIt_andNoUpdateFollows() throws Exception {
    AlertDelivery d = delivery(Duration.ofSeconds(30));
    transition(d, AlertTransition.Kind.FIRED, alert);
    transition(d, AlertTransition.Kind.RESOLVED, resolved(alert));
    investigated.complete(null);
    AlertNotification first = next();
    assertThat(first.status()).isEqualTo(AlertNotification.Status.FIRING);
    assertThat(first.annotations()).containsEntry("root_cause", "order fails");
    assertThat(next().status()).isEqualTo(AlertNotification.Status.RESOLVED);
    d.close();
    assertThat(sent).isEmpty();
  }

  @Test
  void closing_sendsWhatWaits() throws Exception {
    AlertDelivery d = delivery(Duration.ofSeconds(30));
    transition(d, AlertTransition.Kind.FIRED, alert);
    d.close();
    @Nullable AlertNotification n = sent.poll();
    assertThat(n).isNotNull();
    assertThat(n.annotations()).containsEntry("investigation", "running");
  }
}
