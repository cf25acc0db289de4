package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * Aggregates the spans of one commit group into rows of {@code span_metrics}: one row per tenant,
 * 10-second bucket of span start, service, operation, kind and status. Computed per batch on the
 * caller's thread ({@link SpanAggregates}), merged per group on the writer thread and appended in
 * the transaction that appends the spans, so the metrics are durable with them.
 */
final class SpanMetricsRows {
  private final Map<Key, Counts> rows = new HashMap<>();

  /** The bucket width: 10 s for {@code span_metrics}, an hour for {@code span_metrics_hourly}. */
  private final long bucketNanos;

  SpanMetricsRows(long bucketNanos) {
    this.bucketNanos = bucketNanos;
  }

  private record Key(
      String tenant, long bucket, String service, String operation, byte kind, byte status) {}

  /** Mutable per-key accumulator, one per row written. */
  private static final class Counts {
    long requests;
    long errors;
    long durationSum;
    final long[] durations = new long[DurationHistogram.BUCKETS];
  }

  void add(SpanRows.Row r) {
    Span s = r.span();
    long start = s.startTimeUnixNano();
    Key key =
        new Key(
            s.tenant(),
            Math.floorDiv(start, bucketNanos) * bucketNanos,
            r.resource().service(),
            s.name(),
            (byte) s.kind().ordinal(),
            (byte) s.statusCode().ordinal());
    Counts c = rows.get(key);
    if (c == null) rows.put(key, c = new Counts());
    long duration = s.endTimeUnixNano() - start;
    c.requests++;
    if (s.statusCode() == StatusCode.ERROR) c.errors++;
    c.durationSum += duration;
    c.durations[DurationHistogram.bucketOf(duration)]++;
  }

  /** Adds {@code other}'s counts to this one's, leaving {@code other} as it was. */
  void mergeFrom(SpanMetricsRows other) {
    for (Map.Entry<Key, Counts> e : other.rows.entrySet()) {
      Counts from = e.getValue();
      Counts c = rows.get(e.getKey());
      if (c == null) rows.put(e.getKey(), c = new Counts());
      c.requests += from.requests;
      c.errors += from.errors;
      c.durationSum += from.durationSum;
      for (int i = 0; i < c.durations.length; i++) c.durations[i] += from.durations[i];
    }
  }

  /** Appends one row per key, in the order of {@link Schema}'s {@code span_metrics}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<Key, Counts> e : rows.entrySet()) {
      Key k = e.getKey();
      Counts c = e.getValue();
      a.beginRow();
      a.append(k.tenant());
      a.append(k.bucket());
      a.append(k.service());
      a.append(k.operation());
      a.append(k.kind());
      a.append(k.status());
      a.append(c.requests);
      a.append(c.errors);
      a.append(c.durationSum);
      a.append(c.durations);
      a.endRow();
    }
  }
}
