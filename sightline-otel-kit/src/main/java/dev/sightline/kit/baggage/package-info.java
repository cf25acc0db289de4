/**
 * Guarded baggage: key rules, a size cap and a PII deny-list ({@link
 * dev.sightline.kit.baggage.BaggageGuard}), and processors that copy chosen entries onto spans and
 * log records.
 */
@NullMarked
package dev.sightline.kit.baggage;

import org.jspecify.annotations.NullMarked;
