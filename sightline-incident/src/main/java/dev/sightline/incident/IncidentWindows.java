package dev.sightline.incident;

import dev.sightline.slo.AlertCondition;
import dev.sightline.slo.Slo;
import dev.sightline.slo.evaluation.BurnRateRule;
import dev.sightline.slo.evaluation.SliCalculator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where an incident's evidence comes from: the <b>window</b> (from a little before the burn started
 * to the alert) and the healthy <b>baseline</b> it is compared with.
 *
 * <p>Consecutive faults stay apart: a window never reaches back past the end of the SLO's previous
 * episode — the resolution of its previous incident, or the last resolution of an alert of it — so
 * a new incident's bad traces and burn start come from what is failing now. The baseline is the
 * healthy history that does exist: it ends where the window starts, never starts before the SLO's
 * first stored event, and skips the previous episodes of the SLO; it may be shorter than asked, or
 * empty (zero length) when there is no healthy history at all.
 */
final class IncidentWindows {
  /** The longest a burn is traced back from the alert. */
  static final Duration MAX_BURN_LOOKBACK = Duration.ofHours(6);

  /** Minutes without burn that end the burn when walking back from the alert. */
  static final int BURN_GAP_MINUTES = 5;

  /** A healthy stretch shorter than this is not worth comparing with: look further back. */
  static final Duration MIN_BASELINE = Duration.ofMinutes(5);

  /** At most this many previous episodes are skipped looking for a baseline. */
  private static final int MAX_SKIPS = 3;

  private static final long MINUTE = 60_000_000_000L;

  private final SliCalculator calculator;

  IncidentWindows(SliCalculator calculator) {
    this.calculator = calculator;
  }

  /**
   * The end of the SLO's previous episode as recorded in {@code previous} (its earlier incidents):
   * the latest resolution of an incident or of one of its alerts; null when there is none.
   */
  static @Nullable Instant previousEpisodeEnd(List<Incident> previous) {
    Instant end = null;
    for (Incident p : previous) {
      for (TimelineEntry e : p.timeline()) {
        if ((e.kind().equals("resolved") || e.kind().equals("alert-resolved"))
            && (end == null || e.at().isAfter(end))) {
          end = e.at();
        }
      }
    }
    return end;
  }

  /**
   * The spans of time the SLO was unhealthy in {@code previous} incidents: from each window's start
   * to its last resolution (or {@code now} when there is none yet).
   */
  static List<TimeWindow> episodes(List<Incident> previous, Instant now) {
    List<TimeWindow> out = new ArrayList<>();
    for (Incident p : previous) {
      Instant end = previousEpisodeEnd(List.of(p));
      if (end == null || end.isBefore(p.window().end())) end = now;
      if (end.isBefore(p.window().start())) continue;
      out.add(new TimeWindow(p.window().start(), end));
    }
    out.sort(Comparator.comparing(TimeWindow::start));
    return out;
  }

