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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The incident engine: an {@link AlertListener} of the SLO monitor that opens an incident when an
 * alert fires, gathers its evidence and ranked causes ({@link EvidenceGathering}), keeps its
 * lifecycle ({@link IncidentLifecycle}) and verifies the fix ({@link FixVerification}). It wires
 * them and owns their executor.
 *
 * <p>The evaluation thread only saves records: a {@code FIRED} transition saves the incident at
 * once ({@code investigation: running}) and the investigation runs on the engine's small executor;
 * after each evaluation, evidence gathering and verification are submitted there too. People's
 * changes (acknowledge, mitigate, resolve, action items) lock only their incident and never wait
 * for an investigation, whose result is put on the latest record. One alert opens one incident (its
 * id is derived from the alert id); while an SLO has an unresolved incident, its new alerts join
 * it. Thread-safe; {@link #close} stops the executor.
 */
public final class IncidentManager implements AlertListener, AutoCloseable {
  private final IncidentRecords records;
  private final IncidentTasks tasks;
  private final EvidenceGathering gathering;
  private final IncidentLifecycle lifecycle;
  private final FixVerification verification;
  private final IncidentRetention retention;
  private final Clock clock;

  private IncidentManager(Builder b) {
    this.records = new IncidentRecords(requireNonNull(b.store, "store"));
    StorageComponent storage = requireNonNull(b.storage, "storage");
    Function<String, Optional<Slo>> slos = requireNonNull(b.slos, "slos");
    this.clock = b.clock;
    SliCalculator calculator = SliCalculator.builder().storage(storage).tenant(b.tenant).build();
    IncidentOpener opener =
        new IncidentOpener(
            Investigator.builder().storage(storage).tenant(b.tenant).build(),
            calculator,
            clock,
            b.windowBefore,
            b.windowAfter,
            b.baselineLength);
    this.tasks = new IncidentTasks(b.threads, 256);
    this.gathering =
        new EvidenceGathering(records, opener, tasks, slos, clock, b.lateEvidenceInterval);
    this.verification =
        new FixVerification(
            records,
            new FixVerifier(
                storage.serviceVersionReader().orElse(null),
                calculator,
                slos,
                b.tenant,
                b.verifyPeriod,
                b.minVerifyEvents));
    this.lifecycle = new IncidentLifecycle(records, verification, clock);
    this.retention = new IncidentRetention(records, b.retention, b.maxIncidents);
    // restart safety: what was being investigated when the server stopped is investigated again
    gathering.resumeRunning();
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
    return records.store();
  }

  /** The incident {@code alertId} opened or joined, if any. */
  public Optional<Incident> forAlert(String alertId) {
    return records.forAlert(alertId);
  }

  /** The SLO's incident that is not resolved yet, the newest if there were several. */
  public Optional<Incident> unresolvedOf(String slo) {
    return records.unresolvedOf(slo);
  }

  /**
   * The incident of {@code alertId} once its first investigation has finished (at once when it is
   * not running; empty when the alert has no incident). Completes on the engine's executor.
   */
  public CompletableFuture<Optional<Incident>> investigated(String alertId) {
    Optional<Incident> i = records.forAlert(alertId);
    if (i.isEmpty()) return CompletableFuture.completedFuture(i);
    return gathering.investigated(i.get().id());
  }

  /** Saves records only: the investigation runs on the engine's executor. */
  @Override
  public void onTransition(AlertTransition t) {
    Alert a = t.alert();
    switch (t.kind()) {
      case FIRED -> {
        if (t.slo() != null && records.forAlert(a.id()).isEmpty()) gathering.open(a, t.slo(), true);
      }
      case ESCALATED -> records.forAlert(a.id()).ifPresent(i -> lifecycle.alertEscalated(i, a));
      case RESOLVED -> records.forAlert(a.id()).ifPresent(i -> lifecycle.alertResolved(i, a));
    }
  }

  /** Submits evidence gathering and the verify pass to the engine's executor; never blocks. */
  @Override
  public void afterEvaluation(List<Alert> firing) {
    Instant now = clock.instant();
    gathering.afterEvaluation(now);
    tasks.submit("verify", () -> verification.verifyAll(now));
    tasks.submit("retention", () -> retention.expireIfDue(now));
  }

  /** Applies incident retention as of {@code now} on the calling thread; returns how many went. */
  public int expire(Instant now) {
    return retention.expire(now);
  }

  /**
   * Opens the incident of a firing alert and investigates it on the calling thread; returns the
   * complete card (or the incident the alert joined). For tools and benchmarks.
   */
  public Incident open(Alert alert, Slo slo) {
    return gathering.open(alert, slo, false);
  }

  /** Verifies fixes as of {@code now} on the calling thread (see {@link FixVerification}). */
  public void verify(Instant now) {
    verification.verifyAll(now);
  }

  // ---- lifecycle ----

  /** Acknowledges an open incident. */
  public Incident acknowledge(String id, @Nullable String by) {
    return lifecycle.acknowledge(id, by);
  }

  /** Marks the impact as mitigated (an open or acknowledged incident). */
  public Incident mitigate(String id, @Nullable String note) {
    return lifecycle.mitigate(id, null, note);
  }

  /** Marks the impact as mitigated, saying by whom when given. */
  public Incident mitigate(String id, @Nullable String by, @Nullable String note) {
    return lifecycle.mitigate(id, by, note);
  }

  /** Resolves the incident; verification then checks the SLI from now on (unless already due). */
  public Incident resolve(String id, @Nullable String note) {
    return lifecycle.resolve(id, null, note);
  }

  /** Resolves the incident, saying by whom when given. */
  public Incident resolve(String id, @Nullable String by, @Nullable String note) {
    return lifecycle.resolve(id, by, note);
  }

  /**
   * Adds a post-mortem action item (at most 200 per incident, text at most 2,000 characters: {@link
   * IllegalArgumentException} beyond).
   */
  public Incident addActionItem(String id, String text, @Nullable String owner) {
    return lifecycle.addActionItem(id, text, owner);
  }

  /**
   * Marks action item {@code itemId} done (or not done again), by {@code by} when given.
   *
   * @throws UnknownIncidentException when there is no such incident or item
   */
  public Incident markActionItem(String id, String itemId, boolean done, @Nullable String by) {
    return lifecycle.markActionItem(id, itemId, done, by);
  }

  /**
   * Waits until the engine's executor has nothing queued or running, at most {@code timeout};
   * whether it got there. For tests and tools that step the clock.
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return tasks.awaitIdle(timeout);
  }

  /** Stops the executor, waiting a little for what is under way (see {@link IncidentTasks}). */
  @Override
  public void close() {
    tasks.close();
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
    private Duration lateEvidenceInterval = Duration.ofMinutes(1);
    private int threads = 2;
    private Duration retention = Duration.ofDays(90);
    private int maxIncidents = IncidentRetention.MAX_INCIDENTS;

    private Builder() {}

    /**
     * How long a resolved incident is kept after its last update; {@link Duration#ZERO} keeps them
     * all (still at most {@link #maxIncidents}). 90 days unless set.
     */
    public Builder retention(Duration retention) {
      requireNonNull(retention, "retention");
      if (retention.isNegative()) throw new IllegalArgumentException("retention must be >= 0");
      this.retention = retention;
      return this;
    }

    /** The most incidents kept; the oldest resolved ones go first beyond it. 10,000 unless set. */
    public Builder maxIncidents(int maxIncidents) {
      if (maxIncidents < 1) throw new IllegalArgumentException("maxIncidents must be >= 1");
      this.maxIncidents = maxIncidents;
      return this;
    }

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

    /**
     * How often, at most, incomplete evidence (no logs of the bad traces, or fewer than 5 bad
     * traces) is gathered again while the window after the alert is open; 1 minute unless set.
     */
    public Builder lateEvidenceInterval(Duration lateEvidenceInterval) {
      this.lateEvidenceInterval = positive(lateEvidenceInterval, "lateEvidenceInterval");
      return this;
    }

    /** Threads of the engine's executor (investigations, gathering, verification); 2 unless set. */
    public Builder threads(int threads) {
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
      this.threads = threads;
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
