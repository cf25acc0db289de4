package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.causes.CauseRanker;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.Scope;
import dev.sightline.incident.evidence.VersionChange;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.evaluation.SliResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an incident when an SLO alert fires, with its evidence and ranked causes; keeps its
 * lifecycle (open → acknowledged → mitigated → resolved); and verifies the fix ({@link
 * FixVerifier}): when the version of an implicated service changes after the incident opened — a
 * new version or a rollback — or when the incident is resolved, the SLI over the following {@link
 * Builder#verifyPeriod} is compared with the objective — {@code verified} when it meets it, {@code
 * regressed} (and the incident reopens) when not.
 *
 * <p>One fault, one incident: while an SLO has an incident that is not resolved, its alerts that
 * fire — the same objective again, an escalation, another objective — join that incident (the
 * timeline says so) instead of opening another. A new incident's window never reaches back past the
 * previous episode of its SLO, and its baseline is the healthy history that exists ({@link
 * IncidentWindows}).
 *
 * <p>As an {@link AlertListener} it investigates on the evaluation thread, before the notifiers
 * that follow it run, so that the first notification already carries the root cause; an
 * investigation reads a bounded number of traces (see {@link Investigator}). Thread-safe.
 */
public final class IncidentManager implements AlertListener {
  private static final Logger logger = LoggerFactory.getLogger(IncidentManager.class);

  private final IncidentStore store;
  private final StorageComponent storage;
  private final Investigator investigator;
  private final CauseRanker ranker;
  private final SliCalculator calculator;
  private final IncidentWindows windows;
  private final FixVerifier verifier;
  private final Function<String, Optional<Slo>> slos;
  private final Clock clock;
  private final Duration windowBefore;
  private final Duration windowAfter;
  private final Duration baselineLength;
  private final String tenant;

