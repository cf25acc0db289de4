package dev.sightline.core.model;

import java.util.Objects;

/** The entity producing telemetry (OTLP {@code Resource}), usually identified by service.name. */
public record Resource(Attributes attributes, int droppedAttributesCount, String schemaUrl) {
  public static final String SERVICE_NAME = "service.name";
  public static final String SERVICE_VERSION = "service.version";

  /** The service name OTel SDKs report when none is configured. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private static final Resource EMPTY = new Resource(Attributes.empty(), 0, "");

  public Resource {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(schemaUrl, "schemaUrl");
  }

  public static Resource empty() {
    return EMPTY;
  }

  public static Resource of(Attributes attributes) {
    return new Resource(attributes, 0, "");
  }

  /** {@code service.name}, or {@value #UNKNOWN_SERVICE} when the resource has none. */
  public String serviceName() {
    String name = attributes.getString(SERVICE_NAME);
    return name == null || name.isEmpty() ? UNKNOWN_SERVICE : name;
  }
}
