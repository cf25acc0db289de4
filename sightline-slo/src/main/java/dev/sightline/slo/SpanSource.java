package dev.sightline.slo;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code signal: spans}: counts the spans of a service (and operation, the span name) that match
 * every given condition.
 *
 * @param operation the span name; {@code null} for every operation of the service
 * @param status {@code null} for any status
 * @param maxDuration spans lasting at most this long; {@code null} for any duration
 * @param attributes span attributes that must have exactly these values
 */
public record SpanSource(
    String service,
    @Nullable String operation,
    @Nullable Status status,
    @Nullable Duration maxDuration,
    Map<String, String> attributes)
    implements SightlineSource {
  public SpanSource {
    attributes = Map.copyOf(attributes);
  }

  /** Span status condition. */
  public enum Status {
    /** Status is not ERROR (OK or UNSET): the span did not fail. */
    OK,
    /** Status is ERROR. */
    ERROR
  }
}
