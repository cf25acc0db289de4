package dev.sightline.kit.trace;

import io.opentelemetry.api.trace.Span;

/**
 * Work run inside a span, returning a typed result. Generic in its checked exception so that a body
 * that throws none needs no {@code try}.
 *
 * @param <T> the result type
 * @param <E> the checked exception the body may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface SpanBody<T, E extends Exception> {
  /** Runs the work; {@code span} is the current span and may be enriched with attributes. */
  T apply(Span span) throws E;
}
