package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.Objective;
import dev.sightline.slo.Slo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates multi-window multi-burn-rate rules ({@link BurnRateRule#forSlo}: the SLO's burn-rate
 * {@code AlertCondition}s, else the Google SRE workbook defaults) for an SLO as of an instant of
 * event time, from span metrics.
 *
 * <p>Each window {@code w} counts the 10-second buckets starting in [now − w, now) through {@link
 * SliCalculator}; burn rate = {@code (bad / total) / (1 − target)}. A rule fires when the burn rate
 * meets its threshold over both its windows, its long window holds at least {@link
 * Builder#minimumEvents} events, so that a handful of requests with one error does not page, and
 * the data of the SLO's scope reaches back at least {@link BurnRateRule#requiredCoverage()} (twice
 * the short window): warm-up is judged by data coverage — the age of the oldest event the scope has
 * in storage — so a service or Sightline that just started does not page on its first minutes.
 *
 * <p>No state between calls but a cache of how far back each scope's data reaches ({@link
 * DataCoverage}), no threads, no I/O except reader queries (see {@link SliCalculator#count(Slo,
 * java.util.SortedSet, long)}: for the default rules, one per distinct service and operation of the
 * indicator; plus one for the oldest event of a scope that is still warming up). The caller chooses
 * {@code now}, schedules evaluations and keeps alert state.
 */
public final class BurnRateEvaluator {
  /** The default {@link Builder#minimumEvents}. */
  public static final long DEFAULT_MINIMUM_EVENTS = 10;

  private final SliCalculator calculator;
  private final DataCoverage coverage;
  private final long minimumEvents;

