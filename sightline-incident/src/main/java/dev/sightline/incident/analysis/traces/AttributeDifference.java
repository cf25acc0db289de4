package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

/**
 * One attribute value and how much more often bad spans carry it than good ones.
 *
 * @param resource true for a resource attribute ({@code service.version}, {@code host.name}), false
 *     for a span attribute
 * @param value the value as text ({@code AnyValue.asString()}), truncated
 * @param badShare {@code badCount / badTotal}
 * @param goodShare {@code goodCount / goodTotal}
 * @param score {@code badShare - goodShare}: how over-represented the value is in bad spans
 */
public record AttributeDifference(
    String key,
    boolean resource,
    String value,
    int badCount,
    int badTotal,
    int goodCount,
    int goodTotal,
    double badShare,
    double goodShare,
    double score) {
  public AttributeDifference {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
  }
}
