package dev.sightline.incident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.ActionItem;
import dev.sightline.incident.BaselineNote;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Impact;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentStatus;
import dev.sightline.incident.TimeWindow;
import dev.sightline.incident.TimelineEntry;
import dev.sightline.incident.Verification;
import dev.sightline.incident.analysis.traces.OperationDelta;
import dev.sightline.incident.causes.CauseRanker;
import dev.sightline.incident.postmortem.PostmortemWriter;
import dev.sightline.slo.Severity;
import dev.sightline.testing.ReducedStorage;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The investigation of a fault on real storage, with a zero-length baseline (no healthy history
 * before the burn: the server just started) and with a short one (3 minutes): the evidence is
 * honest about what it compared, and every number in it is finite.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvestigatorBaselineTest {
  private static final Instant END = Instant.parse("2026-03-02T12:00:00Z");

  private FaultScenario scenario;
  private StorageFixture fixture;
  StorageComponent storage;
  private Investigator investigator;

  @BeforeAll
  void writeTelemetry(@TempDir Path dir) {
    scenario =
        FaultScenario.builder(FaultKind.DEPENDENCY_ERRORS)
            .end(END)
            .baseline(Duration.ofMinutes(3))
            .faultDuration(Duration.ofMinutes(6))
            .requestsPerSecond(2)
            .build();
    fixture = StorageFixture.create(dir.resolve("data"));
    storage = fixture.open();
    scenario.telemetry().writeTo(storage);
    investigator = Investigator.builder().storage(storage).build();
  }

  @AfterAll
  void close() throws Exception {
    fixture.close();
  }

  private Scope scope() {
    return new Scope(
        scenario.sloScope().service(), scenario.sloScope().operation(), Map.of(), true, null);
  }

  private TimeWindow window() {
    return new TimeWindow(scenario.faultStart(), scenario.faultEnd());
  }

  @Test
  void aZeroLengthBaselineIsReadAsNoBaseline() throws Exception {
    TimeWindow none = new TimeWindow(scenario.faultStart(), scenario.faultStart());

    Investigator.Result r = investigator.investigate(scope(), window(), none);
    Evidence e = r.evidence();

    assertThat(e.baselineAvailable()).isFalse();
    assertThat(e.badTraces()).isNotEmpty();
    assertThat(e.baselineTraces()).isEmpty();
    assertThat(r.traces().baseline()).isEmpty();
    assertThat(e.attributes()).as("no difference without anything to differ from").isEmpty();
    assertThat(e.errors()).isNotEmpty();
    // the window's logs are reported, none as new or increased
    assertThat(e.logPatterns()).isNotEmpty();
    assertThat(e.logPatterns())
        .allSatisfy(
            p -> {
              assertThat(p.isNew()).as(p.pattern().template()).isFalse();
              assertThat(p.increased()).as(p.pattern().template()).isFalse();
              assertThat(p.ratio()).isNull();
              assertThat(p.baselineRatePerMinute()).isNull();
              assertThat(p.ratePerMinute()).isPositive();
            });
    assertThat(e.criticalPath()).isNotEmpty();
    assertThat(e.criticalPath())
        .filteredOn(d -> d.badMeanMs() > 0)
        .extracting(OperationDelta::relativeDelta)
        .containsOnlyNulls();
    assertThat(e.dependencies()).isNotEmpty();
    assertThat(e.dependencies())
        .allSatisfy(
            d -> {
              assertThat(d.baselineRate()).as(d.service()).isNull();
              assertThat(d.baselineErrorRatio()).as(d.service()).isNull();
              assertThat(d.baselineP95Ms()).as(d.service()).isNull();
            });

    List<Hypothesis> hypotheses = CauseRanker.create().rank(e, r.traces());
    assertThat(hypotheses).isNotEmpty();
    assertThat(hypotheses.get(0).service()).isEqualTo(scenario.expectedService());
    assertThat(hypotheses)
        .allSatisfy(
            h -> {
              assertThat(h.detail()).doesNotContain("before");
              assertThat(h.evidence()).noneMatch(s -> s.startsWith("log pattern"));
            });

    Incident card = incident(none, e, hypotheses);
    assertStrictFiniteJson(FileIncidentStore.JSON.writeValueAsString(card));
    assertThat(BaselineNote.of(card)).isEqualTo(BaselineNote.NONE);
    String md = PostmortemWriter.markdown(card);
    assertThat(md)
        .contains("| Baseline | no baseline: no healthy history before the burn |")
        .contains("no baseline to compare with")
        .doesNotContain(" — new")
        .doesNotContain(" — increased")
        .doesNotContain("Infinity")
        .doesNotContain("NaN");
  }

  @Test
  void aShortBaselineIsComparedAndNormalisedByItsLength() throws Exception {
    TimeWindow baseline =
        new TimeWindow(scenario.faultStart().minus(Duration.ofMinutes(3)), scenario.faultStart());

    Investigator.Result r = investigator.investigate(scope(), window(), baseline);
    Evidence e = r.evidence();

    assertThat(e.baselineAvailable()).isTrue();
    assertThat(e.badTraces()).isNotEmpty();
    assertThat(e.baselineTraces()).isNotEmpty();
    assertThat(e.baselineTraces())
        .allSatisfy(
            t ->
                assertThat(t.startUnixNano())
                    .isBetween(baseline.startUnixNano(), baseline.endUnixNano()));
    // the failing payment provider logs what the healthy minutes did not
    assertThat(e.logPatterns()).anySatisfy(p -> assertThat(p.isNew()).isTrue());
    assertThat(e.logPatterns())
        .filteredOn(p -> !p.isNew())
        .allSatisfy(p -> assertThat(p.baselineRatePerMinute()).isNotNull());
    // traffic did not change: per second over 3 minutes, the baseline rate is about the window's
    // (normalised by the configured hour instead, it would be 20 times lower)
    DependencyTrend frontend =
        e.dependencies().stream()
            .filter(d -> d.caller() == null && d.service().equals("frontend"))
            .findFirst()
            .orElseThrow();
    assertThat(frontend.baselineRate()).isNotNull();
    assertThat(frontend.baselineRate() / frontend.rate()).isBetween(0.6, 1.6);
    assertThat(frontend.baselineErrorRatio()).isNotNull().isLessThan(frontend.errorRatio());

    List<Hypothesis> hypotheses = CauseRanker.create().rank(e, r.traces());
    assertThat(hypotheses.get(0).service()).isEqualTo(scenario.expectedService());
    Incident card = incident(baseline, e, hypotheses);
    assertStrictFiniteJson(FileIncidentStore.JSON.writeValueAsString(card));
    assertThat(BaselineNote.of(card)).isEqualTo("baseline: 3 min before the incident window");
    assertThat(PostmortemWriter.markdown(card)).contains("(baseline: 3 min before the incident");
  }

  @Test
  void aBackendWithoutOptionalCapabilities_skipsTheSectionsTheyFeed() {
    TimeWindow baseline =
        new TimeWindow(scenario.faultStart().minus(Duration.ofMinutes(3)), scenario.faultStart());
    // the view closes nothing here: @AfterAll closes the backend
    Investigator coreOnly =
        Investigator.builder().storage(ReducedStorage.coreOnly(storage)).build();

    Investigator.Result r = coreOnly.investigate(scope(), window(), baseline);
    Evidence e = r.evidence();

    // no span metrics: no RED trends; no service versions: no version changes
    assertThat(e.dependencies()).isEmpty();
    assertThat(e.changes()).isEmpty();
    // what the trace, log and metric readers feed is still there, and points at the culprit
    assertThat(e.baselineAvailable()).isTrue();
    assertThat(e.badTraces()).isNotEmpty();
    assertThat(e.baselineTraces()).isNotEmpty();
    assertThat(e.errors()).isNotEmpty();
    List<Hypothesis> hypotheses = CauseRanker.create().rank(e, r.traces());
    assertThat(hypotheses.get(0).service()).isEqualTo(scenario.expectedService());
  }

  private Incident incident(TimeWindow baseline, Evidence e, List<Hypothesis> hypotheses) {
    Instant opened = scenario.faultEnd();
    return new Incident(
        "inc-test",
        "alert-test",
        "checkout-availability",
        null,
        0.999,
        scenario.sloScope().service(),
        Severity.P1,
        IncidentStatus.OPEN,
        opened,
        opened,
        window(),
        baseline,
        new Impact(100, 10, 0.1, 0, 3.5),
        hypotheses.isEmpty() ? null : hypotheses.get(0),
        hypotheses,
        e,
        "complete",
        12,
        null,
        "team-shop",
        opened.plus(Duration.ofMinutes(15)),
        List.of(new TimelineEntry(opened, "opened", "incident opened")),
        new Verification(Verification.Status.PENDING, null, null, null, null, null, 0.999, 0, "-"),
        List.<ActionItem>of(),
        null,
        "page-fast",
        opened,
        true);
  }

  /**
   * {@code json} parses with a strict parser (no NaN or Infinity tokens, nothing after the value)
   * and holds no non-finite number, neither as a number nor as the strings Jackson writes for them.
   */
  static void assertStrictFiniteJson(String json) throws Exception {
    assertThat(json).doesNotContain("Infinity").doesNotContain("NaN");
    JsonMapper strict =
        JsonMapper.builder()
            .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    JsonNode root = strict.readTree(json);
    List<JsonNode> numbers = new ArrayList<>();
    collectNumbers(root, numbers);
    assertThat(numbers).isNotEmpty().allSatisfy(n -> assertThat(n.asDouble()).isFinite());
  }

  private static void collectNumbers(JsonNode n, List<JsonNode> out) {
    if (n.isNumber()) out.add(n);
    for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collectNumbers(it.next(), out);
  }
}
