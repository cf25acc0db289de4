package dev.sightline.slo.notify;

import dev.sightline.slo.AlertNotificationTarget;
import dev.sightline.slo.AlertPolicy;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.AlertTransition;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Delivers alert transitions to notification targets: the server-wide targets ({@code --notify})
 * for every SLO, plus the {@code AlertNotificationTarget}s of an SLO's alert policies for that SLO.
 * Each distinct target has one {@link NotificationDispatcher} (its own queue and thread), so a slow
 * target never delays another nor the evaluation. After each evaluation the firing alerts are
 * handed to {@link NotificationDispatcher#refresh} (Alertmanager needs them re-sent).
 *
 * <p>An {@link Enricher} may add annotations and a link to each notification (the incident card).
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
  }

  private final List<NotificationTarget> global;
  private final @Nullable URI externalUrl;
  private final Function<NotificationTarget, NotificationDispatcher> dispatcherFactory;
  private final Map<NotificationTarget, NotificationDispatcher> dispatchers =
      new ConcurrentHashMap<>();
  private final Map<String, Set<NotificationTarget>> targetsOfSlo = new ConcurrentHashMap<>();
  private volatile @Nullable Enricher enricher;
  private volatile Function<String, java.util.Optional<Slo>> slos =
      name -> java.util.Optional.empty();

  private AlertDelivery(
      List<NotificationTarget> global,
      @Nullable URI externalUrl,
      Function<NotificationTarget, NotificationDispatcher> dispatcherFactory) {
    this.global = List.copyOf(global);
    this.externalUrl = externalUrl;
    this.dispatcherFactory = dispatcherFactory;
  }

  /**
   * Delivery to {@code global} targets (plus per-SLO ones), linking to {@code externalUrl} (the
   * Sightline API's base URL) unless an enricher gives a link.
   */
  public static AlertDelivery create(List<NotificationTarget> global, @Nullable URI externalUrl) {
    return new AlertDelivery(
        global, externalUrl, t -> NotificationDispatcher.builder().target(t).build());
  }

  /** Same with a custom dispatcher per target (tests, tuning). */
  public static AlertDelivery create(
      List<NotificationTarget> global,
      @Nullable URI externalUrl,
      Function<NotificationTarget, NotificationDispatcher> dispatcherFactory) {
    return new AlertDelivery(global, externalUrl, dispatcherFactory);
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

  public void enricher(@Nullable Enricher enricher) {
    this.enricher = enricher;
  }

  @Override
  public void onTransition(AlertTransition t) {
    Set<NotificationTarget> targets = targets(t.alert().slo(), t.slo());
    if (targets.isEmpty()) return;
    AlertNotification n = notification(t.alert());
    for (NotificationTarget target : targets) dispatcher(target).dispatch(n);
  }

  @Override
  public void afterEvaluation(List<Alert> firing) {
    Map<NotificationTarget, List<AlertNotification>> byTarget = new LinkedHashMap<>();
    for (NotificationTarget t : global) byTarget.put(t, new ArrayList<>());
    for (Alert a : firing) {
      AlertNotification n = notification(a);
      for (NotificationTarget t : targets(a.slo(), null)) {
        byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(n);
      }
    }
    byTarget.forEach((t, list) -> dispatcher(t).refresh(list));
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
        annotations);
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

  @Override
  public void close() {
    for (NotificationDispatcher d : dispatchers.values()) d.close();
  }
}
