package dev.sightline.core.storage;

import dev.sightline.core.model.SpanKind;
import java.util.Objects;

/**
 * Calls from one service to another over a time range, from span pairs: a span of {@code server}
 * whose parent is a {@code CLIENT} or {@code PRODUCER} span of {@code client}.
 *
 * @param callerKind the parent span's kind: {@link SpanKind#CLIENT} (request/response) or {@link
 *     SpanKind#PRODUCER} (messaging)
 * @param calls span pairs
 * @param errors pairs where either span has status ERROR
 * @param durationSumNanos sum of the child (server or consumer) spans' durations
 * @param durations those durations in {@link DurationHistogram} buckets
 */
public record ServiceEdge(
    String client,
    String server,
    SpanKind callerKind,
    long calls,
    long errors,
    long durationSumNanos,
    DurationHistogram durations) {
  public ServiceEdge {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(callerKind, "callerKind");
    Objects.requireNonNull(durations, "durations");
  }
}
