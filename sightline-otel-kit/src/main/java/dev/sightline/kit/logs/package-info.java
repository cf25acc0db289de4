/**
 * Log correlation through Logback (the OpenTelemetry appender and MDC instrumentation), the unified
 * log fields of seed 004 §3.1, and a log sampler that keeps every WARN+ record and every record of
 * an error span.
 */
@NullMarked
package dev.sightline.kit.logs;

import org.jspecify.annotations.NullMarked;
