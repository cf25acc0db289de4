/**
 * Alerting on SLOs: the {@link SloRegistry} of specs (a folder reloaded on change plus specs sent
 * through the API), the {@link AlertEngine} state machine (inactive → firing → resolved, one alert
 * per SLO objective), and the {@link SloMonitor} that evaluates every SLO on a schedule and tells
 * {@link AlertListener}s about each transition.
 */
@NullMarked
package dev.sightline.slo.alerting;

import org.jspecify.annotations.NullMarked;
