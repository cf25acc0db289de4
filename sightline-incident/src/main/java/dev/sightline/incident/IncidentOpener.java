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
 * Builds incident cards: the record of a new incident ({@link #placeholder}, no reads), its first
 * investigation — window and baseline ({@link IncidentWindows}), evidence, ranking, impact and
 * timeline entries ({@link #investigate}) — and the evidence gathered again ({@link #gather},
 * {@link #refreshed}). Reads storage, keeps no state; {@link EvidenceGathering} decides when, and
 * puts the results on the incident's latest record.
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
   * The record of a new incident for {@code alert}, saved at once when it fires: status open,
   * {@code investigation} running, a provisional window ({@link #windowBefore} before the alert)
   * and baseline, no evidence yet. Reads nothing.
   */
  Incident placeholder(Alert alert, Slo slo) {
    Instant since = alert.since();
    Instant now = clock.instant();
    Instant at = now.isBefore(since) ? since : now;
    TimeWindow window = new TimeWindow(since.minus(windowBefore), since);
    TimeWindow baseline = new TimeWindow(window.start().minus(baselineLength), window.start());
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
    timeline.add(new TimelineEntry(at, "opened", "incident opened; investigation running"));
    return new Incident(
        IncidentManager.incidentId(alert.id()),
        alert.id(),
        alert.slo(),
        alert.objective(),
        alert.objectiveTarget(),
        slo.service(),
        alert.responsibility().severity(),
        IncidentStatus.OPEN,
        since,
        at,
        window,
        baseline,
        new Impact(0, 0, 0, 0, 0),
        null,
        List.of(),
        Evidence.empty(),
        Incident.RUNNING,
        0,
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
        List.of(alert.id()),
        alert.rule(),
        null,
        false);
  }

  /**
   * The first investigation of {@code i} (a {@link #placeholder}): burn start, window and baseline
   * ({@code previous} are the SLO's earlier incidents, which bound them), evidence, ranking,
   * impact; applied to the incident's latest record by {@link Investigated#applyTo}. A failing
   * investigation still yields the window and impact, with empty evidence. Reads storage; call it
   * off the evaluation thread.
   */
  Investigated investigate(Incident i, Slo slo, List<Incident> previous) {
    long started = System.nanoTime();
    Instant since = i.openedAt();
    // consecutive faults stay apart: nothing before the end of the previous episode
    Instant floor = IncidentWindows.previousEpisodeEnd(previous);
    String rule = i.rule() == null ? "" : i.rule();
    Instant burnStart = windows.burnStart(slo, rule, i.objectiveTarget(), since, floor);
    Instant dataStart = dataStart(slo);
    TimeWindow window = IncidentWindows.window(burnStart, windowBefore, since, floor, dataStart);
    TimeWindow baseline =
        IncidentWindows.baseline(
            window.start(), baselineLength, dataStart, IncidentWindows.episodes(previous, since));
    Evidence evidence = Evidence.empty();
    List<Hypothesis> hypotheses = List.of();
    String outcome = Incident.COMPLETE;
    try {
      Investigator.Result r = investigator.investigate(Scope.of(slo), window, baseline);
      evidence = r.evidence();
      hypotheses = ranker.rank(evidence, r.traces());
    } catch (RuntimeException e) {
      logger.warn("investigation of incident {} failed", i.id(), e);
      outcome = "failed: " + e.getMessage();
    }
    Impact impact = impact(slo, i.objectiveTarget(), window, baseline, since);
    long millis = (System.nanoTime() - started) / 1_000_000;
    Instant now = clock.instant();
    List<TimelineEntry> entries = new ArrayList<>();
    entries.add(
        new TimelineEntry(
            since, "baseline", IncidentWindows.baselineNote(baseline, baselineLength, floor)));
    for (VersionChange c : evidence.changes()) {
      entries.add(
          new TimelineEntry(
              Instant.ofEpochSecond(0, c.firstSeenUnixNano()),
              "change",
              c.service() + " " + c.version() + " first seen (deployment)"));
    }
    entries.add(
        new TimelineEntry(
            now.isBefore(since) ? since : now,
            "investigated",
            (outcome.equals(Incident.COMPLETE)
                    ? "evidence gathered in " + millis + " ms"
                    : "investigation " + outcome)
                + (hypotheses.isEmpty()
                    ? "; no bad trace found"
                    : "; probable cause: " + hypotheses.get(0).detail())
                + (EvidenceGathering.complete(evidence)
                    ? ""
                    : "; "
                        + EvidenceGathering.incompleteness(evidence)
                        + ", gathered again as telemetry arrives")));
    logger.info(
        "incident {} of {} investigated in {} ms: {}",
        i.id(),
        i.slo(),
        millis,
        hypotheses.isEmpty() ? "no bad traces found" : hypotheses.get(0).detail());
    Incident.Gathering g =
        new Incident.Gathering(
            now.isBefore(since) ? since : now,
            window,
            baseline,
            impact,
            evidence,
            hypotheses,
            EvidenceGathering.complete(evidence));
    return new Investigated(g, outcome, millis, entries);
  }

  /** The result of a first investigation, put on the incident's latest record. */
  record Investigated(
      Incident.Gathering gathering, String outcome, long millis, List<TimelineEntry> entries) {
    Incident applyTo(Incident latest) {
      return latest.withInvestigation(gathering, outcome, millis, entries);
    }
  }

  /**
   * The evidence, causes and impact of {@code i} gathered again over {@code window} (its own, or
   * extended past the alert), stamped {@code now}.
   */
  Incident.Gathering gather(Incident i, Slo slo, TimeWindow window, Instant now) {
    Investigator.Result r = investigator.investigate(Scope.of(slo), window, i.baseline());
    List<Hypothesis> hypotheses = ranker.rank(r.evidence(), r.traces());
    Impact impact = impact(slo, i.objectiveTarget(), window, i.baseline(), i.openedAt());
    return new Incident.Gathering(
        now,
        window,
        i.baseline(),
        impact,
        r.evidence(),
        hypotheses,
        EvidenceGathering.complete(r.evidence()));
  }

  /**
   * {@code i}'s evidence gathered again, once, over its window extended to {@link #windowAfter}
   * after the alert; the timeline text says whether the cause stayed.
   */
  Refreshed refreshed(Incident i, Slo slo, Instant now) {
    TimeWindow window = new TimeWindow(i.window().start(), i.openedAt().plus(windowAfter));
    Incident.Gathering g = gather(i, slo, window, now);
    Hypothesis before = i.rootCause();
    Hypothesis after = g.hypotheses().isEmpty() ? before : g.hypotheses().get(0);
    String text =
        "evidence gathered again with the "
            + label(windowAfter)
            + " after the alert; "
            + (after == null
                ? "still no bad trace found"
                : sameCause(before, after)
                    ? "probable cause unchanged: " + after.service() + " " + after.operation()
                    : "probable cause now: " + after.detail());
    return new Refreshed(g, text);
  }

  /** Evidence gathered again and what the timeline says of it. */
  record Refreshed(Incident.Gathering gathering, String text) {}

  static boolean sameCause(@Nullable Hypothesis before, @Nullable Hypothesis after) {
    return before != null
        && after != null
        && before.service().equals(after.service())
        && before.operation().equals(after.operation());
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
