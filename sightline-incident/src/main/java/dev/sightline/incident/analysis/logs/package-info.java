/**
 * Log-pattern mining for an incident: Drain ({@link
 * dev.sightline.incident.analysis.logs.LogPatternMiner}) turns log bodies into templates, and
 * {@link dev.sightline.incident.analysis.logs.LogPatternComparison} finds the templates that are
 * new or more frequent in the fault window than in the baseline.
 */
@NullMarked
package dev.sightline.incident.analysis.logs;

import org.jspecify.annotations.NullMarked;
