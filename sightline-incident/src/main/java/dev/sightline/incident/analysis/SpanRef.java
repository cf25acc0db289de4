package dev.sightline.incident.analysis;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Span;

/** A link to one span (lowercase hex ids), for examples attached to a finding. */
public record SpanRef(String traceId, String spanId) {
  public SpanRef {
    requireNonNull(traceId, "traceId");
    requireNonNull(spanId, "spanId");
  }

  public static SpanRef of(Span span) {
    return new SpanRef(span.traceId(), span.spanId());
  }
}
