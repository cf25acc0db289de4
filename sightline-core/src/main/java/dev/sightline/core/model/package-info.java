/**
 * Sightline's telemetry data model: spans, log records and metric points with their resource and
 * instrumentation scope. Independent of OTLP and of any storage backend.
 */
@NullMarked
package dev.sightline.core.model;

import org.jspecify.annotations.NullMarked;
