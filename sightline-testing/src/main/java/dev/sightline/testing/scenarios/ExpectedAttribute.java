package dev.sightline.testing.scenarios;

import static java.util.Objects.requireNonNull;

/**
 * The attribute that distinguishes a fault's failing spans, such as {@code tenant.id=acme} or
 * {@code service.version=1.5.0}; {@code service.version} is a resource attribute, the others are
 * span attributes.
 */
public record ExpectedAttribute(String key, String value) {
  public ExpectedAttribute {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
  }
}
