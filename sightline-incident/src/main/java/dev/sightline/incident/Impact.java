package dev.sightline.incident;

/**
 * What the incident cost, over the incident window, for the SLO's indicator.
 *
 * @param requests events (requests) in the window
 * @param badRequests events that were not good: the requests affected
 * @param errorRatio bad / requests in the window (0 without requests)
 * @param baselineErrorRatio the same over the baseline window
 * @param budgetBurned share of the SLO window's error budget spent in the incident window: bad /
 *     ((1 − target) × events over the SLO window)
 */
public record Impact(
    long requests,
    long badRequests,
    double errorRatio,
    double baselineErrorRatio,
    double budgetBurned) {}
