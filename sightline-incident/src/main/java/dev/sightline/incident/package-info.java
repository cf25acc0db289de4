/**
 * Incidents that investigate themselves: when an SLO alert fires, gather the evidence of its window
 * against a healthy baseline, rank probable causes, keep the incident's lifecycle and verify the
 * fix.
 */
@NullMarked
package dev.sightline.incident;

import org.jspecify.annotations.NullMarked;
