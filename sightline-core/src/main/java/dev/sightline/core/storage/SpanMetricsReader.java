package dev.sightline.core.storage;

import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads span metrics (RED: rate, errors, duration), which the backend derives from spans as it
 * stores them. Methods block; call them off event-loop threads. Optional: a backend offers it with
 * {@link StorageCapability#SPAN_METRICS} ({@link StorageComponent#spanMetricsReader()}).
 *
 * <p>Contract every backend meets (checked by {@code ITSpanMetricsReader}):
 *
 * <ul>
 *   <li>Every span accepted by {@link TelemetryWriter#writeSpans} is counted once per write, in the
 *       10-second bucket of its <b>event time</b> (start time, {@code floor(start / 10 s)}), keyed
 *       by tenant, service, span name, span kind and status code, and is durable with the same
 *       commit as the span itself: a restart keeps it. Late and back-filled spans land in their own
 *       bucket. A span written twice (a retried export) is counted twice.
 *   <li>An error is a span with status ERROR; its duration is {@code end - start}, counted in the
 *       fixed {@link DurationHistogram} buckets.
 *   <li>Reads are scoped to one tenant. Deleting telemetry by age ({@link
 *       StorageComponent#deleteBefore}) removes buckets that start before the cutoff.
 * </ul>
 */
public interface SpanMetricsReader {

  /** The width of the stored buckets: 10 seconds. */
  long BUCKET_NANOS = 10_000_000_000L;

  /**
   * The metrics of buckets starting in [start, end) matching the query, summed per {@code groupBy}
   * series and per step ({@code start + k × step}; one point at {@code start} when the step is 0).
   * Only steps with at least one span are returned, ordered by service, operation, span kind, then
   * time. Nothing matching yields an empty list, not an error.
   */
  List<SpanMetricsPoint> query(SpanMetricsQuery query);

  /**
   * The start of the oldest stored bucket of {@code tenant} matching {@code service} and {@code
   * operation} (null: any), or empty when none is stored: how far back a service's data reaches.
   * SLO evaluation uses it to tell a burn-rate rule's long window that is covered by data from one
   * that is still warming up. Retention ({@link StorageComponent#deleteBefore}) moves it forward.
   */
  OptionalLong oldestBucket(String tenant, @Nullable String service, @Nullable String operation);

  /**
   * Service graph edges of one tenant: each stored span starting in [start, end) whose parent (same
   * trace, its {@code parentSpanId}) is a CLIENT or PRODUCER span of a <b>different</b> service
   * counts as one call on the edge (parent's service → child's service, parent's kind). Parent and
   * child may be stored in any order and in different batches (SDKs export each service's spans
   * separately). A parent starting within one hour of its child is always found; whether one
   * further away is depends on the backend (a query-time join looks parents up within one hour of
   * the range, derivation at ingest within one hour of the child), so callers rely on the hour
   * only. Pairs within one service are not edges. Ordered by client, server, caller kind. A span
   * stored twice (a retried export) counts twice with each stored copy of its counterpart. Nothing
   * found yields an empty list.
   *
   * <p>Backends may compute this from stored spans at query time (its cost then grows with the
   * spans in the range), or derive edges as spans are stored, durable with them, in the 10-second
   * bucket of the child's start (a range is then resolved to whole buckets, as for RED, and {@link
   * StorageComponent#deleteBefore} removes buckets that start before the cutoff). For pairs within
   * the hour and bucket-aligned ranges and cutoffs both answer alike, except that a cutoff between
   * a parent's and its child's start drops the pair from a query-time join only.
   */
  List<ServiceEdge> serviceEdges(String tenant, long startUnixNano, long endUnixNano);
}
