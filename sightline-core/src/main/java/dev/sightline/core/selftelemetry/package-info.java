/**
 * Sightline's own metrics (received, stored and rejected items, latencies, queue depth), exposed in
 * the Prometheus text format. Dependency-free on purpose: every module can record into it.
 */
@NullMarked
package dev.sightline.core.selftelemetry;

import org.jspecify.annotations.NullMarked;
