/**
 * Exports SLOs for other systems: {@link PrometheusRuleExporter} writes Prometheus recording and
 * multi-window burn-rate alerting rules (Sloth-style names) over span RED metrics.
 */
@NullMarked
package dev.sightline.slo.export;

import org.jspecify.annotations.NullMarked;
