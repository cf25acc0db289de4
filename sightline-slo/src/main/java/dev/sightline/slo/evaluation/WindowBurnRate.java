package dev.sightline.slo.evaluation;

import java.time.Duration;

/**
 * Events of one SLO over one window ending at the evaluation instant.
 *
 * @param errorRatio {@code (total − good) / total}; NaN when the window holds no events
 * @param burnRate {@code errorRatio / (1 − target)}: 1 spends the error budget exactly over the SLO
 *     window; NaN when the window holds no events
 */
public record WindowBurnRate(
    Duration window, double good, double total, double errorRatio, double burnRate) {}
