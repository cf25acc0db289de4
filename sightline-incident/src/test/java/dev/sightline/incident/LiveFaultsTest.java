package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.testing.OpenSloExamples;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on live-arriving data from a fresh start ({@link LiveLoop}): telemetry is stored minute by
 * minute and the SLO monitor evaluates after each minute, as in a server that just started. One
 * fault opens one incident per SLO; no alert fires on the warm-up nor resolves while the fault
 * persists; consecutive faults get incidents of their own with their own culprits; a short history
 * still gives a baseline; a rollback is verified as a fix.
 */
class LiveFaultsTest {
  static final Instant END = Instant.parse("2026-11-30T12:00:00Z");

  /** The shop's checkout SLO with a second, stricter objective (which fires as well). */
  static final String CHECKOUT =
      OpenSloExamples.checkoutAvailability(
          "P1",
          "[{displayName: availability, target: 0.995}, {displayName: strict, target: 0.998}]");

  @TempDir Path dir;

  static FaultScenario scenario(FaultKind kind, Instant start, Duration healthy, Duration fault) {
    return FaultScenario.builder(kind)
        .end(start.plus(healthy).plus(fault))
        .baseline(healthy)
        .faultDuration(fault)
        .requestsPerSecond(3)
        .seed(kind.ordinal() + 7)
        .build();
  }

  @Test
  void oneFault_oneIncident_noWarmUpAlert_noResolveWhileItLasts_andTheFixIsVerified()
      throws Exception {
    // a fresh start: 6 healthy minutes, then payment's provider fails for 20 minutes
    FaultScenario s =
        scenario(
            FaultKind.DEPENDENCY_ERRORS,
            END.minus(Duration.ofMinutes(26)),
            Duration.ofMinutes(6),
            Duration.ofMinutes(20));
    try (LiveLoop loop = new LiveLoop(dir, CHECKOUT, s.baselineStart(), Duration.ofMinutes(5))) {
      loop.feed(s.telemetry());
      loop.feed(s.afterFix(s.faultEnd(), Duration.ofMinutes(25), true));

      List<LiveLoop.Seen> fired = loop.transitions(AlertTransition.Kind.FIRED);
      assertThat(fired).as("both objectives page").hasSizeGreaterThanOrEqualTo(2);
      assertThat(fired)
          .as("nothing fires on the warm-up")
          .allSatisfy(f -> assertThat(f.at()).isAfter(s.faultStart()));
      assertThat(loop.transitions(AlertTransition.Kind.RESOLVED))
          .as("no alert resolves while the fault persists")
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.at()).isAfter(s.faultEnd()));

