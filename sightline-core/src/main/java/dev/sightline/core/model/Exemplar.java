package dev.sightline.core.model;

import java.util.Objects;

/**
 * A sampled measurement linked to the span that was active when it was recorded. {@code traceId}
 * and {@code spanId} are lowercase hex, empty when absent. The value is {@code asDouble} unless
 * {@code isLong}, in which case it is {@code asLong}.
 */
public record Exemplar(
    long timeUnixNano,
    boolean isLong,
    double asDouble,
    long asLong,
    String traceId,
    String spanId,
    Attributes filteredAttributes) {
  public Exemplar {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(filteredAttributes, "filteredAttributes");
  }

  /** The value as a double whichever way it was recorded. */
  public double value() {
    return isLong ? asLong : asDouble;
  }
}
