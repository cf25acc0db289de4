package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.postmortem.PostmortemWriter;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.testing.MutableClock;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.SloScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole loop on each fault scenario, in event time: the SLO alert fires, the incident opens by
 * itself with its evidence and the right probable cause, and after a new version of the culprit the
 * verification says verified (fixed) or regressed (not fixed, incident reopened).
 */
class IncidentLifecycleScenarioTest {
  static final Duration STEP = Duration.ofMinutes(1);

  @TempDir Path dir;

  /** The SLO a team would have on the scope the scenario hurts. */
  static String sloFor(SloScope scope, boolean latency) {
    String good = latency ? "maxDurationMs: 1000" : "status: ok";
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: scenario-slo
          annotations:
            sightline.dev/owner: team-shop
            sightline.dev/runbook: https://runbooks.example.com/shop
            sightline.dev/severity: P0
        spec:
          service: %s
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: 0.998}]
          indicator:
            metadata: {name: scenario-sli}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: %s, operation: "%s", %s}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: %s, operation: "%s"}}}
        """
        .formatted(
            scope.service(),
            scope.service(),
            scope.operation(),
            good,
            scope.service(),
            scope.operation());
  }

  record Setup(
      StorageFixture fixture, SloMonitor monitor, IncidentManager incidents, MutableClock clock) {}

  Setup setup(FaultScenario scenario) throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(
        slos.resolve("slo.yaml"),
        sloFor(
            scenario.kind() == FaultKind.HEALTHY
                ? new SloScope(
                    "frontend", "GET /checkout", dev.sightline.core.model.SpanKind.SERVER)
                : scenario.sloScope(),
            scenario.kind() == FaultKind.SLOW_CONSUMER));
    StorageFixture fixture = StorageFixture.create(dir.resolve("data"));
    StorageComponent storage = fixture.open();
    MutableClock clock = new MutableClock(scenario.faultStart());
    SloRegistry registry = SloRegistry.builder().directory(slos).build();
    IncidentManager incidents =
        IncidentManager.builder()
            .store(FileIncidentStore.open(dir.resolve("incidents")))
            .storage(storage)
            .slos(registry::slo)
            .clock(clock)
            .verifyPeriod(Duration.ofMinutes(15))
            .build();
    SloMonitor monitor =
        SloMonitor.builder()
            .registry(registry)
            .evaluator(BurnRateEvaluator.builder().storage(storage).build())
            .clock(clock)
            .addListener(incidents)
            .build();
    return new Setup(fixture, monitor, incidents, clock);
  }

  static void run(Setup s, Instant from, Instant to) throws InterruptedException {
    for (Instant t = from; !t.isAfter(to); t = t.plus(STEP)) {
      s.clock().set(t);
      s.monitor().tick();
      // event time: the engine's work of this evaluation is done before the clock moves on
      assertThat(s.incidents().awaitIdle(Duration.ofSeconds(120))).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} fixed={1}")
  @CsvSource({
    "SLOW_DB_QUERY, true",
    "DEPENDENCY_ERRORS, false",
    "SINGLE_TENANT, true",
    "BAD_RELEASE, true",
    "BAD_RELEASE, false",
    "SLOW_CONSUMER, false",
    "SHARED_DEPENDENCY, true",
    "SLOW_DB_QUERY, false",
    "SHARED_DEPENDENCY, false",
    "SINGLE_TENANT, false",
    "DEPENDENCY_ERRORS, true",
    "SLOW_CONSUMER, true"
  })
  void alertOpensAnIncidentThatNamesTheCulprit_andVerificationJudgesTheFix(
      FaultKind kind, boolean fixed) throws Exception {
    FaultScenario scenario =
        FaultScenario.builder(kind)
            // 70 minutes of history: the slow page (6h/30m) is judged once the data reaches back
            // an hour, and pages a few minutes into the fault; the evidence is gathered again
            // 10 minutes after the alert, inside the 15 minutes of fault
            .baseline(Duration.ofMinutes(70))
            .faultDuration(Duration.ofMinutes(15))
            .requestsPerSecond(2)
            .build();
    Setup s = setup(scenario);
    try (StorageFixture fixture = s.fixture();
        IncidentManager incidents = s.incidents();
        SloMonitor monitor = s.monitor()) {
      StorageComponent storage = fixture.storage();
      scenario.telemetry().writeTo(storage);
      run(s, scenario.faultStart(), scenario.faultEnd());

      List<Incident> all = s.incidents().store().all();
      assertThat(all).as("one incident for the one firing alert").hasSize(1);
      Incident incident = all.get(0);
      assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
      assertThat(incident.severity().name()).isEqualTo("P0");
      assertThat(incident.owner()).isEqualTo("team-shop");
      assertThat(incident.respondBy()).isEqualTo(incident.openedAt().plus(Duration.ofMinutes(15)));
      assertThat(incident.investigation()).isEqualTo("complete");
      Hypothesis root = incident.rootCause();
      assertThat(root).isNotNull();
      assertThat(root.service()).isEqualTo(scenario.expectedService());
      assertThat(scenario.acceptedOperations()).contains(root.operation());
      scenario
          .expectedAttribute()
          .ifPresent(
              a -> {
                assertThat(root.attributeKey()).isEqualTo(a.key());
                assertThat(root.attributeValue()).isEqualTo(a.value());
              });
      assertThat(incident.evidence().badTraces()).isNotEmpty();
      assertThat(incident.evidence().baselineTraces()).isNotEmpty();
      assertThat(incident.evidence().logPatterns())
          .anySatisfy(p -> assertThat(p.isNew() || p.increased()).isTrue());
      assertThat(incident.impact().badRequests()).isPositive();
      assertThat(incident.verification().status()).isEqualTo(Verification.Status.PENDING);
      // the evidence was gathered again 10 minutes after the alert, covering those minutes
      assertThat(incident.window().end())
          .as(
              "fault %s..%s, timeline %s",
              scenario.faultStart(), scenario.faultEnd(), incident.timeline())
          .isEqualTo(incident.openedAt().plus(Duration.ofMinutes(10)));
      assertThat(incident.timeline())
          .anySatisfy(t -> assertThat(t.text()).contains("probable cause unchanged"));

      // the culprit's new version: fixed or not
      scenario.afterFix(scenario.faultEnd(), Duration.ofMinutes(25), fixed).writeTo(storage);
      // a queued consumer's new version shows up only after the lag, so allow for it
      // (15 minutes of verification at 2 requests/s: the shop's base error rate of ~0.04% stays far
      // below the 0.2% the objective allows)
      run(s, scenario.faultEnd().plus(STEP), scenario.faultEnd().plus(Duration.ofMinutes(21)));

      Incident after = s.incidents().store().get(incident.id()).orElseThrow();
      // the evidence was gathered again 10 minutes after the alert, covering those minutes
      assertThat(after.window().end()).isEqualTo(after.openedAt().plus(Duration.ofMinutes(10)));
      assertThat(after.timeline())
          .anySatisfy(t -> assertThat(t.kind()).isEqualTo("evidence-refreshed"));
      assertThat(after.rootCause().service()).isEqualTo(scenario.expectedService());
      assertThat(after.verification().trigger())
          .isEqualTo(scenario.expectedService() + " " + scenario.fixVersion() + " deployed");
      String story =
          String.format(
              "%s fixed=%s: verification %s, timeline %s",
              kind, fixed, after.verification(), after.timeline());
      if (fixed) {
        assertThat(after.verification().status()).as(story).isEqualTo(Verification.Status.VERIFIED);
        assertThat(after.verification().sliAfter()).isGreaterThanOrEqualTo(0.998);
      } else {
        assertThat(after.verification().status())
            .as(story)
            .isEqualTo(Verification.Status.REGRESSED);
        assertThat(after.status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(after.timeline()).anySatisfy(t -> assertThat(t.kind()).isEqualTo("regressed"));
      }
      assertThat(PostmortemWriter.markdown(after))
          .contains("## Root cause")
          .contains(root.detail())
          .contains(after.verification().status().name().toLowerCase(java.util.Locale.ROOT));
      // still one incident: the alert was deduplicated
      assertThat(s.incidents().store().all()).hasSize(1);
    }
  }

  @Test
  void healthyTraffic_opensNoIncident() throws Exception {
    FaultScenario scenario =
        FaultScenario.builder(FaultKind.HEALTHY)
            // 70 minutes of history: the slow page (6h/30m) is judged once the data reaches back
            // an hour, and pages a few minutes into the fault; the evidence is gathered again
            // 10 minutes after the alert, inside the 15 minutes of fault
            .baseline(Duration.ofMinutes(70))
            .faultDuration(Duration.ofMinutes(15))
            .requestsPerSecond(2)
            .build();
    Setup s = setup(scenario);
    try (StorageFixture fixture = s.fixture();
        IncidentManager incidents = s.incidents();
        SloMonitor monitor = s.monitor()) {
      StorageComponent storage = fixture.storage();
      scenario.telemetry().writeTo(storage);
      run(s, scenario.faultStart(), scenario.faultEnd());
      assertThat(s.monitor().engine().alerts()).isEmpty();
      assertThat(s.incidents().store().all()).isEmpty();
    }
  }
}
