package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.testing.StorageFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentVerificationTest {
  @TempDir Path dir;

  static final String SLO =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: checkout-availability}
      spec:
        service: frontend
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{target: 0.99}]
        indicator:
          metadata: {name: checkout-sli}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: spans, service: frontend, status: ok}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: frontend}}}
      """;

  IncidentManager manager(StorageComponent storage, Instant now) throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("slo.yaml"), SLO);
    SloRegistry registry = SloRegistry.builder().directory(slos).build();
    return IncidentManager.builder()
        .store(FileIncidentStore.open(dir.resolve("incidents")))
        .storage(storage)
        .slos(registry::slo)
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .verifyPeriod(Duration.ofMinutes(10))
        .build();
  }

  static Incident withVerification(Verification v, IncidentStatus status) {
    return copy(FileIncidentStoreRoundTripTest.sample(), null, v, status);
  }

  /** {@code s} under another id. */
  static Incident withId(Incident s, String id) {
    return copy(s, id, s.verification(), s.status());
  }

  static Incident copy(
      Incident s,
      @org.jspecify.annotations.Nullable String id,
      Verification v,
      IncidentStatus status) {
    return new Incident(
        id == null ? s.id() : id,
        s.alertId(),
        s.slo(),
        s.objective(),
        s.objectiveTarget(),
        s.service(),
        s.severity(),
        status,
        s.openedAt(),
        s.updatedAt(),
        s.window(),
        s.baseline(),
        s.impact(),
        s.rootCause(),
        s.hypotheses(),
        s.evidence(),
        s.investigation(),
        s.investigationMillis(),
        s.runbook(),
        s.owner(),
        s.respondBy(),
        s.timeline(),
        v,
        s.actionItems(),
        s.alertIds(),
        s.rule(),
        s.evidenceGatheredAt(),
        s.evidenceComplete());
  }

  @Test
  void notEnoughTraffic_isNotedOnce_notAtEveryEvaluation() throws Exception {
    Instant from = Instant.parse("2026-01-01T10:00:00Z");
    Instant now = from.plus(Duration.ofMinutes(30));
    try (StorageFixture fixture = StorageFixture.create(dir.resolve("data"))) {
      StorageComponent storage = fixture.open();
      IncidentManager m = manager(storage, now);
      Incident i =
          withVerification(
              new Verification(
                  Verification.Status.PENDING, "resolved", from, null, null, null, 0.99, 0, "x"),
              IncidentStatus.RESOLVED);
      m.store().save(i);
      int before = i.timeline().size();
      for (int k = 0; k < 5; k++) m.verify(now.plusSeconds(30L * k));
      Incident after = m.store().get(i.id()).orElseThrow();
      assertThat(after.verification().detail()).startsWith("not enough traffic");
      assertThat(after.timeline()).hasSize(before + 1);
    }
  }

  @Test
  void resolvingAgainAfterARegression_startsANewVerification() throws Exception {
    Instant from = Instant.parse("2026-01-01T10:00:00Z");
    Instant now = from.plus(Duration.ofMinutes(30));
    try (StorageFixture fixture = StorageFixture.create(dir.resolve("data"))) {
      StorageComponent storage = fixture.open();
      IncidentManager m = manager(storage, now);
      Incident i =
          withVerification(
              new Verification(
                  Verification.Status.REGRESSED,
                  "payment 1.5.1 deployed",
                  from,
                  from.plus(Duration.ofMinutes(10)),
                  0.5,
                  0.999,
                  0.99,
                  100,
                  "fix did not hold"),
              IncidentStatus.OPEN);
      m.store().save(i);
      Incident resolved = m.resolve(i.id(), "rolled back");
      assertThat(resolved.verification().status()).isEqualTo(Verification.Status.PENDING);
      assertThat(resolved.verification().from()).isEqualTo(now);
    }
  }
}
