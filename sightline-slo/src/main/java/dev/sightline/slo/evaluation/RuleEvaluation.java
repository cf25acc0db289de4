package dev.sightline.slo.evaluation;

/**
 * One {@link BurnRateRule} as of the evaluation instant.
 *
 * @param enoughTraffic whether the long window held at least the evaluator's minimum of events, and
 *     events older than the short window
 * @param fires {@code enoughTraffic} and both burn rates meet the rule's threshold
 */
public record RuleEvaluation(
    BurnRateRule rule,
    double longBurnRate,
    double shortBurnRate,
    boolean enoughTraffic,
    boolean fires) {}
