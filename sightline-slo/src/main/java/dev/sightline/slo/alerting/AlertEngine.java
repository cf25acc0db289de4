package dev.sightline.slo.alerting;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.Slo;
import dev.sightline.slo.evaluation.ObjectiveEvaluation;
import dev.sightline.slo.evaluation.RuleEvaluation;
import dev.sightline.slo.evaluation.SloEvaluation;
import dev.sightline.slo.evaluation.WindowBurnRate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The alert state machine: for each SLO objective, inactive → {@link AlertState#FIRING} at the
 * first evaluation where any of its burn-rate rules fires, → {@link AlertState#RESOLVED} once no
 * rule has fired for the <b>hold</b>: the short window of the rule the alert fired (or escalated)
 * on — 5 minutes for the workbook's fast page, 30 for the slow page, 6 hours for the ticket. One
 * quiet evaluation is not a recovery: the short window just dipped under the threshold, and
 * resolving there made alerts flap (fire, resolve, fire) through one fault. One alert per objective
 * at a time (deduplicated by {@link Alert#fingerprint()}); a new episode after a resolution is a
 * new alert. Resolved alerts are kept as recent history, at most {@link Builder#recentLimit} of
 * them for {@link Builder#keepResolved}.
 *
 * <p>Thread-safe; {@link #apply} is meant to be called by one evaluation thread.
 */
public final class AlertEngine {
  private final int recentLimit;
  private final Duration keepResolved;
  private final Map<String, Alert> firing = new LinkedHashMap<>();
  private final Map<String, Integer> firingRuleIndex = new HashMap<>();
  private final Deque<Alert> resolved = new ArrayDeque<>();
  private final Map<String, Slo> lastSeen = new HashMap<>();

  /** When a rule of each firing alert last fired; restored alerts start from their update. */
  private final Map<String, Instant> lastFired = new HashMap<>();

  /** The hold when the alert's rule is no longer among the SLO's rules (its spec changed). */
  static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

  private AlertEngine(int recentLimit, Duration keepResolved) {
    this.recentLimit = recentLimit;
    this.keepResolved = keepResolved;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Applies one evaluation round: {@code evaluations.get(i)} is the evaluation of {@code
   * slos.get(i)} as of {@code now}. Unsupported SLOs keep their state. Alerts of SLOs that are no
   * longer in {@code slos} resolve with the reason "SLO removed".
   *
   * @return the transitions, in SLO order
   */
  public synchronized List<AlertTransition> apply(
      List<Slo> slos, List<SloEvaluation> evaluations, Instant now) {
    requireNonNull(now, "now");
    if (slos.size() != evaluations.size()) {
      throw new IllegalArgumentException("slos and evaluations must have the same size");
    }
    List<AlertTransition> out = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (int i = 0; i < slos.size(); i++) {
      Slo slo = slos.get(i);
      for (int o = 0; o < slo.objectives().size(); o++) {
        present.add(slo.metadata().name() + "/" + o);
      }
      if (!(evaluations.get(i) instanceof SloEvaluation.Evaluated e)) continue;
      for (int o = 0; o < e.objectives().size(); o++) {
        step(slo, o, e.objectives().get(o), now, out);
      }
    }
    for (Alert a : List.copyOf(firing.values())) {
      if (!present.contains(a.fingerprint())) {
        // the SLO (or this objective) was deleted: nothing evaluates it any more, so its alert
        // cannot stay open
        Alert r = resolve(a, now, "SLO removed");
        out.add(new AlertTransition(AlertTransition.Kind.RESOLVED, r, sloOf(a)));
      }
    }
    prune(now);
    return out;
  }

  private void step(
      Slo slo,
      int objectiveIndex,
      ObjectiveEvaluation eval,
      Instant now,
      List<AlertTransition> out) {
    String fingerprint = slo.metadata().name() + "/" + objectiveIndex;
    int mostSevere = -1;
    for (int r = 0; r < eval.rules().size(); r++) {
      if (eval.rules().get(r).fires()) {
        mostSevere = r;
        break;
      }
    }
    Map<String, Double> burn = burnRates(eval);
    Alert current = firing.get(fingerprint);
    lastSeen.put(fingerprint, slo);
    if (mostSevere < 0) {
      if (current != null) {
        Instant last = lastFired.getOrDefault(fingerprint, current.updatedAt());
        Duration hold = hold(current, eval);
        if (now.isBefore(last.plus(hold))) {
          // quiet, but not for long enough: still firing
          firing.put(fingerprint, withCurrent(current, burn, eval.budgetRemaining(), now));
          return;
        }
        Alert r = resolve(withCurrent(current, burn, eval.budgetRemaining(), now), now, null);
        out.add(new AlertTransition(AlertTransition.Kind.RESOLVED, r, slo));
      }
      return;
    }
    lastFired.put(fingerprint, now);
    RuleEvaluation rule = eval.rules().get(mostSevere);
    if (current == null) {
      Alert a =
          new Alert(
              fingerprint + "@" + now.toEpochMilli(),
              fingerprint,
              slo.metadata().name(),
              eval.objective().displayName(),
              eval.objective().target(),
              slo.service(),
              AlertState.FIRING,
              rule.rule().name(),
              rule.rule().severity(),
              now,
              burn,
              eval.budgetRemaining(),
              burn,
              eval.budgetRemaining(),
              now,
              null,
              null,
              slo.responsibility());
      firing.put(fingerprint, a);
      firingRuleIndex.put(fingerprint, mostSevere);
      out.add(new AlertTransition(AlertTransition.Kind.FIRED, a, slo));
    } else if (mostSevere < firingRuleIndex.getOrDefault(fingerprint, Integer.MAX_VALUE)) {
      Alert a =
          current.copy(
              AlertState.FIRING,
              rule.rule().name(),
              rule.rule().severity(),
              burn,
              eval.budgetRemaining(),
              burn,
              eval.budgetRemaining(),
              now,
              null,
              null,
              slo.responsibility());
      firing.put(fingerprint, a);
      firingRuleIndex.put(fingerprint, mostSevere);
      out.add(new AlertTransition(AlertTransition.Kind.ESCALATED, a, slo));
    } else {
      firing.put(fingerprint, withCurrent(current, burn, eval.budgetRemaining(), now));
    }
  }

  /** The short window of the rule {@code a} fired or escalated on, else {@link #DEFAULT_HOLD}. */
  static Duration hold(Alert a, ObjectiveEvaluation eval) {
    for (RuleEvaluation r : eval.rules()) {
      if (r.rule().name().equals(a.rule())) return r.rule().shortWindow();
    }
    return DEFAULT_HOLD;
  }

  private static Alert withCurrent(Alert a, Map<String, Double> burn, double budget, Instant now) {
    return a.copy(
        a.state(),
        a.rule(),
        a.ruleSeverity(),
        a.burnRates(),
        a.budgetRemaining(),
        burn,
        budget,
        now,
        a.resolvedAt(),
        a.resolvedReason(),
        a.responsibility());
  }

  private Alert resolve(Alert a, Instant now, @Nullable String reason) {
    Alert r =
        a.copy(
            AlertState.RESOLVED,
            a.rule(),
            a.ruleSeverity(),
            a.burnRates(),
            a.budgetRemaining(),
            a.currentBurnRates(),
            a.currentBudgetRemaining(),
            now,
            now,
            reason,
            a.responsibility());
    firing.remove(a.fingerprint());
    firingRuleIndex.remove(a.fingerprint());
    lastFired.remove(a.fingerprint());
    if (reason == null) lastSeen.remove(a.fingerprint());
    resolved.addFirst(r);
    return r;
  }

  private @Nullable Slo sloOf(Alert a) {
    return lastSeen.remove(a.fingerprint());
  }

  private void prune(Instant now) {
    Instant cutoff = now.minus(keepResolved);
    while (!resolved.isEmpty()
        && (resolved.size() > recentLimit
            || requireNonNull(resolved.peekLast().resolvedAt()).isBefore(cutoff))) {
      resolved.removeLast();
    }
  }

  private static Map<String, Double> burnRates(ObjectiveEvaluation eval) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (WindowBurnRate w : eval.windows()) out.put(Alert.windowLabel(w.window()), w.burnRate());
    return out;
  }

  /** The alerts firing now, oldest first. */
  public synchronized List<Alert> firing() {
    return List.copyOf(firing.values());
  }

  /** Firing alerts, then resolved ones newest first. */
  public synchronized List<Alert> alerts() {
    List<Alert> out = new ArrayList<>(firing.values());
    out.addAll(resolved);
    return out;
  }

  /**
   * Restores state saved from {@link #alerts()} (after a restart), so that an alert that was firing
   * is not announced again.
   */
  public synchronized void restore(List<Alert> alerts, Map<String, List<String>> ruleOrder) {
    for (Alert a : alerts) {
      if (a == null || (a.state() == AlertState.RESOLVED && a.resolvedAt() == null)) {
        continue; // a damaged entry of a saved file: not worth stopping evaluation for
      }
      if (a.state() == AlertState.FIRING) {
        firing.put(a.fingerprint(), a);
        List<String> order = ruleOrder.getOrDefault(a.slo(), List.of());
        int idx = order.indexOf(a.rule());
        firingRuleIndex.put(a.fingerprint(), idx < 0 ? Integer.MAX_VALUE : idx);
      } else {
        resolved.addLast(a);
      }
    }
  }

  /** Builds an {@link AlertEngine}. */
  public static final class Builder {
    private int recentLimit = 500;
    private Duration keepResolved = Duration.ofDays(7);

    private Builder() {}

    /** The most resolved alerts kept; 500 unless set. */
    public Builder recentLimit(int recentLimit) {
      if (recentLimit < 0) throw new IllegalArgumentException("recentLimit must be >= 0");
      this.recentLimit = recentLimit;
      return this;
    }

    /** How long resolved alerts are kept; 7 days unless set. */
    public Builder keepResolved(Duration keepResolved) {
      requireNonNull(keepResolved, "keepResolved");
      if (keepResolved.isNegative())
        throw new IllegalArgumentException("keepResolved must be >= 0");
      this.keepResolved = keepResolved;
      return this;
    }

    public AlertEngine build() {
      return new AlertEngine(recentLimit, keepResolved);
    }
  }
}
