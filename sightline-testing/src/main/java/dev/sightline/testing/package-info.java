/**
 * Test support shared by every module: deterministic fixtures ({@link
 * dev.sightline.testing.TestObjects}), a seeded telemetry generator ({@link
 * dev.sightline.testing.TelemetryGenerator}) and the storage test suites every backend runs
 * unchanged ({@link dev.sightline.testing.ITStorage} and its subclasses).
 */
@NullMarked
package dev.sightline.testing;

import org.jspecify.annotations.NullMarked;
