package dev.sightline.incident;

import dev.sightline.incident.causes.CauseRanker;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.Scope;
import dev.sightline.incident.evidence.VersionChange;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.evaluation.SliResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds incident cards: the window and baseline ({@link IncidentWindows}), the investigation and
 * the ranking, the impact and the first timeline entries of a new incident ({@link #open}); and the
 * card gathered again once the minutes after the alert can be seen ({@link #refreshed}). Reads
 * storage, keeps no state; {@link IncidentManager} decides when and saves.
 */
final class IncidentOpener {
  private static final Logger logger = LoggerFactory.getLogger(IncidentOpener.class);

  private final Investigator investigator;
  private final CauseRanker ranker;
  private final SliCalculator calculator;
  private final IncidentWindows windows;
  private final Clock clock;
  private final Duration windowBefore;
  private final Duration windowAfter;
  private final Duration baselineLength;

  IncidentOpener(
      Investigator investigator,
      SliCalculator calculator,
      Clock clock,
      Duration windowBefore,
      Duration windowAfter,
      Duration baselineLength) {
    this.investigator = investigator;
    this.ranker = CauseRanker.create();
    this.calculator = calculator;
    this.windows = new IncidentWindows(calculator);
    this.clock = clock;
    this.windowBefore = windowBefore;
    this.windowAfter = windowAfter;
    this.baselineLength = baselineLength;
  }

  Duration windowAfter() {
    return windowAfter;
  }

  /**
   * The card of a new incident for {@code alert}; {@code previous} are the SLO's earlier incidents
   * (they bound the window and the baseline).
   */
  Incident open(Alert alert, Slo slo, List<Incident> previous) {
    long started = System.nanoTime();
    Instant since = alert.since();
    // consecutive faults stay apart: nothing before the end of the previous episode
    Instant floor = IncidentWindows.previousEpisodeEnd(previous);
    Instant burnStart = windows.burnStart(slo, alert.rule(), alert.objectiveTarget(), since, floor);
    Instant dataStart = dataStart(slo);
    TimeWindow window = IncidentWindows.window(burnStart, windowBefore, since, floor, dataStart);
    TimeWindow baseline =
        IncidentWindows.baseline(
            window.start(), baselineLength, dataStart, IncidentWindows.episodes(previous, since));
    Scope scope = Scope.of(slo);
    Evidence evidence = Evidence.empty();
    List<Hypothesis> hypotheses = List.of();
    String investigation = "complete";
    try {
      Investigator.Result r = investigator.investigate(scope, window, baseline);
      evidence = r.evidence();
      hypotheses = ranker.rank(evidence, r.traces());
    } catch (RuntimeException e) {
      logger.warn("investigation of alert {} failed", alert.id(), e);
      investigation = "failed: " + e.getMessage();
    }
    Impact impact = impact(slo, alert.objectiveTarget(), window, baseline, since);
    long millis = (System.nanoTime() - started) / 1_000_000;
    Instant now = clock.instant();
    List<TimelineEntry> timeline = new ArrayList<>();
    timeline.add(
        new TimelineEntry(
            since,
            "alert-fired",
            String.format(
                Locale.ROOT,
                "alert %s fired (rule %s, burn rates %s, budget remaining %.1f%%)",
                alert.slo(),
                alert.rule(),
                alert.burnRates(),
                100 * alert.budgetRemaining())));
    timeline.add(new TimelineEntry(since, "baseline", baselineNote(baseline, window, floor)));
    for (VersionChange c : evidence.changes()) {
      timeline.add(
          new TimelineEntry(
              Instant.ofEpochSecond(0, c.firstSeenUnixNano()),
              "change",
              c.service() + " " + c.version() + " first seen (deployment)"));
    }
    timeline.add(
        new TimelineEntry(
            now.isBefore(since) ? since : now,
            "opened",
            "incident opened; evidence gathered in "
                + millis
                + " ms"
                + (hypotheses.isEmpty() ? "" : "; probable cause: " + hypotheses.get(0).detail())));
    timeline.sort(java.util.Comparator.comparing(TimelineEntry::at));
    Incident incident =
        new Incident(
            IncidentManager.incidentId(alert.id()),
            alert.id(),
            alert.slo(),
            alert.objective(),
            alert.objectiveTarget(),
            slo.service(),
            alert.responsibility().severity(),
            IncidentStatus.OPEN,
            since,
            now.isBefore(since) ? since : now,
            window,
            baseline,
            impact,
            hypotheses.isEmpty() ? null : hypotheses.get(0),
            hypotheses,
            evidence,
            investigation,
            millis,
            alert.responsibility().runbook() == null
                ? null
                : alert.responsibility().runbook().toString(),
            alert.responsibility().owner(),
            alert.respondBy(),
            timeline,
            Verification.pending(
                alert.objectiveTarget(),
                "waiting for a version change of an implicated service (a new version or a"
                    + " rollback) or the resolution"),
            List.of(),
            List.of(alert.id()));
    logger.info(
        "incident {} opened for {} in {} ms: {}",
        incident.id(),
        alert.slo(),
        millis,
        incident.rootCause() == null ? "no bad traces found" : incident.rootCause().detail());
    return incident;
  }

  /**
   * {@code i} with its evidence, hypotheses and impact gathered again over its window extended to
   * {@link #windowAfter} after the alert, and a timeline entry saying whether the cause stayed.
   */
  Incident refreshed(Incident i, Slo slo, Instant now) {
    TimeWindow window = new TimeWindow(i.window().start(), i.openedAt().plus(windowAfter));
    Investigator.Result r = investigator.investigate(Scope.of(slo), window, i.baseline());
    List<Hypothesis> hypotheses = ranker.rank(r.evidence(), r.traces());
    Impact impact = impact(slo, i.objectiveTarget(), window, i.baseline(), i.openedAt());
    Hypothesis before = i.rootCause();
    Hypothesis after = hypotheses.isEmpty() ? before : hypotheses.get(0);
    boolean same =
        before != null
            && after != null
            && before.service().equals(after.service())
            && before.operation().equals(after.operation());
    String text =
        "evidence gathered again with the "
            + label(windowAfter)
            + " after the alert; "
            + (after == null
                ? "still no bad trace found"
                : same
                    ? "probable cause unchanged: " + after.service() + " " + after.operation()
                    : "probable cause now: " + after.detail());
    return i.withEvidence(window, r.evidence(), hypotheses, impact, now, text);
  }

  /** The SLO's oldest stored event, or null when it has none (or it cannot be read). */
  @Nullable Instant dataStart(Slo slo) {
    try {
      java.util.OptionalLong t = calculator.oldestEvent(slo);
      return t.isEmpty() ? null : Instant.ofEpochSecond(0, t.getAsLong());
    } catch (RuntimeException e) {
      logger.warn("the oldest event of {} could not be read", slo.metadata().name(), e);
      return null;
    }
  }

  /** What the card says of its baseline: how long it is, and why when shorter than configured. */
  private String baselineNote(TimeWindow baseline, TimeWindow window, @Nullable Instant floor) {
    String bounded =
        floor == null
            ? ""
            : "; the window starts after the previous incident of this SLO ended (" + floor + ")";
    if (baseline.length().isZero()) {
      return "no baseline: no healthy history of this SLO before the incident window"
          + " (the evidence is not compared with a healthy period)"
          + bounded;
    }
    String length = BaselineNote.label(baseline.length());
    if (baseline.length().compareTo(baselineLength) >= 0) {
      return "baseline: " + length + " from " + baseline.start() + bounded;
    }
    return "baseline: "
        + length
        + " from "
        + baseline.start()
        + " (less healthy history than the "
        + BaselineNote.label(baselineLength)
        + " configured)"
        + bounded;
  }

  private Impact impact(
      Slo slo, double target, TimeWindow window, TimeWindow baseline, Instant since) {
    try {
      SliResult during = calculator.count(slo, window.startUnixNano(), window.endUnixNano());
      SliResult before = calculator.count(slo, baseline.startUnixNano(), baseline.endUnixNano());
      long end = window.endUnixNano();
      SliResult sloWindow = calculator.count(slo, end - slo.timeWindow().duration().toNanos(), end);
      if (during instanceof SliResult.Counts d
          && before instanceof SliResult.Counts b
          && sloWindow instanceof SliResult.Counts w) {
        double burned = w.total() == 0 ? 0 : d.bad() / ((1 - target) * w.total());
        return new Impact(
            Math.round(d.total()),
            Math.round(d.bad()),
            d.total() == 0 ? 0 : d.bad() / d.total(),
            b.total() == 0 ? 0 : b.bad() / b.total(),
            burned);
      }
    } catch (RuntimeException e) {
      logger.warn("impact of {} could not be computed", slo.metadata().name(), e);
    }
    return new Impact(0, 0, 0, 0, 0);
  }

  private static String label(Duration d) {
    return FixVerifier.label(d);
  }
}
