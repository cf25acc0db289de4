package dev.sightline.slo.evaluation;

/**
 * One {@link BurnRateRule} as of the evaluation instant.
 *
 * @param enoughTraffic whether the long window held at least the evaluator's minimum of events
 * @param covered whether the SLO's data reaches back at least {@link
 *     BurnRateRule#requiredCoverage()}: until then the rule is warming up and never fires
 * @param fires {@code enoughTraffic}, {@code covered} and both burn rates meet the rule's threshold
 */
public record RuleEvaluation(
    BurnRateRule rule,
    double longBurnRate,
    double shortBurnRate,
    boolean enoughTraffic,
    boolean covered,
    boolean fires) {}