  private IncidentManager(Builder b) {
    this.store = requireNonNull(b.store, "store");
    this.storage = requireNonNull(b.storage, "storage");
    this.slos = requireNonNull(b.slos, "slos");
    this.clock = b.clock;
    this.windowBefore = b.windowBefore;
    this.windowAfter = b.windowAfter;
    this.baselineLength = b.baselineLength;
    this.tenant = b.tenant;
    this.investigator = Investigator.builder().storage(storage).tenant(tenant).build();
    this.ranker = CauseRanker.create();
    this.calculator =
        SliCalculator.builder()
            .reader(storage.spanMetricsReader())
            .metricReader(storage.metricReader())
            .tenant(tenant)
            .build();
    this.windows = new IncidentWindows(calculator);
    this.verifier =
        new FixVerifier(
            storage.traceReader(), calculator, slos, tenant, b.verifyPeriod, b.minVerifyEvents);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The incident id of an alert: stable, so a restart never opens a second incident for it. */
  public static String incidentId(String alertId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(alertId.getBytes(StandardCharsets.UTF_8));
      return "inc-" + HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public IncidentStore store() {
    return store;
  }

  /** The incident {@code alertId} opened or joined, if any. */
  public Optional<Incident> forAlert(String alertId) {
    Optional<Incident> opened = store.get(incidentId(alertId));
    if (opened.isPresent()) return opened;
    return store.all().stream().filter(i -> i.hasAlert(alertId)).findFirst();
  }

  /** The SLO's incident that is not resolved yet, the newest if there were several. */
  public Optional<Incident> unresolvedOf(String slo) {
    return store.all().stream()
        .filter(i -> i.slo().equals(slo) && i.status() != IncidentStatus.RESOLVED)
        .max(java.util.Comparator.comparing(Incident::openedAt));
  }

  @Override
  public void onTransition(AlertTransition t) {
    Alert a = t.alert();
    switch (t.kind()) {
      case FIRED -> {
        if (forAlert(a.id()).isPresent() || t.slo() == null) return;
        synchronized (this) {
          Optional<Incident> open = unresolvedOf(a.slo());
          if (open.isPresent()) {
            store.save(
                open.get()
                    .withAlert(
                        a.id(),
                        a.since(),
                        "alert-joined",
                        String.format(
                            Locale.ROOT,
                            "alert %s%s fired (rule %s, burn rates %s) and joined this incident,"
                                + " which is not resolved yet",
                            a.slo(),
                            a.objective() == null ? "" : " (" + a.objective() + ")",
                            a.rule(),
                            a.burnRates())));
            logger.info("alert {} joined incident {}", a.id(), open.get().id());
            return;
          }
          open(a, t.slo());
        }
      }
      case ESCALATED ->
          update(
              a.id(),
              i ->
                  i.withEvent(
                      a.updatedAt(),
                      "alert-escalated",
                      "alert escalated to rule " + a.rule() + " (" + a.ruleSeverity() + ")"));
      case RESOLVED ->
          update(
              a.id(),
              i ->
                  i.withEvent(
                      a.updatedAt(),
                      "alert-resolved",
                      "alert "
                          + a.id()
                          + " resolved"
                          + (a.resolvedReason() != null
                              ? " (" + a.resolvedReason() + ")"
                              : ": no burn-rate rule has fired for the short window of rule "
                                  + a.rule())));
    }
  }

  @Override
  public void afterEvaluation(List<Alert> firing) {
    Instant now = clock.instant();
    refreshEvidence(now);
    verify(now);
  }

  /**
   * Gathers the evidence again, once, for incidents opened at least {@link Builder#windowAfter}
   * ago: the window then also covers the minutes after the alert (the seed's "±10 minutes around
   * the alert"), which the card opened at the alert could not see. The root cause may change; the
   * timeline says so.
   */
  public synchronized void refreshEvidence(Instant now) {
    for (Incident i : store.all()) {
      if (!i.window().end().equals(i.openedAt())) continue; // refreshed already
      if (now.isBefore(i.openedAt().plus(windowAfter))) continue;
      if (i.openedAt().isBefore(now.minus(WATCH_FOR_FIX))) continue;
      Optional<Slo> slo = slos.apply(i.slo());
      if (slo.isEmpty()) continue;
      try {
        TimeWindow window = new TimeWindow(i.window().start(), i.openedAt().plus(windowAfter));
        Investigator.Result r = investigator.investigate(Scope.of(slo.get()), window, i.baseline());
        List<Hypothesis> hypotheses = ranker.rank(r.evidence(), r.traces());
        Impact impact = impact(slo.get(), i.objectiveTarget(), window, i.baseline(), i.openedAt());
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
        store.save(i.withEvidence(window, r.evidence(), hypotheses, impact, now, text));
      } catch (RuntimeException e) {
        logger.warn("refreshing the evidence of incident {} failed", i.id(), e);
      }
    }
  }

  /** Opens the incident of a firing alert now; returns it (complete card). */
  public synchronized Incident open(Alert alert, Slo slo) {
    Optional<Incident> existing = store.get(incidentId(alert.id()));
    if (existing.isPresent()) return existing.get();
    long started = System.nanoTime();
    Instant since = alert.since();
    List<Incident> previous = new ArrayList<>();
    for (Incident i : store.all()) {
      if (i.slo().equals(slo.metadata().name()) && i.openedAt().isBefore(since)) previous.add(i);
    }
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
            incidentId(alert.id()),
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
    store.save(incident);
    logger.info(
        "incident {} opened for {} in {} ms: {}",
        incident.id(),
        alert.slo(),
        millis,
        incident.rootCause() == null ? "no bad traces found" : incident.rootCause().detail());
    return incident;
  }

  /** How long after opening a change of an implicated service is looked for. */
  private static final Duration WATCH_FOR_FIX = Duration.ofDays(7);

  /** The SLO's oldest stored event, or null when it has none (or it cannot be read). */
  private @Nullable Instant dataStart(Slo slo) {
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

  // ---- lifecycle ----

  /** Acknowledges an open incident. */
  public synchronized Incident acknowledge(String id, @Nullable String by) {
    Incident i = require(id);
    if (i.status() != IncidentStatus.OPEN) {
      throw new IllegalTransitionException(id + " is " + lower(i.status()) + ", not open");
    }
    return save(
        i.withStatus(
            IncidentStatus.ACKNOWLEDGED,
            clock.instant(),
            "acknowledged",
            "acknowledged" + (by != null ? " by " + by : "")));
  }

  /** Marks the impact as mitigated (an open or acknowledged incident). */
  public synchronized Incident mitigate(String id, @Nullable String note) {
    Incident i = require(id);
    if (i.status() == IncidentStatus.MITIGATED || i.status() == IncidentStatus.RESOLVED) {
      throw new IllegalTransitionException(id + " is already " + lower(i.status()));
    }
    return save(
        i.withStatus(
            IncidentStatus.MITIGATED,
            clock.instant(),
            "mitigated",
            "mitigated" + (note != null ? ": " + note : "")));
  }

  /** Resolves the incident; verification then checks the SLI from now on (unless already due). */
  public synchronized Incident resolve(String id, @Nullable String note) {
    Incident i = require(id);
    if (i.status() == IncidentStatus.RESOLVED) {
      throw new IllegalTransitionException(id + " is already resolved");
    }
    Instant now = clock.instant();
    Incident resolved =
        i.withStatus(
            IncidentStatus.RESOLVED,
            now,
            "resolved",
            "resolved" + (note != null ? ": " + note : ""));
    Verification v = resolved.verification();
    if (v.status() == Verification.Status.REGRESSED
        || (v.status() == Verification.Status.PENDING && v.from() == null)) {
      resolved =
          resolved.withVerification(
              new Verification(
                  Verification.Status.PENDING,
                  "resolved",
                  now,
                  null,
                  null,
                  v.sliBaseline(),
                  v.objective(),
                  0,
                  "checking the SLI for "
                      + label(verifier.verifyPeriod())
                      + " after the resolution"),
              IncidentStatus.RESOLVED,
              now,
              "verification",
              "verification started: the SLI is checked until "
                  + now.plus(verifier.verifyPeriod()));
    }
    return save(resolved);
  }

  /** Adds a post-mortem action item. */
  public synchronized Incident addActionItem(String id, String text, @Nullable String owner) {
    if (text.isBlank()) throw new IllegalArgumentException("text must not be blank");
    Incident i = require(id);
    Instant now = clock.instant();
    return save(
        i.withActionItem(
            new ActionItem(UUID.randomUUID().toString().substring(0, 8), text.strip(), owner, now),
            now));
  }

  private Incident require(String id) {
    return store.get(id).orElseThrow(() -> new UnknownIncidentException(id));
  }

  private Incident save(Incident i) {
    store.save(i);
    return i;
  }

  private void update(String alertId, java.util.function.UnaryOperator<Incident> f) {
    synchronized (this) {
      forAlert(alertId).ifPresent(i -> store.save(f.apply(i)));
    }
  }

  private static String lower(IncidentStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  // ---- verification ----

  /**
   * Checks every incident whose verification is pending or regressed, as of {@code now}: starts a
   * verification at the first version change of an implicated service, and concludes those whose
   * period has passed.
   */
  public synchronized void verify(Instant now) {
    for (Incident i : store.all()) {
      Verification v = i.verification();
      if (v.status() == Verification.Status.VERIFIED) continue;
      // stop watching for a fix a week after the incident opened unless a check is under way
      if (v.from() == null && i.openedAt().isBefore(now.minus(WATCH_FOR_FIX))) continue;
      try {
        Incident next = verifier.verify(i, now);
        if (next != i) store.save(next);
      } catch (RuntimeException e) {
        logger.warn("verification of incident {} failed", i.id(), e);
      }
    }
  }

  private static String label(Duration d) {
    return FixVerifier.label(d);
  }

  /** Builds an {@link IncidentManager}. */
  public static final class Builder {
    private @Nullable IncidentStore store;
    private @Nullable StorageComponent storage;
    private @Nullable Function<String, Optional<Slo>> slos;
    private Clock clock = Clock.systemUTC();
    private Duration windowBefore = Duration.ofMinutes(10);
    private Duration windowAfter = Duration.ofMinutes(10);
    private Duration baselineLength = Duration.ofHours(1);
    private Duration verifyPeriod = Duration.ofMinutes(15);
    private long minVerifyEvents = 10;
    private String tenant = dev.sightline.core.model.Tenants.DEFAULT;

    private Builder() {}

    public Builder store(IncidentStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    public Builder storage(StorageComponent storage) {
      this.storage = requireNonNull(storage, "storage");
      return this;
    }

    /** Looks SLOs up by name (for verification). */
    public Builder slos(Function<String, Optional<Slo>> slos) {
      this.slos = requireNonNull(slos, "slos");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How far before the start of the burn (found minute by minute, walking back from the alert)
     * the incident window starts; 10 minutes unless set.
     */
    public Builder windowBefore(Duration windowBefore) {
      this.windowBefore = positive(windowBefore, "windowBefore");
      return this;
    }

    /**
     * How long after the alert the evidence is gathered again, once, to cover the minutes after it;
     * 10 minutes unless set.
     */
    public Builder windowAfter(Duration windowAfter) {
      this.windowAfter = positive(windowAfter, "windowAfter");
      return this;
    }

    /** Length of the healthy baseline before the window; 1 hour unless set. */
    public Builder baselineLength(Duration baselineLength) {
      this.baselineLength = positive(baselineLength, "baselineLength");
      return this;
    }

    /** How long the SLI must meet the objective after a change for the fix to count; 15 min. */
    public Builder verifyPeriod(Duration verifyPeriod) {
      this.verifyPeriod = positive(verifyPeriod, "verifyPeriod");
      return this;
    }

    /** The fewest events the verification period must hold; 10 unless set. */
    public Builder minVerifyEvents(long minVerifyEvents) {
      if (minVerifyEvents < 1) throw new IllegalArgumentException("minVerifyEvents must be >= 1");
      this.minVerifyEvents = minVerifyEvents;
      return this;
    }

    public Builder tenant(String tenant) {
      this.tenant = requireNonNull(tenant, "tenant");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be > 0");
      return d;
    }

    public IncidentManager build() {
      return new IncidentManager(this);
    }
  }
}
