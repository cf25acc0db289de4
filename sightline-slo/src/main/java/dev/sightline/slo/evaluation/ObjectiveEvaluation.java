package dev.sightline.slo.evaluation;

import dev.sightline.slo.Objective;
import java.util.List;

/**
 * One objective of an SLO as of the evaluation instant.
 *
 * @param windows every window the rules use plus the SLO window, shortest first
 * @param budgetRemaining the share of the error budget left over the SLO window: {@code 1 − bad /
 *     ((1 − target) × total)}; 1 without events, negative once overspent
 */
public record ObjectiveEvaluation(
    Objective objective,
    List<WindowBurnRate> windows,
    List<RuleEvaluation> rules,
    double budgetRemaining) {
  public ObjectiveEvaluation {
    windows = List.copyOf(windows);
    rules = List.copyOf(rules);
  }

  /** Whether any rule fires. */
  public boolean firing() {
    return rules.stream().anyMatch(RuleEvaluation::fires);
  }
}
