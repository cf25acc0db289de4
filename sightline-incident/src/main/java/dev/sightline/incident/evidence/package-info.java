/**
 * Evidence gathering: for an SLO's scope, the incident window and a healthy baseline before it, the
 * {@link dev.sightline.incident.evidence.Investigator} reads bad and baseline traces, their logs,
 * version changes and RED trends from storage and runs the analyses of {@code
 * dev.sightline.incident.analysis} on them.
 */
@NullMarked
package dev.sightline.incident.evidence;

import org.jspecify.annotations.NullMarked;
