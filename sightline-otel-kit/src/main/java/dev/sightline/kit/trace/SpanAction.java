package dev.sightline.kit.trace;

import io.opentelemetry.api.trace.Span;

/**
 * Work run inside a span with no result.
 *
 * @param <E> the checked exception the action may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface SpanAction<E extends Exception> {
  /** Runs the work; {@code span} is the current span. */
  void run(Span span) throws E;
}
