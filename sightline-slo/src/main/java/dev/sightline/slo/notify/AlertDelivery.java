package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.AlertNotificationTarget;
import dev.sightline.slo.AlertPolicy;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.AlertTransition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Delivers alert transitions to notification targets: the server-wide targets ({@code --notify})
 * for every SLO, plus the {@code AlertNotificationTarget}s of an SLO's alert policies for that SLO.
 * Each distinct target has one {@link NotificationDispatcher} (its own bounded queue, delivered on
 * the shared {@link DeliveryPool}: no thread per target or tenant), so a slow target never delays
 * the evaluation; a dispatcher whose target no SLO uses any more is released. After each evaluation
 * the firing alerts are handed to {@link NotificationDispatcher#refresh} (Alertmanager needs them
 * re-sent).
 *
 * <p>An {@link Enricher} may add annotations and a link to each notification (the incident card).
 * The first notification of a {@code FIRED} alert waits until the enricher is {@link Enricher#ready
 * ready} for it (its incident investigated), at most {@link #readyWait} (20 s unless set) — on a
 * thread of its own, never on the evaluation thread. When the wait runs out, the first notification
 * goes out as it is (the incident card says the investigation is under way) and an <b>update</b>
 * follows when the enricher becomes ready: the same alert, firing, with annotation {@code
 * notification: update} — unless the alert resolved meanwhile. Later notifications of an alert
 * whose first one is waiting are queued behind it, so they keep their order.
 */
public final class AlertDelivery implements AlertListener, AutoCloseable {
  /** Adds to a notification: extra annotations and a link; called on the evaluation thread. */
  public interface Enricher {
    /** Extra annotations for {@code alert} (incident id, root cause, …); empty for none. */
    Map<String, String> annotations(Alert alert);

    /** The link to put in the notification, or null for the default. */
    default @Nullable URI link(Alert alert) {
      return null;
    }

    /**
     * Completes when the annotations of a {@code FIRED} alert's first notification are ready (its
     * incident's investigation finished); called on the evaluation thread, must not block. Ready at
     * once unless overridden.
     */
    default CompletionStage<?> ready(Alert alert) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** The default {@link #readyWait}. */
  public static final Duration DEFAULT_READY_WAIT = Duration.ofSeconds(20);

  private final List<NotificationTarget> global;
  private final @Nullable URI externalUrl;
  private final Function<NotificationTarget, NotificationDispatcher> dispatcherFactory;
  private final DeliveryPool pool;
  private final boolean ownPool;
  private final Map<NotificationTarget, NotificationDispatcher> dispatchers =
      new ConcurrentHashMap<>();
  private final Map<String, Set<NotificationTarget>> targetsOfSlo = new ConcurrentHashMap<>();
  private volatile @Nullable Enricher enricher;
  private volatile Function<String, java.util.Optional<Slo>> slos =
      name -> java.util.Optional.empty();
  private volatile Duration readyWait = DEFAULT_READY_WAIT;
  private volatile @Nullable String tenant;
  private final Map<String, FirstNotification> waiting = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private AlertDelivery(
      List<NotificationTarget> global,
      @Nullable URI externalUrl,
      @Nullable Function<NotificationTarget, NotificationDispatcher> dispatcherFactory,
      @Nullable DeliveryPool pool) {
    this.global = List.copyOf(global);
    this.externalUrl = externalUrl;
    this.ownPool = pool == null;
    this.pool = pool != null ? pool : DeliveryPool.ofThreads(DeliveryPool.DEFAULT_THREADS);
    DeliveryPool p = this.pool;
    this.dispatcherFactory =
        dispatcherFactory != null
            ? dispatcherFactory
            : t -> NotificationDispatcher.builder().target(t).pool(p).build();
  }

  /**
   * Delivery to {@code global} targets (plus per-SLO ones), linking to {@code externalUrl} (the
   * Sightline API's base URL) unless an enricher gives a link; on a pool of its own ({@link
   * DeliveryPool#DEFAULT_THREADS} threads), stopped by {@link #close}.
   */
  public static AlertDelivery create(List<NotificationTarget> global, @Nullable URI externalUrl) {
    return new AlertDelivery(global, externalUrl, null, null);
  }

  /**
   * Same, delivering on {@code pool}, which the caller shares (every tenant of a server) and closes
   * after this.
   */
  public static AlertDelivery create(
      List<NotificationTarget> global, @Nullable URI externalUrl, DeliveryPool pool) {
    return new AlertDelivery(global, externalUrl, null, requireNonNull(pool, "pool"));
  }

  /** Same with a custom dispatcher per target (tests, tuning). */
  public static AlertDelivery create(
      List<NotificationTarget> global,
      @Nullable URI externalUrl,
      Function<NotificationTarget, NotificationDispatcher> dispatcherFactory) {
    return new AlertDelivery(
        global, externalUrl, requireNonNull(dispatcherFactory, "dispatcherFactory"), null);
  }

  /** The base URL links point to; null when none is configured. */
  public @Nullable URI externalUrl() {
    return externalUrl;
  }

  /**
   * Looks SLOs up by name, so that the targets of an SLO's alert policies are known for alerts
   * restored after a restart (before any transition of theirs).
   */
  public void slos(Function<String, java.util.Optional<Slo>> slos) {
    this.slos = slos;
  }

  /**
   * The tenant whose alerts this delivers: every notification carries it as label {@code tenant},
   * so that targets shared by tenants (an Alertmanager) tell their alerts apart and can route them.
   * Null (the default) for no label.
   */
  public void tenant(@Nullable String tenant) {
    this.tenant = tenant;
  }

  public void enricher(@Nullable Enricher enricher) {
    this.enricher = enricher;
  }

  /**
   * How long the first notification of a firing alert waits for the enricher to be ready (see the
   * class comment); zero sends it at once. 20 s unless set.
   */
  public void readyWait(Duration readyWait) {
    requireNonNull(readyWait, "readyWait");
    if (readyWait.isNegative()) throw new IllegalArgumentException("readyWait must be >= 0");
    this.readyWait = readyWait;
  }

  @Override
  public void onTransition(AlertTransition t) {
    Set<NotificationTarget> targets = targets(t.alert().slo(), t.slo());
    if (targets.isEmpty()) return;
    Alert a = t.alert();
    FirstNotification first = waiting.get(a.id());
    if (first != null && first.later(a, () -> send(targets, notification(a)))) return;
    if (t.kind() == AlertTransition.Kind.FIRED && waitFirst(a, targets)) return;
    send(targets, notification(a));
  }

  private void send(Set<NotificationTarget> targets, AlertNotification n) {
    for (NotificationTarget target : targets) dispatcher(target).dispatch(n);
  }

  /** Whether the first notification of {@code a} waits for the enricher (sent later). */
  private boolean waitFirst(Alert a, Set<NotificationTarget> targets) {
    Enricher e = enricher;
    if (e == null || readyWait.isZero()) return false;
    CompletableFuture<?> ready;
    try {
      ready = e.ready(a).toCompletableFuture();
    } catch (RuntimeException failed) {
      return false;
    }
    if (ready.isDone()) return false;
    if (closed) return false;
    FirstNotification first = new FirstNotification(a, targets);
    waiting.put(a.id(), first);
    try {
      // on the shared pool (no thread of its own per tenant)
      ScheduledFuture<?> timeout = pool.schedule(first::timedOut, readyWait.toNanos());
      ready.whenCompleteAsync(
          (v, err) -> {
            timeout.cancel(false);
            first.ready();
          },
          pool.workers());
    } catch (RejectedExecutionException closing) {
      // closing meanwhile: close() sends what waits, or it goes out now
      if (waiting.remove(a.id(), first)) return false;
    }
    return true;
  }

  /** The first notification of a firing alert, waiting for the enricher. */
  private final class FirstNotification {
    private final Alert fired;
    private Alert latest; // guarded by this: an escalation updates it
    private final Set<NotificationTarget> targets;
    private final List<Runnable> queued = new ArrayList<>(); // guarded by this
    private boolean sent; // guarded by this
    private boolean resolved; // guarded by this

    FirstNotification(Alert fired, Set<NotificationTarget> targets) {
      this.fired = fired;
      this.latest = fired;
      this.targets = targets;
    }

    /** A later transition of the alert: queued while the first is waiting; whether it was. */
    synchronized boolean later(Alert a, Runnable sendIt) {
      latest = a;
      if (a.state() != AlertState.FIRING) resolved = true;
      if (sent) return false;
      queued.add(sendIt);
      return true;
    }

    synchronized boolean sent() {
      return sent;
    }

    /** The wait ran out: the first notification goes as it is, the update follows. */
    synchronized void timedOut() {
      if (!sent && !closed) sendFirst();
    }

    /** The enricher is ready: the first notification, or else the update. */
    synchronized void ready() {
      waiting.remove(fired.id(), this);
      if (closed) return; // close() sent what waited
      if (!sent) {
        sendFirst();
      } else if (!resolved) {
        send(targets, notification(latest, Map.of("notification", "update"), " (update)"));
      }
    }

    /** On close: what waits goes out now. */
    synchronized void flush() {
      if (!sent) sendFirst();
    }

    private void sendFirst() {
      sent = true;
      send(targets, notification(fired));
      for (Runnable r : queued) r.run();
      queued.clear();
    }
  }

  @Override
  public void afterEvaluation(List<Alert> firing) {
    refreshTargetsOfSlos();
    Map<NotificationTarget, List<AlertNotification>> byTarget = new LinkedHashMap<>();
    for (NotificationTarget t : global) byTarget.put(t, new ArrayList<>());
    for (Alert a : firing) {
      FirstNotification first = waiting.get(a.id());
      if (first != null && !first.sent()) continue; // not announced yet: no re-send before it
      AlertNotification n = notification(a);
      for (NotificationTarget t : targets(a.slo(), null)) {
        byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(n);
      }
    }
    byTarget.forEach((t, list) -> dispatcher(t).refresh(list));
    releaseUnused();
  }

  /** Looks the targets of known SLOs up again (a spec may have changed them, or be gone). */
  private void refreshTargetsOfSlos() {
    for (String name : List.copyOf(targetsOfSlo.keySet())) {
      java.util.Optional<Slo> slo = slos.apply(name);
      if (slo.isEmpty()) targetsOfSlo.remove(name);
      else targets(name, slo.get());
    }
  }

  /**
   * Releases the dispatcher (its queue) of every target no SLO in force uses any more, so that
   * removing or editing SLOs never accumulates queues. Releasing never blocks the evaluation
   * thread: what is queued (the resolution of a removed SLO's alert, say) gets the dispatcher's
   * drain timeout on the pool, then the rest is dropped, counted, as at shutdown.
   */
  private void releaseUnused() {
    Set<NotificationTarget> inUse = new LinkedHashSet<>(global);
    targetsOfSlo.values().forEach(inUse::addAll);
    for (NotificationTarget t : List.copyOf(dispatchers.keySet())) {
      if (inUse.contains(t)) continue;
      NotificationDispatcher d = dispatchers.get(t);
      if (d != null && dispatchers.remove(t, d)) {
        d.release();
      }
    }
  }

  private Set<NotificationTarget> targets(String sloName, @Nullable Slo given) {
    Slo slo = given;
    if (slo == null && !targetsOfSlo.containsKey(sloName)) slo = slos.apply(sloName).orElse(null);
    if (slo != null) {
      Set<NotificationTarget> own = new LinkedHashSet<>();
      for (AlertPolicy p : slo.alertPolicies()) {
        for (AlertNotificationTarget t : p.notificationTargets()) {
          try {
            own.add(NotificationTargets.of(t));
          } catch (IllegalArgumentException e) {
            // the loader validated targets; an unusable one is skipped rather than failing delivery
          }
        }
      }
      targetsOfSlo.put(sloName, own);
    }
    Set<NotificationTarget> all = new LinkedHashSet<>(global);
    all.addAll(targetsOfSlo.getOrDefault(sloName, Set.of()));
    return all;
  }

  private NotificationDispatcher dispatcher(NotificationTarget target) {
    return dispatchers.computeIfAbsent(target, dispatcherFactory);
  }

  /** The notification of {@code alert} as of now (firing or resolved). */
  public AlertNotification notification(Alert a) {
    return notification(a, Map.of(), "");
  }

  private AlertNotification notification(Alert a, Map<String, String> extra, String suffix) {
    Enricher e = enricher;
    Map<String, String> annotations = Map.of();
    URI link = null;
    if (e != null) {
      try {
        annotations = e.annotations(a);
        link = e.link(a);
      } catch (RuntimeException failed) {
        // a notification without the incident card is better than none
        annotations = Map.of("enrichment_error", String.valueOf(failed.getMessage()));
      }
    }
    if (!extra.isEmpty()) {
      Map<String, String> all = new LinkedHashMap<>(annotations);
      all.putAll(extra);
      annotations = all;
    }
    if (link == null && externalUrl != null) {
      link = URI.create(externalUrl + "/api/v1/slos/" + a.slo());
    }
    boolean firing = a.state() == AlertState.FIRING;
    Map<String, Double> burn = firing ? a.burnRates() : a.currentBurnRates();
    String summary =
        firing
            ? String.format(
                    Locale.ROOT,
                    "%s is burning its error budget %.1fx (%s)",
                    a.slo(),
                    highest(a.burnRates()),
                    a.rule())
                + suffix
            : a.slo()
                + " recovered"
                + (a.resolvedReason() != null ? " (" + a.resolvedReason() + ")" : "");
    return new AlertNotification(
        a.fingerprint(),
        a.slo(),
        a.objective(),
        a.service(),
        firing ? AlertNotification.Status.FIRING : AlertNotification.Status.RESOLVED,
        a.responsibility().severity().name(),
        a.rule(),
        a.ruleSeverity(),
        a.since(),
        a.resolvedAt(),
        burn,
        firing ? a.budgetRemaining() : a.currentBudgetRemaining(),
        a.responsibility().runbook(),
        a.responsibility().owner(),
        a.responsibility().respondWithin(),
        summary,
        link,
        annotations,
        tenant);
  }

  private static double highest(Map<String, Double> burn) {
    double max = 0;
    for (double v : burn.values()) if (Double.isFinite(v)) max = Math.max(max, v);
    return max;
  }

  /** Counters of every target that has been used. */
  public List<DeliveryStats> stats() {
    List<DeliveryStats> out = new ArrayList<>();
    for (NotificationDispatcher d : dispatchers.values()) out.addAll(d.stats());
    return out;
  }

  /** Sends the first notifications still waiting, then drains and stops every target. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    for (FirstNotification f : waiting.values()) f.flush();
    waiting.clear();
    for (NotificationDispatcher d : dispatchers.values()) d.release();
    for (NotificationDispatcher d : dispatchers.values()) d.close();
    if (ownPool) pool.close();
  }
}
