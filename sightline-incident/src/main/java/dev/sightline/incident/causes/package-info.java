/**
 * Ranking probable causes from evidence: each bad trace blames the operation where its failure or
 * slowness originates, and the blames add up into ranked hypotheses.
 */
@NullMarked
package dev.sightline.incident.causes;

import org.jspecify.annotations.NullMarked;