  private BurnRateEvaluator(SliCalculator calculator, long minimumEvents) {
    this.calculator = calculator;
    this.coverage = new DataCoverage(calculator);
    this.minimumEvents = minimumEvents;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The calculator counting the SLIs (for series over time, such as burn-rate graphs). */
  public SliCalculator calculator() {
    return calculator;
  }

  /** The windows {@code slo} is evaluated over: its rules' windows and its own, shortest first. */
  public static SortedSet<Duration> windowsOf(Slo slo) {
    return windows(slo, BurnRateRule.forSlo(slo));
  }

  /** Evaluates {@code slo} as of {@code now} (event time). */
  public SloEvaluation evaluate(Slo slo, Instant now) {
    requireNonNull(slo, "slo");
    requireNonNull(now, "now");
    String name = slo.metadata().name();
    var unsupported = SliCalculator.unsupportedReason(slo);
    if (unsupported.isPresent()) return new SloEvaluation.Unsupported(name, unsupported.get());

    List<BurnRateRule> rules = BurnRateRule.forSlo(slo);
    return evaluated(slo, rules, calculator.count(slo, windows(slo, rules), toUnixNanos(now)), now);
  }

  /**
   * Evaluates every SLO as of {@code now}, in order: the same results as {@link #evaluate} one by
   * one, with one query per distinct window over all services for the whole list (see {@link
   * SliCalculator#countAll}) instead of queries per SLO.
   */
  public List<SloEvaluation> evaluateAll(List<Slo> slos, Instant now) {
    requireNonNull(slos, "slos");
    requireNonNull(now, "now");
    List<List<BurnRateRule>> rules = new ArrayList<>(slos.size());
    List<SortedSet<Duration>> windows = new ArrayList<>(slos.size());
    for (Slo slo : slos) {
      List<BurnRateRule> r = BurnRateRule.forSlo(slo);
      rules.add(r);
      windows.add(windows(slo, r));
    }
    List<Map<Duration, SliResult>> counts = calculator.countAll(slos, windows, toUnixNanos(now));
    List<SloEvaluation> out = new ArrayList<>(slos.size());
    for (int i = 0; i < slos.size(); i++) {
      out.add(evaluated(slos.get(i), rules.get(i), counts.get(i), now));
    }
    return out;
  }

  private static SortedSet<Duration> windows(Slo slo, List<BurnRateRule> rules) {
    TreeSet<Duration> windows = new TreeSet<>();
    windows.add(slo.timeWindow().duration());
    for (BurnRateRule rule : rules) {
      windows.add(rule.longWindow());
      windows.add(rule.shortWindow());
    }
    return windows;
  }

  private SloEvaluation evaluated(
      Slo slo, List<BurnRateRule> rules, Map<Duration, SliResult> results, Instant now) {
    String name = slo.metadata().name();
    Duration sloWindow = slo.timeWindow().duration();
    Duration longestNeeded = Duration.ZERO;
    for (BurnRateRule rule : rules) {
      if (rule.requiredCoverage().compareTo(longestNeeded) > 0) {
        longestNeeded = rule.requiredCoverage();
      }
    }
    Map<Duration, SliResult.Counts> counts = new TreeMap<>();
    for (Map.Entry<Duration, SliResult> e : results.entrySet()) {
      if (e.getValue() instanceof SliResult.Unsupported u) {
        return new SloEvaluation.Unsupported(name, u.reason());
      }
      counts.put(e.getKey(), (SliResult.Counts) e.getValue());
    }
    Duration covered = coverage.coverage(slo, toUnixNanos(now), longestNeeded);
    List<ObjectiveEvaluation> objectives = new ArrayList<>(slo.objectives().size());
    for (Objective objective : slo.objectives()) {
      double allowed = 1 - objective.target();
      Map<Duration, WindowBurnRate> burn = new TreeMap<>();
      counts.forEach(
          (window, c) ->
              burn.put(
                  window,
                  new WindowBurnRate(
                      window, c.good(), c.total(), c.errorRatio(), c.errorRatio() / allowed)));
      List<RuleEvaluation> ruleResults = new ArrayList<>(rules.size());
      for (BurnRateRule rule : rules) {
        WindowBurnRate longW = requireNonNull(burn.get(rule.longWindow()));
        WindowBurnRate shortW = requireNonNull(burn.get(rule.shortWindow()));
        boolean enoughTraffic = longW.total() >= minimumEvents;
        // warm-up: until the scope's data reaches back far enough, the "long" window says little
        // more than the short one, and a slow-burn rule would fire on a few minutes of warm-up
        boolean warm = covered != null && covered.compareTo(rule.requiredCoverage()) >= 0;
        boolean fires =
            enoughTraffic
                && warm
                && rule.matches(longW.burnRate())
                && rule.matches(shortW.burnRate());
        ruleResults.add(
            new RuleEvaluation(
                rule, longW.burnRate(), shortW.burnRate(), enoughTraffic, warm, fires));
      }
      SliResult.Counts budget = requireNonNull(counts.get(sloWindow));
      double budgetRemaining =
          budget.total() == 0 ? 1 : 1 - budget.bad() / (allowed * budget.total());
      objectives.add(
          new ObjectiveEvaluation(
              objective, List.copyOf(burn.values()), ruleResults, budgetRemaining));
    }
    return new SloEvaluation.Evaluated(name, now, objectives, covered);
  }

  private static long toUnixNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  /** Builds a {@link BurnRateEvaluator}. */
  public static final class Builder {
    private @Nullable SliCalculator calculator;
    private long minimumEvents = DEFAULT_MINIMUM_EVENTS;

    private Builder() {}

    /** Counts the SLIs. Required, or set {@link #storage}. */
    public Builder calculator(SliCalculator calculator) {
      this.calculator = requireNonNull(calculator, "calculator");
      return this;
    }

    /**
     * Shorthand for a {@link SliCalculator} of the default tenant on {@code storage} ({@link
     * SliCalculator.Builder#storage}).
     *
     * @throws IllegalArgumentException when {@code storage} has no span metrics
     */
    public Builder storage(StorageComponent storage) {
      requireNonNull(storage, "storage");
      this.calculator = SliCalculator.builder().storage(storage).build();
      return this;
    }

    /**
     * The fewest events a rule's long window must hold for the rule to fire; {@link
     * BurnRateEvaluator#DEFAULT_MINIMUM_EVENTS} (10) unless set.
     */
    public Builder minimumEvents(long minimumEvents) {
      if (minimumEvents < 0) throw new IllegalArgumentException("minimumEvents must be >= 0");
      this.minimumEvents = minimumEvents;
      return this;
    }

    public BurnRateEvaluator build() {
      if (calculator == null) throw new IllegalStateException("calculator or storage must be set");
      return new BurnRateEvaluator(calculator, minimumEvents);
    }
  }
}
