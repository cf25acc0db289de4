package dev.sightline.testing.scenarios;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.SpanKind;

/**
 * The operation whose error-ratio SLO a scenario's fault should make alert (in RED terms: spans of
 * {@code service} named {@code operation} of kind {@code spanKind}).
 */
public record SloScope(String service, String operation, SpanKind spanKind) {
  public SloScope {
    requireNonNull(service, "service");
    requireNonNull(operation, "operation");
    requireNonNull(spanKind, "spanKind");
  }
}
