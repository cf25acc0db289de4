package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.AlertCondition;
import dev.sightline.slo.AlertPolicy;
import dev.sightline.slo.Slo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A multi-window burn-rate rule: it fires when the burn rate compares to {@code threshold} by
 * {@code op} over both the long and the short window (the short one shows the problem is still
 * happening).
 *
 * @param severity {@code page} or {@code ticket} for the defaults; the {@code AlertCondition}'s
 *     severity otherwise
 * @param name the {@code AlertCondition}'s name, or a descriptive name of a default rule
 */
public record BurnRateRule(
    String name,
    String severity,
    Duration longWindow,
    Duration shortWindow,
    AlertCondition.Op op,
    double threshold) {

  /** The shortest window: one 10-second bucket of span metrics. */
  static final Duration MIN_WINDOW = Duration.ofSeconds(10);

  public BurnRateRule {
    requireNonNull(name, "name");
    requireNonNull(severity, "severity");
    requireNonNull(longWindow, "longWindow");
    requireNonNull(shortWindow, "shortWindow");
    requireNonNull(op, "op");
    if (shortWindow.compareTo(MIN_WINDOW) < 0 || longWindow.compareTo(shortWindow) < 0) {
      throw new IllegalArgumentException(
          "windows must be at least 10s and the long window at least the short one");
    }
  }

  /**
   * How far back the data of the SLO's scope must reach before this rule is judged: twice its short
   * window (a sixth of the long window for the workbook's 12:1 ratio), or the long window when that
   * is shorter. Before that the long window holds hardly more than the short one, so the two-window
   * test degenerates into a one-window test on the first minutes of data — where a process warming
   * up (cold caches, JIT) looks like a burn.
   */
  public Duration requiredCoverage() {
    Duration twice = shortWindow.multipliedBy(2);
    return twice.compareTo(longWindow) < 0 ? twice : longWindow;
  }

  /** Whether {@code burnRate} meets the threshold; NaN (no events) never does. */
  public boolean matches(double burnRate) {
    if (Double.isNaN(burnRate)) return false;
    return switch (op) {
      case GT -> burnRate > threshold;
      case GTE -> burnRate >= threshold;
      case LT -> burnRate < threshold;
      case LTE -> burnRate <= threshold;
    };
  }

  /**
   * The Google SRE workbook rules (chapter 5, table 5-8), which for a 30-day SLO window are: page
   * when burn ≥ 14.4 over 1h and 5m, page when ≥ 6 over 6h and 30m, ticket when ≥ 1 over 3d and 6h.
   * Each spends a fixed share of the error budget over its long window (2%, 5% and 10%), and that
   * share is what is kept for other SLO windows: the windows stay, the threshold becomes {@code
   * share × sloWindow / longWindow} (28d: 13.44, 5.6 and 0.933). A rule whose long window exceeds
   * the SLO window is left out.
   */
  public static List<BurnRateRule> defaults(Duration sloWindow) {
    requireNonNull(sloWindow, "sloWindow");
    List<BurnRateRule> rules = new ArrayList<>(3);
    addDefault(rules, "page-fast", "page", sloWindow, Duration.ofHours(1), 20);
    addDefault(rules, "page-slow", "page", sloWindow, Duration.ofHours(6), 50);
    addDefault(rules, "ticket", "ticket", sloWindow, Duration.ofDays(3), 100);
    return List.copyOf(rules);
  }

  private static void addDefault(
      List<BurnRateRule> rules,
      String name,
      String severity,
      Duration sloWindow,
      Duration longWindow,
      long budgetPerMille) {
    if (longWindow.compareTo(sloWindow) > 0) return;
    // integers first, one division: exactly 14.4, 6 and 1 for 30 days
    double threshold =
        (double) (budgetPerMille * sloWindow.toSeconds()) / (1000.0 * longWindow.toSeconds());
    rules.add(
        new BurnRateRule(
            name,
            severity,
            longWindow,
            longWindow.dividedBy(12),
            AlertCondition.Op.GTE,
            threshold));
  }

  /**
   * The rule of a burn-rate {@code AlertCondition}: its {@code lookbackWindow} is the long window,
   * and the short window is 1/12 of it (the workbook's ratio: 1h/5m, 6h/30m, 3d/6h) in whole 10
   * seconds, at least 10 s. {@code alertAfter} is not part of the rule: it needs alert state over
   * successive evaluations.
   */
  public static BurnRateRule of(AlertCondition condition) {
    requireNonNull(condition, "condition");
    Duration longWindow = condition.lookbackWindow();
    long shortSeconds = longWindow.toSeconds() / 12 / 10 * 10;
    Duration shortWindow = Duration.ofSeconds(Math.max(shortSeconds, MIN_WINDOW.toSeconds()));
    if (longWindow.compareTo(shortWindow) < 0) longWindow = shortWindow;
    return new BurnRateRule(
        condition.metadata().name(),
        condition.severity(),
        longWindow,
        shortWindow,
        condition.op(),
        condition.threshold());
  }

  /**
   * The rules of {@code slo}: one per distinct {@code AlertCondition} of its alert policies when it
   * has any, otherwise {@link #defaults} for its time window.
   */
  public static List<BurnRateRule> forSlo(Slo slo) {
    Set<BurnRateRule> rules = new LinkedHashSet<>();
    for (AlertPolicy policy : slo.alertPolicies()) {
      for (AlertCondition condition : policy.conditions()) rules.add(of(condition));
    }
    return rules.isEmpty() ? defaults(slo.timeWindow().duration()) : List.copyOf(rules);
  }
}
