package dev.sightline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.BaselineNote;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Impact;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentStatus;
import dev.sightline.incident.TimeWindow;
import dev.sightline.incident.TimelineEntry;
import dev.sightline.incident.Verification;
import dev.sightline.incident.causes.CauseRanker;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.Scope;
import dev.sightline.slo.Severity;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The card of an incident opened on a server that has just started (a zero-length baseline, the
 * telemetry beginning with the fault), investigated on real storage: valid JSON without a single
 * non-finite number, and honest about the missing baseline.
 */
class IncidentCardWithoutBaselineTest {
  @TempDir Path dir;

  @Test
  void theCardIsStrictJsonAndSaysThereWasNoBaseline() throws Exception {
    FaultScenario scenario =
        FaultScenario.builder(FaultKind.DEPENDENCY_ERRORS)
            .end(Instant.parse("2026-03-02T12:00:00Z"))
            .baseline(Duration.ZERO)
            .faultDuration(Duration.ofMinutes(4))
            .requestsPerSecond(2)
            .build();
    Incident incident;
    try (StorageFixture fixture = StorageFixture.create(dir)) {
      StorageComponent storage = fixture.open();
      scenario.telemetry().writeTo(storage);
      TimeWindow window = new TimeWindow(scenario.faultStart(), scenario.faultEnd());
      TimeWindow none = new TimeWindow(scenario.faultStart(), scenario.faultStart());
      Investigator.Result r =
          Investigator.builder()
              .storage(storage)
              .build()
              .investigate(
                  new Scope(
                      scenario.sloScope().service(),
                      scenario.sloScope().operation(),
                      Map.of(),
                      true,
                      null),
                  window,
                  none);
      List<Hypothesis> hypotheses = CauseRanker.create().rank(r.evidence(), r.traces());
      Instant at = scenario.faultEnd();
      incident =
          new Incident(
              "inc-fresh",
              "alert-fresh",
              "checkout-availability",
              null,
              0.999,
              scenario.sloScope().service(),
              Severity.P1,
              IncidentStatus.OPEN,
              at,
              at,
              window,
              none,
              new Impact(480, 190, 0.4, 0, 12.5),
              hypotheses.isEmpty() ? null : hypotheses.get(0),
              hypotheses,
              r.evidence(),
              "complete",
              40,
              null,
              "team-shop",
              at.plus(Duration.ofMinutes(15)),
              List.of(new TimelineEntry(at, "opened", "incident opened")),
              new Verification(
                  Verification.Status.PENDING, null, null, null, null, null, 0.999, 0, "waiting"),
              List.of(),
              null,
              "page-fast",
              at,
              true);
    }

    String json = FileIncidentStore.JSON.writeValueAsString(IncidentApi.cardNode(incident));

    assertThat(json).doesNotContain("Infinity").doesNotContain("NaN");
    JsonNode card =
        JsonMapper.builder()
            .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build()
            .readTree(json);
    List<JsonNode> numbers = new ArrayList<>();
    collectNumbers(card, numbers);
    assertThat(numbers).isNotEmpty().allSatisfy(n -> assertThat(n.asDouble()).isFinite());

    assertThat(card.get("baselineNote").asText()).isEqualTo(BaselineNote.NONE);
    assertThat(card.get("impact").get("baselineErrorRatio").isNull()).isTrue();
    JsonNode evidence = card.get("evidence");
    assertThat(evidence.get("baselineAvailable").asBoolean(true)).isFalse();
    assertThat(evidence.get("badTraces").size()).isPositive();
    assertThat(evidence.get("baselineTraces").size()).isZero();
    assertThat(evidence.get("attributes").size()).isZero();
    assertThat(evidence.get("logPatterns").size()).isPositive();
    for (JsonNode p : evidence.get("logPatterns")) {
      assertThat(p.get("new").asBoolean(true)).as(p.toString()).isFalse();
      assertThat(p.get("increased").asBoolean(true)).as(p.toString()).isFalse();
      assertThat(p.get("ratio").isNull()).as(p.toString()).isTrue();
    }
    assertThat(evidence.get("criticalPath").size()).isPositive();
    for (JsonNode d : evidence.get("criticalPath")) {
      JsonNode relative = d.get("relativeDelta");
      assertThat(relative.isNull() || relative.asDouble() == 0).as(d.toString()).isTrue();
    }
    for (JsonNode d : evidence.get("dependencies")) {
      assertThat(d.get("baselineRate").isNull()).as(d.toString()).isTrue();
      assertThat(d.get("baselineErrorRatio").isNull()).as(d.toString()).isTrue();
    }
  }

  private static void collectNumbers(JsonNode n, List<JsonNode> out) {
    if (n.isNumber()) out.add(n);
    for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collectNumbers(it.next(), out);
  }
}
