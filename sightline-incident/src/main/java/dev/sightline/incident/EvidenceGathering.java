package dev.sightline.incident;

import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens incidents and gathers their evidence, off the evaluation thread: a firing alert's incident
 * is saved at once ({@code investigation: running}) and investigated on the engine's executor, the
 * result put on its latest record; an incident still {@code running} after a restart (or whose task
 * was rejected) is investigated again. While the first gathering lacks logs of the bad traces or
 * enough bad traces ({@link #complete}), the evidence is gathered again as late telemetry arrives,
 * at most once per {@code lateInterval}, until it is complete or the window closes ({@code openedAt
 * + windowAfter}); then it is gathered once more over the window extended past the alert.
 */
final class EvidenceGathering {
  private static final Logger logger = LoggerFactory.getLogger(EvidenceGathering.class);

  /** Evidence with fewer bad traces than this is gathered again as telemetry arrives. */
  static final int MIN_BAD_TRACES = 5;

  private final IncidentRecords records;
  private final IncidentOpener opener;
  private final IncidentTasks tasks;
  private final Function<String, Optional<Slo>> slos;
  private final Clock clock;
  private final Duration lateInterval;
  private final ConcurrentHashMap<String, CompletableFuture<Incident>> investigations =
      new ConcurrentHashMap<>();

  EvidenceGathering(
      IncidentRecords records,
      IncidentOpener opener,
      IncidentTasks tasks,
      Function<String, Optional<Slo>> slos,
      Clock clock,
      Duration lateInterval) {
    this.records = records;
    this.opener = opener;
    this.tasks = tasks;
    this.slos = slos;
    this.clock = clock;
    this.lateInterval = lateInterval;
  }

  /** Whether evidence needs no more gathering: logs of the bad traces, and enough bad traces. */
  static boolean complete(Evidence e) {
    return e.badTraces().size() >= MIN_BAD_TRACES && logRecords(e) > 0;
  }

  /** What incomplete evidence lacks, for the timeline. */
  static String incompleteness(Evidence e) {
    return logRecords(e) == 0
        ? "no log records of the bad traces yet"
        : "only " + e.badTraces().size() + " bad traces";
  }

  /** The log records of the bad traces the evidence was mined from. */
  static long logRecords(Evidence e) {
    long n = 0;
    for (PatternChange p : e.logPatterns()) n += p.count();
    return n;
  }

  /**
   * The incident of a firing alert: joins the SLO's unresolved incident (timeline {@code
   * alert-joined}), or saves a new one and investigates it — on the executor when {@code async},
   * else now.
   */
  Incident open(Alert a, Slo slo, boolean async) {
    Incident opened =
        records.locked(
            "slo:" + a.slo(),
            () -> {
              Optional<Incident> existing = records.forAlert(a.id());
              if (existing.isPresent()) return existing.get();
              Optional<Incident> unresolved = records.unresolvedOf(a.slo());
              if (unresolved.isPresent()) {
                Incident joined =
                    records.update(
                        unresolved.get().id(),
                        i -> i.status() == IncidentStatus.RESOLVED ? i : join(i, a));
                if (joined.hasAlert(a.id())) {
                  logger.info("alert {} joined incident {}", a.id(), joined.id());
                  return joined;
                }
              }
              return records.create(opener.placeholder(a, slo));
            });
    if (!opened.investigating()) return opened;
    if (async) {
      investigateLater(opened.id(), slo);
      return opened;
    }
    return investigate(opened.id(), slo);
  }

  private static Incident join(Incident i, Alert a) {
    return i.withAlert(
        a.id(),
        a.since(),
        "alert-joined",
        String.format(
            Locale.ROOT,
            "alert %s%s fired (rule %s, burn rates %s) and joined this incident, which is not"
                + " resolved yet",
            a.slo(),
            a.objective() == null ? "" : " (" + a.objective() + ")",
            a.rule(),
            a.burnRates()));
  }

  /** Investigates again, on the executor, every incident left {@code running}. */
  void resumeRunning() {
    for (Incident i : records.all()) {
      if (i.investigating() && !tasks.busy(key(i.id()))) investigateLater(i.id(), null);
    }
  }

  /**
   * The incident {@code id} once its first investigation finished: at once when it is not running.
   */
  CompletableFuture<Optional<Incident>> investigated(String id) {
    Optional<Incident> now = records.get(id);
    if (now.isEmpty() || !now.get().investigating()) return CompletableFuture.completedFuture(now);
    CompletableFuture<Incident> f =
        investigations.computeIfAbsent(id, k -> new CompletableFuture<>());
    // finished in between: the future above may never be completed by it
    Optional<Incident> again = records.get(id);
    if (again.isPresent() && !again.get().investigating()) f.complete(again.get());
    return f.thenApply(Optional::of);
  }

  private void investigateLater(String id, @Nullable Slo slo) {
    tasks.submit(key(id), () -> investigate(id, slo));
  }

  private Incident investigate(String id, @Nullable Slo given) {
    Incident i = records.get(id).orElseThrow(() -> new UnknownIncidentException(id));
    if (!i.investigating()) return finished(i);
    Slo slo = given != null ? given : slos.apply(i.slo()).orElse(null);
    Incident done;
    if (slo == null) {
      Incident.Gathering none =
          new Incident.Gathering(
              clock.instant(), i.window(), i.baseline(), i.impact(), i.evidence(), List.of(), true);
      done =
          records.update(
              id,
              l ->
                  l.withInvestigation(none, "failed: SLO " + i.slo() + " not found", 0, List.of()));
    } else {
      List<Incident> previous = new ArrayList<>();
      for (Incident p : records.all()) {
        if (p.slo().equals(i.slo()) && p.openedAt().isBefore(i.openedAt())) previous.add(p);
      }
      IncidentOpener.Investigated r = opener.investigate(i, slo, previous);
      done = records.update(id, l -> l.investigating() ? r.applyTo(l) : l);
    }
    return finished(done);
  }

  private Incident finished(Incident i) {
    CompletableFuture<Incident> f = investigations.remove(i.id());
    if (f != null) f.complete(i);
    return i;
  }

  /**
   * After an evaluation at {@code now}: investigates what is left running, gathers incomplete
   * evidence again (at most once per {@code lateInterval}) while the window is open, and gathers
   * once more over the window extended past the alert once it closed. All on the executor.
   */
  void afterEvaluation(Instant now) {
    for (Incident i : records.all()) {
      String key = key(i.id());
      if (tasks.busy(key)) continue;
      if (i.investigating()) {
        investigateLater(i.id(), null);
        continue;
      }
      if (!i.window().end().equals(i.openedAt())) continue; // gathered over the longer window
      if (i.openedAt().isBefore(now.minus(FixVerification.WATCH_FOR_FIX))) continue;
      if (!now.isBefore(i.openedAt().plus(opener.windowAfter()))) {
        tasks.submit(key, () -> refresh(i.id(), now));
      } else if (!i.evidenceComplete()
          && (i.evidenceGatheredAt() == null
              || !now.isBefore(i.evidenceGatheredAt().plus(lateInterval)))) {
        tasks.submit(key, () -> gatherLate(i.id(), now));
      }
    }
  }

  /** Gathers the evidence again, once, over the window extended to windowAfter past the alert. */
  void refresh(String id, Instant now) {
    Incident i = records.get(id).orElse(null);
    if (i == null || i.investigating() || !i.window().end().equals(i.openedAt())) return;
    Slo slo = slos.apply(i.slo()).orElse(null);
    if (slo == null) return;
    try {
      IncidentOpener.Refreshed r = opener.refreshed(i, slo, now);
      records.update(
          id,
          l ->
              l.window().equals(i.window())
                  ? l.withEvidence(r.gathering(), "evidence-refreshed", r.text())
                  : l);
    } catch (RuntimeException e) {
      logger.warn("refreshing the evidence of incident {} failed", id, e);
    }
  }

  /** Gathers incomplete evidence again over the same window: late logs and traces. */
  void gatherLate(String id, Instant now) {
    Incident i = records.get(id).orElse(null);
    if (i == null || i.investigating() || i.evidenceComplete()) return;
    Slo slo = slos.apply(i.slo()).orElse(null);
    if (slo == null) return;
    Incident.Gathering g;
    try {
      g = opener.gather(i, slo, i.window(), now);
    } catch (RuntimeException e) {
      logger.warn("gathering the evidence of incident {} again failed", id, e);
      return;
    }
    records.update(
        id,
        l -> {
          if (l.investigating() || !l.window().equals(i.window())) return l;
          Incident next = l.withEvidence(g, "evidence-gathered", lateText(l, g));
          if (g.complete()) {
            next =
                next.withEvent(
                    now,
                    "evidence-complete",
                    "evidence complete: "
                        + logRecords(g.evidence())
                        + " log records of "
                        + g.evidence().badTraces().size()
                        + " bad traces");
          }
          return next;
        });
  }

  /** What the timeline says of evidence gathered again; null when nothing new arrived. */
  private static @Nullable String lateText(Incident before, Incident.Gathering g) {
    long logsBefore = logRecords(before.evidence());
    long logsAfter = logRecords(g.evidence());
    int tracesBefore = before.evidence().badTraces().size();
    int tracesAfter = g.evidence().badTraces().size();
    if (logsAfter <= logsBefore && tracesAfter <= tracesBefore) return null;
    StringBuilder text = new StringBuilder("evidence gathered again: ");
    if (logsAfter > logsBefore) {
      text.append(logsAfter - logsBefore)
          .append(" log records of the bad traces arrived late; ")
          .append(g.evidence().logPatterns().size())
          .append(" log patterns");
    }
    if (tracesAfter > tracesBefore) {
      if (logsAfter > logsBefore) text.append("; ");
      text.append(tracesAfter).append(" bad traces (").append(tracesBefore).append(" before)");
    }
    Hypothesis now = g.hypotheses().isEmpty() ? null : g.hypotheses().get(0);
    if (now != null && !IncidentOpener.sameCause(before.rootCause(), now)) {
      text.append("; probable cause now: ").append(now.detail());
    }
    return text.toString();
  }

  private static String key(String id) {
    return "incident:" + id;
  }
}
