package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.evaluation.SliCalculator;
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
  private final IncidentOpener opener;
  private final FixVerifier verifier;
  private final Function<String, Optional<Slo>> slos;
  private final Clock clock;

  private IncidentManager(Builder b) {
    this.store = requireNonNull(b.store, "store");
    StorageComponent storage = requireNonNull(b.storage, "storage");
    this.slos = requireNonNull(b.slos, "slos");
    this.clock = b.clock;
    SliCalculator calculator =
        SliCalculator.builder()
            .reader(storage.spanMetricsReader())
            .metricReader(storage.metricReader())
            .tenant(b.tenant)
            .build();
    this.opener =
        new IncidentOpener(
            Investigator.builder().storage(storage).tenant(b.tenant).build(),
            calculator,
            clock,
            b.windowBefore,
            b.windowAfter,
            b.baselineLength);
    this.verifier =
        new FixVerifier(
            storage.traceReader(), calculator, slos, b.tenant, b.verifyPeriod, b.minVerifyEvents);
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
      if (now.isBefore(i.openedAt().plus(opener.windowAfter()))) continue;
      if (i.openedAt().isBefore(now.minus(WATCH_FOR_FIX))) continue;
      Optional<Slo> slo = slos.apply(i.slo());
      if (slo.isEmpty()) continue;
      try {
        store.save(opener.refreshed(i, slo.get(), now));
      } catch (RuntimeException e) {
        logger.warn("refreshing the evidence of incident {} failed", i.id(), e);
      }
    }
  }

  /** Opens the incident of a firing alert now; returns it (complete card). */
  public synchronized Incident open(Alert alert, Slo slo) {
    Optional<Incident> existing = store.get(incidentId(alert.id()));
    if (existing.isPresent()) return existing.get();
    List<Incident> previous = new ArrayList<>();
    for (Incident i : store.all()) {
      if (i.slo().equals(slo.metadata().name()) && i.openedAt().isBefore(alert.since())) {
        previous.add(i);
      }
    }
    Incident incident = opener.open(alert, slo, previous);
    store.save(incident);
    return incident;
  }

  /** How long after opening a change of an implicated service is looked for. */
  private static final Duration WATCH_FOR_FIX = Duration.ofDays(7);

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
