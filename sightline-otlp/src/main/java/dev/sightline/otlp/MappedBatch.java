package dev.sightline.otlp;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of mapping one OTLP export request: the valid {@code items}, how many were rejected,
 * and why. {@code rejected} counts the units OTLP partial success counts: spans, log records, or
 * metric data points. {@code errorMessage} summarises the first distinct problems with their
 * location in the request, and is empty when nothing was rejected.
 */
public record MappedBatch<T>(List<T> items, long rejected, String errorMessage) {
  public MappedBatch {
    items = List.copyOf(items);
    Objects.requireNonNull(errorMessage, "errorMessage");
    if (rejected < 0) throw new IllegalArgumentException("rejected must be non-negative");
  }

  /** True when nothing was rejected (the response then carries no partial success). */
  public boolean fullyAccepted() {
    return rejected == 0;
  }
}
