/**
 * Sightline's instrumentation kit: {@link dev.sightline.kit.SightlineTelemetry} bootstraps the
 * OpenTelemetry SDK through autoconfigure with the defaults seed 004's pitfalls list demands, and
 * wires the kit's processors, views and propagators into it.
 */
@NullMarked
package dev.sightline.kit;

import org.jspecify.annotations.NullMarked;
