package dev.sightline.core.model;

import java.util.Objects;

/** A link from a span to another span, possibly in another trace. IDs are lowercase hex. */
public record SpanLink(
    String traceId,
    String spanId,
    String traceState,
    Attributes attributes,
    int droppedAttributesCount,
    int flags) {
  public SpanLink {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(traceState, "traceState");
    Objects.requireNonNull(attributes, "attributes");
  }
}
