package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.incident.analysis.Operation;
import dev.sightline.incident.analysis.SpanRef;
import dev.sightline.incident.analysis.logs.LogExample;
import dev.sightline.incident.analysis.logs.LogPattern;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.OperationDelta;
import dev.sightline.incident.evidence.DependencyTrend;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.TraceRef;
import dev.sightline.incident.evidence.VersionChange;
import dev.sightline.slo.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIncidentStoreRoundTripTest {
  @TempDir Path dir;

  static Incident sample() {
    Instant t0 = Instant.parse("2026-01-01T10:00:00.123456789Z");
    Instant t1 = t0.plusSeconds(600);
    Map<String, Long> sev = new LinkedHashMap<>();
    sev.put("ERROR", 5L);
    sev.put("WARN", 1L);
    LogPattern pattern =
        new LogPattern(
            3,
            "payment <*> failed",
            6,
            sev,
            List.of(new LogExample(123L, "aa", "bb", "payment", "payment 42 failed")));
    PatternChange newPattern =
        new PatternChange(pattern, 6, 0, null, null, null, true, false, List.of("aa"));
    PatternChange increased =
        new PatternChange(pattern, 60, 2, 6.0, 0.2, 30.0, false, true, List.of());
    AttributeDifference diff =
        new AttributeDifference("tenant", false, "acme", 9, 10, 1, 100, 0.9, 0.01, 0.89);
    OperationDelta delta =
        new OperationDelta(
            new Operation("payment", "charge"),
            10,
            0,
            120.5,
            0,
            100,
            0,
            120.5,
            null,
            0.7,
            50,
            0,
            0.5,
            0);
    ErrorGroup errors =
        new ErrorGroup(
            "payment",
            "charge",
            "TimeoutException",
            "timeout after <*>",
            "timeout after 5s",
            "",
            4,
            1L,
            2L,
            List.of(new SpanRef("aa", "bb")));
    Evidence evidence =
        new Evidence(
            List.of(new TraceRef("aa", "frontend", "GET /", 1L, 12.5, 5, 1)),
            List.of(new TraceRef("cc", "frontend", "GET /", 1L, 2.5, 5, 0)),
            List.of(delta),
            List.of(new Evidence.ServiceAttribute("payment", diff)),
            List.of(errors),
            List.of(newPattern, increased),
            List.of(new VersionChange("payment", "1.5.0", List.of("1.4.9"), 7L, 10, null)),
            List.of(
                new DependencyTrend(null, "payment", 1.0, 2, 0.0, 0.5, null, 12.0),
                new DependencyTrend("frontend", "payment", null, 2, null, 0.5, 3.0, null)),
            Map.of("bad traces", "/api/v1/logs?traceId=aa"),
            true);
    Hypothesis h =
        new Hypothesis(
            "payment",
            "charge",
            "errors",
            "tenant",
            "acme",
            "payment charge fails",
            0.8,
            List.of("errors"));
    return new Incident(
        "inc-1",
        "alert-1",
        "checkout-availability",
        null,
        0.999,
        "frontend",
        Severity.P1,
        IncidentStatus.values()[0],
        t0,
        t1,
        new TimeWindow(t0, t1),
        new TimeWindow(t0.minusSeconds(3600), t0),
        new Impact(100, 10, 0.1, Double.NaN, Double.POSITIVE_INFINITY),
        h,
        List.of(h),
        evidence,
        "complete",
        1234,
        null,
        "team-payments",
        t1,
        List.of(new TimelineEntry(t0, "opened", "opened")),
        new Verification(
            Verification.Status.REGRESSED, "resolved", t0, t1, 0.9, Double.NaN, 0.999, 10, "x"),
        List.of(new ActionItem("a1", "add timeout", null, t1)),
        List.of("alert-1", "alert-2"),
        "page-fast",
        t1,
        false);
  }

  @Test
  void everyRecordSurvivesWriteAndRead() throws Exception {
    Incident incident = sample();
    String json = FileIncidentStore.JSON.writeValueAsString(incident);
    Incident back = FileIncidentStore.JSON.readValue(json, Incident.class);
    assertEquals(incident.evidence().logPatterns(), back.evidence().logPatterns(), json);
    assertEquals(incident.evidence().attributes(), back.evidence().attributes(), json);
    assertEquals(incident.evidence(), back.evidence(), json);
    assertEquals(incident.impact(), back.impact(), json);
    assertEquals(incident.verification(), back.verification(), json);
    assertEquals(incident, back, json);
  }

  @Test
  void incidentSavedBeforeAlertsCouldJoin_hasItsOpeningAlert() throws Exception {
    ObjectNode json = (ObjectNode) FileIncidentStore.JSON.valueToTree(sample());
    json.remove("alertIds");

    Incident back = FileIncidentStore.JSON.treeToValue(json, Incident.class);

    assertThat(back.alertIds()).containsExactly("alert-1");
    assertThat(back.hasAlert("alert-1")).isTrue();
    assertThat(back.hasAlert("alert-2")).isFalse();
  }

  @Test
  void filesWrittenBeforeBaselineAvailabilityReadAsComparedWithABaseline() throws Exception {
    ObjectNode json = FileIncidentStore.JSON.valueToTree(sample());
    ObjectNode evidence = (ObjectNode) json.get("evidence");
    evidence.remove("baselineAvailable");
    // older versions wrote non-finite numbers as strings
    ((ObjectNode) evidence.get("criticalPath").get(0)).put("relativeDelta", "Infinity");
    ObjectNode pattern = (ObjectNode) evidence.get("logPatterns").get(0);
    pattern.put("ratio", "Infinity");
    pattern.put("ratePerMinute", "NaN");
    ((ObjectNode) evidence.get("dependencies").get(1)).put("baselineErrorRatio", "NaN");

    Incident back = FileIncidentStore.JSON.treeToValue(json, Incident.class);

    assertTrue(back.evidence().baselineAvailable());
    assertNull(back.evidence().criticalPath().get(0).relativeDelta());
    assertNull(back.evidence().logPatterns().get(0).ratio());
    assertNull(back.evidence().logPatterns().get(0).ratePerMinute());
    assertNull(back.evidence().dependencies().get(1).baselineErrorRatio());
    assertEquals(sample().evidence(), back.evidence());
  }

  @Test
  void evidenceWithoutBaselineSurvivesWriteAndRead() throws Exception {
    Evidence none = Evidence.empty();
    String json = FileIncidentStore.JSON.writeValueAsString(none);
    Evidence back = FileIncidentStore.JSON.readValue(json, Evidence.class);
    assertFalse(back.baselineAvailable(), json);
    assertEquals(none, back, json);
  }

  @Test
  void storeReopensWhatItSaved() {
    Incident incident = sample();
    FileIncidentStore.open(dir).save(incident);
    assertEquals(incident, FileIncidentStore.open(dir).get("inc-1").orElseThrow());
  }
}