  /**
   * When the burn that made the alert fire started: walking back minute by minute from the alert,
   * the earliest minute of the run of minutes that burned error budget at least as fast as the
   * firing rule's threshold (the rate it pages on; at least the allowed rate), tolerating gaps of a
   * few minutes; at most the firing rule's long window or 6 hours back, and never before {@code
   * floor}. The alert instant when no minute burned. (Counting every minute over the allowed error
   * ratio made one stray error in a quiet minute look like the start of a burn.)
   */
  Instant burnStart(Slo slo, String rule, double target, Instant since, @Nullable Instant floor) {
    Duration lookback = MAX_BURN_LOOKBACK;
    double threshold = 1;
    for (BurnRateRule r : BurnRateRule.forSlo(slo)) {
      if (r.name().equals(rule)) {
        if (r.longWindow().compareTo(lookback) < 0) lookback = r.longWindow();
        if (r.op() == AlertCondition.Op.GTE || r.op() == AlertCondition.Op.GT) {
          threshold = Math.max(1, r.threshold());
        }
      }
    }
    long end = Math.floorDiv(nanos(since), 10_000_000_000L) * 10_000_000_000L;
    long start = end - Math.max(MINUTE, lookback.toNanos() / MINUTE * MINUTE);
    if (floor != null && nanos(floor) > start) {
      // whole minutes after the floor, so no point covers time before it
      long f = nanos(floor);
      start = end - Math.max(0, (end - f) / MINUTE) * MINUTE;
      if (start >= end) return since;
    }
    List<SliCalculator.SeriesPoint> series;
    try {
      series = calculator.series(slo, Duration.ofMinutes(1), start, end, Duration.ofMinutes(1));
    } catch (RuntimeException e) {
      return since;
    }
    double allowed = 1 - target;
    Instant earliest = null;
    int quiet = 0;
    for (int k = series.size() - 1; k >= 0; k--) {
      SliCalculator.SeriesPoint p = series.get(k);
      if (floor != null && p.timeUnixNano() - MINUTE < nanos(floor)) break;
      boolean burning = p.total() > 0 && p.errorRatio() >= allowed * threshold;
      if (burning) {
        // the point at t covers the minute before t
        earliest = Instant.ofEpochSecond(0, p.timeUnixNano() - MINUTE);
        quiet = 0;
      } else if (++quiet > BURN_GAP_MINUTES) {
        // a burn that made the alert fire is recent; quiet minutes end the walk back
        break;
      }
    }
    return earliest == null ? since : earliest;
  }

  /**
   * The incident window: from {@code before} ahead of the burn start to the alert, but not before
   * the floor, and leaving at least half of the history before the burn (from {@code dataStart},
   * the SLO's oldest event) to the baseline: with 6 minutes of data before a burn the window takes
   * 3 of them, not all 6.
   */
  static TimeWindow window(
      Instant burnStart,
      Duration before,
      Instant since,
      @Nullable Instant floor,
      @Nullable Instant dataStart) {
    Instant start = burnStart.minus(before);
    if (dataStart != null && dataStart.isBefore(burnStart)) {
      Instant half = dataStart.plus(Duration.between(dataStart, burnStart).dividedBy(2));
      if (start.isBefore(half)) start = half;
    }
    if (floor != null && start.isBefore(floor)) start = floor;
    if (start.isAfter(since)) start = since;
    return new TimeWindow(start, since);
  }

  /**
   * The healthy baseline before {@code windowStart}: up to {@code length} long, ending at the
   * window start or, when that stretch is shorter than {@link #MIN_BASELINE} because of an earlier
   * episode, at that episode's start; never before {@code dataStart} (the SLO's oldest stored
   * event; null when none) nor overlapping an episode. Zero length at {@code windowStart} when no
   * healthy history exists.
   */
  static TimeWindow baseline(
      Instant windowStart,
      Duration length,
      @Nullable Instant dataStart,
      List<TimeWindow> episodes) {
    if (dataStart == null || !dataStart.isBefore(windowStart)) {
      return new TimeWindow(windowStart, windowStart);
    }
    Instant end = windowStart;
    TimeWindow best = null;
    for (int skips = 0; skips <= MAX_SKIPS; skips++) {
      Instant start = end.minus(length);
      if (start.isBefore(dataStart)) start = dataStart;
      TimeWindow blocking = null;
      for (TimeWindow e : episodes) {
        // the latest episode overlapping [start, end)
        if (e.start().isBefore(end) && e.end().isAfter(start)) {
          if (blocking == null || e.end().isAfter(blocking.end())) blocking = e;
        }
      }
      if (blocking != null && blocking.end().isAfter(start)) {
        start = blocking.end().isBefore(end) ? blocking.end() : end;
      }
      TimeWindow candidate = new TimeWindow(start, end);
      if (best == null || candidate.length().compareTo(best.length()) > 0) best = candidate;
      if (candidate.length().compareTo(MIN_BASELINE) >= 0
          || candidate.length().compareTo(length) >= 0
          || blocking == null) {
        break;
      }
      end = blocking.start();
      if (!dataStart.isBefore(end)) break;
    }
    return best.length().isZero() ? new TimeWindow(windowStart, windowStart) : best;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** What the card says of its baseline: how long it is, and why when shorter than configured. */
  static String baselineNote(
      TimeWindow baseline, Duration baselineLength, @Nullable Instant floor) {
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
}
