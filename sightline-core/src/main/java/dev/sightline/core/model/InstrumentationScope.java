package dev.sightline.core.model;

import java.util.Objects;

/** The library that produced the telemetry (OTLP {@code InstrumentationScope}). */
public record InstrumentationScope(
    String name,
    String version,
    Attributes attributes,
    int droppedAttributesCount,
    String schemaUrl) {
  private static final InstrumentationScope EMPTY =
      new InstrumentationScope("", "", Attributes.empty(), 0, "");

  public InstrumentationScope {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(schemaUrl, "schemaUrl");
  }

  public static InstrumentationScope empty() {
    return EMPTY;
  }

  public static InstrumentationScope of(String name, String version) {
    return new InstrumentationScope(name, version, Attributes.empty(), 0, "");
  }
}
