package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

/**
 * One log record of a pattern, to show and to link to its span ({@code traceId}/{@code spanId}
 * empty when the record is not correlated).
 *
 * @param timeUnixNano the record's event time
 * @param body the body as text, truncated to 1,000 characters
 */
public record LogExample(
    long timeUnixNano, String traceId, String spanId, String service, String body) {
  public LogExample {
    requireNonNull(traceId, "traceId");
    requireNonNull(spanId, "spanId");
    requireNonNull(service, "service");
    requireNonNull(body, "body");
  }
}
