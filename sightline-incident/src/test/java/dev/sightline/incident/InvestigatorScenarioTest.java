package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.incident.causes.CauseRanker;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.Scope;
import dev.sightline.storage.duckdb.DuckDbStorage;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InvestigatorScenarioTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = FaultKind.class,
      names = {"HEALTHY"},
      mode = EnumSource.Mode.EXCLUDE)
  void topHypothesisNamesTheCulprit(FaultKind kind) throws Exception {
    FaultScenario scenario =
        FaultScenario.builder(kind)
            .baseline(Duration.ofMinutes(40))
            .faultDuration(Duration.ofMinutes(12))
            .requestsPerSecond(2)
            .build();
    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(dir).build()) {
      scenario.telemetry().writeTo(storage);
      var scope = scenario.sloScope();
      Scope s =
          kind == FaultKind.SLOW_CONSUMER
              ? new Scope(
                  scope.service(), scope.operation(), Map.of(), false, Duration.ofMillis(1000))
              : new Scope(scope.service(), scope.operation(), Map.of(), true, null);
      TimeWindow window =
          new TimeWindow(scenario.faultStart(), scenario.faultStart().plus(Duration.ofMinutes(10)));
      TimeWindow baseline =
          new TimeWindow(scenario.faultStart().minus(Duration.ofMinutes(30)), window.start());
      long t0 = System.nanoTime();
      Investigator.Result r =
          Investigator.builder().storage(storage).build().investigate(s, window, baseline);
      List<Hypothesis> hs = CauseRanker.create().rank(r.evidence(), r.traces());
      System.out.printf(
          "%s: %d ms, %d bad, %d baseline%n",
          kind,
          (System.nanoTime() - t0) / 1_000_000,
          r.traces().bad().size(),
          r.traces().baseline().size());
      hs.forEach(
          h ->
              System.out.println(
                  "  "
                      + h.confidence()
                      + " "
                      + h.detail()
                      + " "
                      + h.attributeKey()
                      + "="
                      + h.attributeValue()));
      r.evidence().logPatterns().stream()
          .limit(3)
          .forEach(
              p ->
                  System.out.println(
                      "  log "
                          + p.isNew()
                          + " "
                          + p.count()
                          + "/"
                          + p.baselineCount()
                          + " "
                          + p.pattern().template()));
      assertThat(hs).isNotEmpty();
      Hypothesis top = hs.get(0);
      assertThat(top.service()).isEqualTo(scenario.expectedService());
      assertThat(scenario.acceptedOperations()).contains(top.operation());
      scenario
          .expectedAttribute()
          .ifPresent(
              a -> {
                assertThat(top.attributeKey()).isEqualTo(a.key());
                assertThat(top.attributeValue()).isEqualTo(a.value());
              });
    }
  }
}
