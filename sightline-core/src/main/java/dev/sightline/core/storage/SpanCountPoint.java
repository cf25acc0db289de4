package dev.sightline.core.storage;

/**
 * Counts of the spans matching a {@link SpanCountQuery} over one step. Every count is at most
 * {@code spans}; {@code okFast ≤ fast} and {@code okFast ≤ spans − errors}.
 *
 * @param timeUnixNano start of the step: {@code start + k × step}
 * @param spans spans matching the query
 * @param errors spans among them with status ERROR
 * @param fast spans among them lasting at most the query's threshold (all of them without one)
 * @param okFast spans among them both not ERROR (OK or UNSET) and fast
 */
public record SpanCountPoint(long timeUnixNano, long spans, long errors, long fast, long okFast) {}
