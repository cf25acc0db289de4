package dev.sightline.slo.alerting;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.Responsibility;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One alert of one SLO objective, from the evaluation where a burn-rate rule first fired until the
 * first evaluation where none did.
 *
 * @param id unique per firing episode: {@code fingerprint@since} in epoch milliseconds
 * @param fingerprint the same for every episode of one SLO objective: {@code slo/objectiveIndex}
 * @param rule the most severe rule that fired (the first in the SLO's rule order), which named the
 *     alert; it can escalate while firing, never de-escalate
 * @param ruleSeverity that rule's severity ({@code page}, {@code ticket} or an AlertCondition's)
 * @param since the evaluation instant (event time) at which it fired
 * @param burnRates the burn rate per window (labels such as {@code 5m}, {@code 1h}, shortest first)
 *     when it fired or last escalated: what made it fire
 * @param budgetRemaining the error budget left over the SLO window at that moment
 * @param currentBurnRates the burn rates of the latest evaluation
 * @param resolvedAt when no rule fired any more; null while firing
 */
public record Alert(
    String id,
    String fingerprint,
    String slo,
    @Nullable String objective,
    double objectiveTarget,
    String service,
    AlertState state,
    String rule,
    String ruleSeverity,
    Instant since,
    Map<String, Double> burnRates,
    double budgetRemaining,
    Map<String, Double> currentBurnRates,
    double currentBudgetRemaining,
    Instant updatedAt,
    @Nullable Instant resolvedAt,
    @Nullable String resolvedReason,
    Responsibility responsibility) {
  public Alert {
    requireNonNull(id, "id");
    requireNonNull(fingerprint, "fingerprint");
    requireNonNull(slo, "slo");
    requireNonNull(service, "service");
    requireNonNull(state, "state");
    requireNonNull(rule, "rule");
    requireNonNull(ruleSeverity, "ruleSeverity");
    requireNonNull(since, "since");
    burnRates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(burnRates));
    currentBurnRates =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(currentBurnRates));
    requireNonNull(updatedAt, "updatedAt");
    requireNonNull(responsibility, "responsibility");
  }

  /** The same episode (id, SLO, objective, since) with the fields that change over its life. */
  Alert copy(
      AlertState newState,
      String newRule,
      String newRuleSeverity,
      Map<String, Double> newBurnRates,
      double newBudgetRemaining,
      Map<String, Double> newCurrentBurnRates,
      double newCurrentBudgetRemaining,
      Instant newUpdatedAt,
      @Nullable Instant newResolvedAt,
      @Nullable String newResolvedReason,
      Responsibility newResponsibility) {
    return new Alert(
        id,
        fingerprint,
        slo,
        objective,
        objectiveTarget,
        service,
        newState,
        newRule,
        newRuleSeverity,
        since,
        newBurnRates,
        newBudgetRemaining,
        newCurrentBurnRates,
        newCurrentBudgetRemaining,
        newUpdatedAt,
        newResolvedAt,
        newResolvedReason,
        newResponsibility);
  }

  /** The deadline for a first response: {@code since + respondWithin}. */
  public Instant respondBy() {
    return since.plus(responsibility.respondWithin());
  }

  /**
   * A window as labelled in {@link #burnRates}: {@code 30d}, {@code 6h}, {@code 5m}, {@code 90s}.
   */
  public static String windowLabel(Duration d) {
    long s = d.getSeconds();
    if (s > 0 && s % 86_400 == 0) return s / 86_400 + "d";
    if (s > 0 && s % 3_600 == 0) return s / 3_600 + "h";
    if (s > 0 && s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }
}
