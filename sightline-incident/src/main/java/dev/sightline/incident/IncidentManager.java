package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.ServiceVersion;
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
import dev.sightline.slo.evaluation.BurnRateRule;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an incident when an SLO alert fires (once per alert: the id derives from the alert's), with
 * its evidence and ranked causes; keeps its lifecycle (open → acknowledged → mitigated → resolved);
 * and verifies the fix: when a new {@code service.version} of an implicated service appears after
 * the incident opened, or when the incident is resolved, the SLI over the following {@link
 * Builder#verifyPeriod} is compared with the objective — {@code verified} when it meets it, {@code
 * regressed} (and the incident reopens) when not.
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
  private final Function<String, Optional<Slo>> slos;
  private final Clock clock;
  private final Duration windowBefore;
  private final Duration windowAfter;
  private final Duration baselineLength;
  private final Duration verifyPeriod;
  private final long minVerifyEvents;
  private final String tenant;

  private IncidentManager(Builder b) {
    this.store = requireNonNull(b.store, "store");
    this.storage = requireNonNull(b.storage, "storage");
    this.slos = requireNonNull(b.slos, "slos");
    this.clock = b.clock;
    this.windowBefore = b.windowBefore;
    this.windowAfter = b.windowAfter;
    this.baselineLength = b.baselineLength;
    this.verifyPeriod = b.verifyPeriod;
    this.minVerifyEvents = b.minVerifyEvents;
    this.tenant = b.tenant;
    this.investigator = Investigator.builder().storage(storage).tenant(tenant).build();
    this.ranker = CauseRanker.create();
    this.calculator =
        SliCalculator.builder()
            .reader(storage.spanMetricsReader())
            .metricReader(storage.metricReader())
            .tenant(tenant)
            .build();
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

  /** The incident opened for {@code alertId}, if any. */
  public Optional<Incident> forAlert(String alertId) {
    return store.get(incidentId(alertId));
  }

  @Override
  public void onTransition(AlertTransition t) {
    Alert a = t.alert();
    switch (t.kind()) {
      case FIRED -> {
        if (store.get(incidentId(a.id())).isEmpty() && t.slo() != null) open(a, t.slo());
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
                      "alert resolved"
                          + (a.resolvedReason() != null ? " (" + a.resolvedReason() + ")" : "")
                          + ": no burn-rate rule fires any more"));
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
    Instant burnStart = burnStart(slo, alert, since);
    TimeWindow window = new TimeWindow(burnStart.minus(windowBefore), since);
    TimeWindow baseline = new TimeWindow(window.start().minus(baselineLength), window.start());
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
                "waiting for a new version of an implicated service or the resolution"),
            List.of());
    store.save(incident);
    logger.info(
        "incident {} opened for {} in {} ms: {}",
        incident.id(),
        alert.slo(),
        millis,
        incident.rootCause() == null ? "no bad traces found" : incident.rootCause().detail());
    return incident;
  }

  /** How long after opening a new version of an implicated service is looked for. */
  private static final Duration WATCH_FOR_FIX = Duration.ofDays(7);

  /** The longest a burn is traced back from the alert. */
  private static final Duration MAX_BURN_LOOKBACK = Duration.ofHours(6);

  /** Minutes without burn that end the burn when walking back from the alert. */
  private static final int BURN_GAP_MINUTES = 5;

  /**
   * When the burn that made the alert fire started: walking back minute by minute from the alert,
   * the earliest minute of the run of minutes that spent error budget faster than allowed (error
   * ratio above 1 − target), tolerating gaps of a few minutes; at most the firing rule's long
   * window or 6 hours back. The alert instant when no minute burned (the window then covers the
   * {@link Builder#windowBefore} before it).
   */
  private Instant burnStart(Slo slo, Alert alert, Instant since) {
    Duration lookback = MAX_BURN_LOOKBACK;
    for (BurnRateRule r : BurnRateRule.forSlo(slo)) {
      if (r.name().equals(alert.rule()) && r.longWindow().compareTo(lookback) < 0) {
        lookback = r.longWindow();
      }
    }
    long minute = 60_000_000_000L;
    long end = Math.floorDiv(nanos(since), 10_000_000_000L) * 10_000_000_000L;
    long start = end - Math.max(minute, lookback.toNanos() / minute * minute);
    List<SliCalculator.SeriesPoint> series;
    try {
      series = calculator.series(slo, Duration.ofMinutes(1), start, end, Duration.ofMinutes(1));
    } catch (RuntimeException e) {
      return since;
    }
    double allowed = 1 - alert.objectiveTarget();
    Instant earliest = null;
    int quiet = 0;
    for (int k = series.size() - 1; k >= 0; k--) {
      SliCalculator.SeriesPoint p = series.get(k);
      boolean burning = p.total() > 0 && p.errorRatio() > allowed;
      if (burning) {
        // the point at t covers the minute before t
        earliest = Instant.ofEpochSecond(0, p.timeUnixNano() - minute);
        quiet = 0;
      } else if (++quiet > BURN_GAP_MINUTES) {
        // a burn that made the alert fire is recent; quiet minutes end the walk back
        break;
      }
    }
    return earliest == null ? since : earliest;
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
                  "checking the SLI for " + label(verifyPeriod) + " after the resolution"),
              IncidentStatus.RESOLVED,
              now,
              "verification",
              "verification started: the SLI is checked until " + now.plus(verifyPeriod));
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
      store.get(incidentId(alertId)).ifPresent(i -> store.save(f.apply(i)));
    }
  }

  private static String lower(IncidentStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  // ---- verification ----

  /**
   * Checks every incident whose verification is pending or regressed, as of {@code now}: starts a
   * verification at the first new version of an implicated service, and concludes those whose
   * period has passed.
   */
  public synchronized void verify(Instant now) {
    for (Incident i : store.all()) {
      Verification v = i.verification();
      if (v.status() == Verification.Status.VERIFIED) continue;
      // stop watching for a fix a week after the incident opened unless a check is under way
      if (v.from() == null && i.openedAt().isBefore(now.minus(WATCH_FOR_FIX))) continue;
      try {
        Incident next = verifyOne(i, now);
        if (next != i) store.save(next);
      } catch (RuntimeException e) {
        logger.warn("verification of incident {} failed", i.id(), e);
      }
    }
  }

  private Incident verifyOne(Incident i, Instant now) {
    Verification v = i.verification();
    if (v.status() == Verification.Status.VERIFIED) return i;
    // a new version of an implicated service starts a (new) verification round
    Instant after =
        v.status() == Verification.Status.REGRESSED && v.from() != null ? v.from() : i.openedAt();
    if (v.from() == null || v.status() == Verification.Status.REGRESSED) {
      VersionChange change = newVersion(i, after, now);
      if (change != null) {
        Instant from = Instant.ofEpochSecond(0, change.firstSeenUnixNano());
        return i.withVerification(
            new Verification(
                Verification.Status.PENDING,
                change.service() + " " + change.version() + " deployed",
                from,
                null,
                null,
                v.sliBaseline(),
                v.objective(),
                0,
                "checking the SLI for " + label(verifyPeriod) + " after the change"),
            i.status(),
            now,
            "change",
            change.service()
                + " "
                + change.version()
                + " first seen at "
                + from
                + "; verifying the SLI until "
                + from.plus(verifyPeriod));
      }
      if (v.from() == null) return i;
    }
    if (v.status() != Verification.Status.PENDING || v.from() == null) return i;
    Instant until = v.from().plus(verifyPeriod);
    if (now.isBefore(until)) return i;
    Optional<Slo> slo = slos.apply(i.slo());
    if (slo.isEmpty()) return i;
    SliResult r = calculator.count(slo.get(), nanos(v.from()), nanos(until));
    SliResult base =
        calculator.count(slo.get(), i.baseline().startUnixNano(), i.baseline().endUnixNano());
    if (!(r instanceof SliResult.Counts c)) return i;
    Double baseline =
        base instanceof SliResult.Counts b && b.total() > 0 ? b.good() / b.total() : null;
    if (c.total() < minVerifyEvents) {
      // said once, not at every evaluation
      if (now.isAfter(until.plus(verifyPeriod)) && v.checkedAt() == null) {
        return i.withVerification(
            new Verification(
                Verification.Status.PENDING,
                v.trigger(),
                v.from(),
                now,
                null,
                baseline,
                v.objective(),
                Math.round(c.total()),
                "not enough traffic to verify: "
                    + Math.round(c.total())
                    + " events after the change (at least "
                    + minVerifyEvents
                    + " needed)"),
            i.status(),
            now,
            "verification",
            "not enough traffic to verify yet");
      }
      return i;
    }
    double sli = c.good() / c.total();
    boolean held = sli >= v.objective();
    String numbers =
        String.format(
            Locale.ROOT,
            "SLI %.4f over %s after %s (%d events) vs objective %.4f%s",
            sli,
            label(verifyPeriod),
            v.trigger(),
            Math.round(c.total()),
            v.objective(),
            baseline == null ? "" : String.format(Locale.ROOT, ", baseline %.4f", baseline));
    Verification done =
        new Verification(
            held ? Verification.Status.VERIFIED : Verification.Status.REGRESSED,
            v.trigger(),
            v.from(),
            now,
            sli,
            baseline,
            v.objective(),
            Math.round(c.total()),
            numbers);
    if (held) {
      return i.withVerification(done, i.status(), now, "verified", "fix verified: " + numbers);
    }
    return i.withVerification(
        done,
        IncidentStatus.OPEN,
        now,
        "regressed",
        "fix did not hold, incident reopened: " + numbers);
  }

  private @Nullable VersionChange newVersion(Incident i, Instant after, Instant now) {
    Set<String> implicated = new LinkedHashSet<>();
    implicated.add(i.service());
    for (int k = 0; k < Math.min(3, i.hypotheses().size()); k++) {
      implicated.add(i.hypotheses().get(k).service());
    }
    List<ServiceVersion> versions;
    try {
      versions =
          storage
              .traceReader()
              .serviceVersions(tenant, i.baseline().startUnixNano(), nanos(now) + 1);
    } catch (UnsupportedOperationException e) {
      return null;
    }
    List<VersionChange> changes = Investigator.versionChanges(versions, implicated, nanos(after));
    return changes.isEmpty() ? null : changes.get(0);
  }

  private static String label(Duration d) {
    return dev.sightline.slo.alerting.Alert.windowLabel(d);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
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
