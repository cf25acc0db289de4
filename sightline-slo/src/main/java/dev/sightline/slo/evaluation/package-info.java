/**
 * SLO evaluation over span metrics (RED buckets): {@link SliCalculator} counts good and total
 * events of an SLI over a range of event time, {@link BurnRateEvaluator} applies multi-window
 * multi-burn-rate rules as of an instant. A library: nothing here runs on its own or holds state.
 */
@NullMarked
package dev.sightline.slo.evaluation;

import org.jspecify.annotations.NullMarked;
