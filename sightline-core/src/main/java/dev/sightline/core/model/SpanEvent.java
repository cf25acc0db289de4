package dev.sightline.core.model;

import java.util.Objects;

/** A timestamped event inside a span (for example an exception). */
public record SpanEvent(
    long timeUnixNano, String name, Attributes attributes, int droppedAttributesCount) {
  public SpanEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
  }
}
