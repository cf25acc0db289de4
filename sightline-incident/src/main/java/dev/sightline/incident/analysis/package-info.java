/**
 * Pure incident-analysis algorithms over the core model: critical paths and attribute comparison of
 * bad against baseline traces ({@code .traces}), error grouping, and log-pattern mining ({@code
 * .logs}). No storage access, no threads; every result is deterministic for a given input.
 */
@NullMarked
package dev.sightline.incident.analysis;

import org.jspecify.annotations.NullMarked;
