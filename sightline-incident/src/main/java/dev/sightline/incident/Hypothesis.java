package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A probable cause: a service and operation, optionally singled out by an attribute value (a
 * tenant, a version), with a confidence in [0, 1] and the evidence that supports it.
 *
 * @param kind what went wrong there: {@code errors}, {@code latency} or {@code errors+latency}
 * @param detail one sentence a responder can act on
 */
public record Hypothesis(
    String service,
    String operation,
    String kind,
    @Nullable String attributeKey,
    @Nullable String attributeValue,
    String detail,
    double confidence,
    List<String> evidence) {
  public Hypothesis {
    requireNonNull(service, "service");
    requireNonNull(operation, "operation");
    requireNonNull(kind, "kind");
    requireNonNull(detail, "detail");
    evidence = List.copyOf(evidence);
  }
}
