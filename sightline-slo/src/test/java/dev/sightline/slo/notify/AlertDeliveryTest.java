package dev.sightline.slo.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.slo.Responsibility;
import dev.sightline.slo.Severity;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Targets of an SLO's alert policies, including for alerts restored after a restart. */
class AlertDeliveryTest {
  static Slo sloWithTarget(String target) {
    String yaml =
        """
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: checkout}
        spec:
          service: frontend
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: 0.99}]
          indicator:
            metadata: {name: checkout-ok}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: frontend, status: ok}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: frontend}}}
          alertPolicies:
            - kind: AlertPolicy
              metadata: {name: page-oncall}
              spec:
                conditions:
                  - kind: AlertCondition
                    metadata: {name: fast}
                    spec:
                      severity: page
                      condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 0m}
                notificationTargets:
                  - kind: AlertNotificationTarget
                    metadata: {name: oncall}
                    spec: {target: "%s"}
        """
            .formatted(target);
    SloCatalog c = SloLoader.parse(Map.of("slo.yaml", yaml));
    assertThat(c.problems()).isEmpty();
    return c.slos().get(0);
  }

  static Alert firing(Slo slo) {
    Instant since = Instant.parse("2026-11-21T10:00:00Z");
    return new Alert(
        "checkout/0@1",
        "checkout/0",
        "checkout",
        null,
        0.99,
        "frontend",
        AlertState.FIRING,
        "fast",
        "page",
        since,
        Map.of("1h", 20.0),
        0.5,
        Map.of("1h", 20.0),
        0.5,
        since,
        null,
        null,
        new Responsibility(null, "team-web", Severity.P1, Duration.ofHours(1)));
  }

  @Test
  void restoredFiringAlert_isRefreshedToItsSlosAlertmanager_withoutATransition() throws Exception {
    try (RecordingServer alertmanager = new RecordingServer(() -> 200)) {
      Slo slo = sloWithTarget("alertmanager:" + alertmanager.url(""));
      AlertDelivery delivery = AlertDelivery.create(List.of(), null);
      delivery.slos(name -> name.equals("checkout") ? Optional.of(slo) : Optional.empty());

      delivery.afterEvaluation(List.of(firing(slo)));

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (alertmanager.bodies.isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
      delivery.close();
      assertThat(alertmanager.bodies).isNotEmpty();
      assertThat(alertmanager.bodies.get(0)).contains("\"slo\":\"checkout\"");
    }
  }

  @Test
  void targetsOfRemovedOrEditedSlos_releaseTheirDispatchers() throws Exception {
    // issue 13's review: one delivery thread per target, never released (97 → 267 threads)
    AlertDelivery delivery = AlertDelivery.create(List.of(), null);
    java.util.Map<String, Slo> inForce = new java.util.concurrent.ConcurrentHashMap<>();
    delivery.slos(name -> Optional.ofNullable(inForce.get(name)));
    try {
      for (int i = 0; i < 20; i++) {
        // the SLO's target changes with every edit; the old one must not keep a thread
        Slo slo = sloWithTarget("webhook:http://127.0.0.1:9/hook-" + i);
        inForce.put("checkout", slo);
        delivery.afterEvaluation(List.of(firing(slo)));
      }
      waitFor(() -> delivery.stats().size() == 1);
      assertThat(delivery.stats())
          .singleElement()
          .satisfies(s -> assertThat(s.target()).contains("hook-19"));

      inForce.clear(); // the SLO is removed
      delivery.afterEvaluation(List.of());
      waitFor(() -> delivery.stats().isEmpty());
    } finally {
      delivery.close();
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(10);
    }
  }

  @Test
  void enricherFailure_stillNotifies_withoutTheCard() {
    AlertDelivery delivery = AlertDelivery.create(List.of(), null);
    delivery.enricher(
        new AlertDelivery.Enricher() {
          @Override
          public Map<String, String> annotations(Alert alert) {
            throw new IllegalStateException("incident store down");
          }
        });
    AlertNotification n = delivery.notification(firing(sloWithTarget("webhook:http://x.test/")));
    assertThat(n.annotations()).containsEntry("enrichment_error", "incident store down");
    assertThat(n.summary()).contains("checkout");
    delivery.close();
  }
}