      List<Incident> all = loop.incidents.store().all();
      assertThat(all).as("one fault, one incident").hasSize(1);
      Incident incident = all.get(0);
      assertThat(incident.alertIds())
          .containsExactlyInAnyOrderElementsOf(
              fired.stream().map(f -> f.transition().alert().id()).toList());
      assertThat(incident.timeline())
          .filteredOn(t -> t.kind().equals("alert-joined"))
          .hasSize(fired.size() - 1);
      assertThat(incident.rootCause()).isNotNull();
      assertThat(incident.rootCause().service()).isEqualTo("payment");
      // 6 minutes of history before the burn: the window takes half, the baseline the rest
      assertThat(incident.baseline().start()).isEqualTo(s.baselineStart());
      assertThat(incident.baseline().length())
          .isBetween(Duration.ofMinutes(2), Duration.ofMinutes(4));
      assertThat(incident.evidence().baselineTraces()).isNotEmpty();
      assertThat(incident.timeline())
          .anySatisfy(t -> assertThat(t.text()).contains("less healthy history than the 1 h"));
      // the fix (payment's next version) is verified after the 5-minute verify period
      assertThat(incident.verification().status()).isEqualTo(Verification.Status.VERIFIED);
      assertThat(incident.verification().trigger())
          .isEqualTo("payment " + s.fixVersion() + " deployed");
    }
  }

  @Test
  void consecutiveFaults_eachIncidentNamesItsOwnCulprit() throws Exception {
    // 25 healthy minutes, inventory's query slows for 12; once its alert resolved and the incident
    // is resolved, 3 more healthy minutes, then payment's provider fails for 12 minutes
    Instant start = END.minus(Duration.ofHours(2));
    FaultScenario first =
        scenario(FaultKind.SLOW_DB_QUERY, start, Duration.ofMinutes(25), Duration.ofMinutes(12));
    try (LiveLoop loop = new LiveLoop(dir, CHECKOUT, start, Duration.ofMinutes(5))) {
      loop.feed(first.telemetry());
      Instant[] resolvedAt = new Instant[1];
      Instant quietEnd =
          loop.feed(
              first.afterFix(first.faultEnd(), Duration.ofMinutes(50), true),
              t -> {
                if (resolvedAt[0] == null
                    && loop.monitor.engine().firing().isEmpty()
                    && !loop.transitions(AlertTransition.Kind.RESOLVED).isEmpty()) {
                  for (Incident i : loop.incidents.store().all()) {
                    loop.incidents.resolve(i.id(), "inventory query fixed");
                  }
                  resolvedAt[0] = t;
                }
                return resolvedAt[0] != null && !t.isBefore(resolvedAt[0].plusSeconds(180));
              });
      assertThat(resolvedAt[0]).as("the first fault's alerts resolved").isNotNull();
      List<Incident> before = loop.incidents.store().all();
      assertThat(before).hasSize(1);
      Incident firstIncident = before.get(0);
      assertThat(firstIncident.rootCause().service()).isEqualTo("inventory");

      FaultScenario second =
          FaultScenario.builder(FaultKind.DEPENDENCY_ERRORS)
              .end(quietEnd.plus(Duration.ofMinutes(12)))
              .baseline(Duration.ZERO)
              .faultDuration(Duration.ofMinutes(12))
              .requestsPerSecond(3)
              .seed(99)
              .build();
      loop.feed(second.telemetry());

      List<Incident> all =
          loop.incidents.store().all().stream()
              .sorted(Comparator.comparing(Incident::openedAt))
              .toList();
      assertThat(all).as("the second fault opens its own incident").hasSize(2);
      Incident next = all.get(1);
      assertThat(next.openedAt()).isAfter(second.faultStart());
      assertThat(next.rootCause().service()).isEqualTo("payment");
      // its window and bad traces never reach back past the first incident's resolution
      assertThat(next.window().start()).isAfterOrEqualTo(resolvedAt[0]);
      long floor = resolvedAt[0].getEpochSecond() * 1_000_000_000L;
      assertThat(next.evidence().badTraces())
          .isNotEmpty()
          .allSatisfy(t -> assertThat(t.startUnixNano()).isGreaterThanOrEqualTo(floor));
      // the baseline skips the first episode: healthy time only
      assertThat(next.baseline().length()).isPositive();
      assertThat(
              !next.baseline().end().isAfter(firstIncident.window().start())
                  || !next.baseline().start().isBefore(resolvedAt[0]))
          .isTrue();
    }
  }

  @Test
  void noHealthyHistory_theCardSaysThereIsNoBaseline() throws Exception {
    // the fault is there from the first request
    FaultScenario s =
        scenario(
            FaultKind.DEPENDENCY_ERRORS,
            END.minus(Duration.ofMinutes(20)),
            Duration.ZERO,
            Duration.ofMinutes(20));
    try (LiveLoop loop = new LiveLoop(dir, CHECKOUT, s.baselineStart(), Duration.ofMinutes(5))) {
      loop.feed(s.telemetry());

      List<Incident> all = loop.incidents.store().all();
      assertThat(all).hasSize(1);
      Incident incident = all.get(0);
      assertThat(incident.baseline().length()).isZero();
      assertThat(incident.evidence().baselineTraces()).isEmpty();
      assertThat(incident.timeline())
          .anySatisfy(t -> assertThat(t.text()).startsWith("no baseline"));
      assertThat(incident.rootCause()).isNotNull();
      assertThat(incident.rootCause().service()).isEqualTo("payment");
    }
  }

  @Test
  void rollback_isVerifiedAsAFix() throws Exception {
    // order 1.5.0 is released after 25 healthy minutes and fails a quarter of orders; after 15
    // minutes it is rolled back to the version that ran before
    FaultScenario s =
        scenario(
            FaultKind.BAD_RELEASE,
            END.minus(Duration.ofHours(1)),
            Duration.ofMinutes(25),
            Duration.ofMinutes(15));
    FaultScenario rolledBack =
        FaultScenario.builder(FaultKind.HEALTHY)
            .end(s.faultEnd().plus(Duration.ofMinutes(15)))
            .baseline(Duration.ZERO)
            .faultDuration(Duration.ofMinutes(15))
            .requestsPerSecond(3)
            .seed(5)
            .build();
    try (LiveLoop loop = new LiveLoop(dir, CHECKOUT, s.baselineStart(), Duration.ofMinutes(5))) {
      loop.feed(s.telemetry());
      loop.feed(rolledBack.telemetry());

      List<Incident> all = loop.incidents.store().all();
      assertThat(all).hasSize(1);
      Incident incident = all.get(0);
      assertThat(incident.rootCause().service()).isEqualTo("order");
      String previous = FaultScenario.baseVersion("order");
      assertThat(incident.verification().trigger()).isEqualTo("order " + previous + " deployed");
      assertThat(incident.timeline())
          .anySatisfy(
              t ->
                  assertThat(t.text())
                      .contains("order " + previous + " (a return to an earlier version"));
      assertThat(incident.verification().status()).isEqualTo(Verification.Status.VERIFIED);
    }
  }
}
