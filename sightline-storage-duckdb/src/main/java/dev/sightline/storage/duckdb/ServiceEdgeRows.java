package dev.sightline.storage.duckdb;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.SpanMetricsReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * The {@code service_edges} side of service-graph pairing: the aggregate of the pairs one commit
 * group completes ({@link ServiceEdgePairer} pairs in memory and reports each pair here), appended
 * in the group's transaction, one row per (tenant, 10 s bucket of the child's start, client,
 * server, caller kind) with calls, errors, child duration sum and histogram, and the same summed by
 * hour ({@link #byHour}, for {@code service_edges_hourly}); and the SQL that derives the edges of
 * every stored span pair once ({@link #BACKFILL}, for a directory whose edges were not maintained)
 * and that reads the recent stored spans back into the pairer at open ({@link #REPLAY}).
 */
final class ServiceEdgeRows implements ServiceEdgePairer.Sink {
  /** How far apart a parent's and its child's starts may be for the pair to count: one hour. */
  static final long PAIRING_SLACK_NANOS = TraceSearch.TRACE_WINDOW_SLACK_NANOS;

  private static final int CLIENT = SpanKind.CLIENT.ordinal();
  private static final int PRODUCER = SpanKind.PRODUCER.ordinal();
  private static final String CALLER = "kind IN (" + CLIENT + ", " + PRODUCER + ")";

  /** Columns of a pair, from child {@code c} and parent {@code p}. */
  private static final String PAIR =
      "c.tenant, c.start_ns, c.duration_ns, c.service AS server, c.status_code AS child_status,"
          + " p.service AS client, p.kind, p.status_code AS parent_status, p.start_ns AS parent_start";

  private static final String JOIN =
      " ON c.tenant = p.tenant AND c.trace_id = p.trace_id AND c.parent_span_id = p.span_id";

  /**
   * Aggregates the CTE {@code pairs} into rows of {@code service_edges}: pairs across services
   * within the slack, per tenant, bucket of the child's start, client, server and caller kind.
   */
  private static final String AGGREGATE;

  /** Every edge of the stored spans, for a data directory that predates the table. */
  static final String BACKFILL;

  static {
    long b = SpanMetricsReader.BUCKET_NANOS;
    int error = StatusCode.ERROR.ordinal();
    StringBuilder durationBucket = new StringBuilder("CASE");
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      durationBucket
          .append(" WHEN duration_ns <= ")
          .append(DurationHistogram.upperBoundNanos(i))
          .append(" THEN ")
          .append(i);
    }
    durationBucket.append(" ELSE ").append(DurationHistogram.BUCKETS - 1).append(" END");
    StringBuilder histogram = new StringBuilder("[");
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      histogram
          .append(i == 0 ? "" : ", ")
          .append("count(*) FILTER (WHERE d = ")
          .append(i)
          .append(')');
    }
    histogram.append("]::BIGINT[]");
    AGGREGATE =
        " SELECT tenant, start_ns - (((start_ns % "
            + b
            + ") + "
            + b
            + ") % "
            + b
            + "), client, server, kind, count(*), count(*) FILTER (WHERE child_status = "
            + error
            + " OR parent_status = "
            + error
            + "), sum(duration_ns)::BIGINT, "
            + histogram
            + " FROM (SELECT *, "
            + durationBucket
            + " AS d FROM pairs WHERE client <> server AND parent_start::HUGEINT BETWEEN"
            + " start_ns::HUGEINT - "
            + PAIRING_SLACK_NANOS
            + " AND start_ns::HUGEINT + "
            + PAIRING_SLACK_NANOS
            + ") GROUP BY ALL";
    BACKFILL =
        "INSERT INTO service_edges WITH pairs AS (SELECT "
            + PAIR
            + " FROM spans c JOIN spans p"
            + JOIN
            + " WHERE p."
            + CALLER
            + ")"
            + AGGREGATE;
  }

  /**
   * The stored spans the pairer needs after a restart, oldest start first; parameters: the oldest
   * start, and how many of the newest such spans at most. Callers, and children whose parent is not
   * stored as a non-caller span (that resolved them for good): children of a stored caller attach
   * to it, the others wait for their parent. The parent column is NULL when a stored non-caller
   * parent resolved the span (so a caller child of a SERVER span does not wait for it).
   */
  static final String REPLAY =
      "WITH w AS MATERIALIZED (SELECT tenant, trace_id, span_id, parent_span_id, kind, service,"
          + " status_code, start_ns, duration_ns FROM spans WHERE start_ns >= ?),"
          + " r AS (SELECT *, parent_span_id IS NOT NULL AND EXISTS (SELECT 1 FROM w p WHERE"
          + " p.tenant = w.tenant AND p.trace_id = w.trace_id AND p.span_id = w.parent_span_id"
          + " AND p.kind NOT IN ("
          + CLIENT
          + ", "
          + PRODUCER
          + ")) AS resolved FROM w)"
          // the trace id's two halves; the low one shifted by 2^63 to fit a BIGINT (see replayLow)
          + " SELECT * FROM (SELECT tenant, (trace_id >> 64)::BIGINT, ((trace_id &"
          + " 18446744073709551615) - 9223372036854775808)::BIGINT, span_id, CASE WHEN resolved"
          + " THEN NULL ELSE parent_span_id END, kind, service, status_code, start_ns, duration_ns"
          + " FROM r WHERE "
          + CALLER
          + " OR (parent_span_id IS NOT NULL AND NOT resolved) ORDER BY start_ns DESC LIMIT ?)"
          + " ORDER BY start_ns";

  /** The low half of a trace id as selected by {@link #REPLAY}. */
  static long replayLow(long shifted) {
    return shifted ^ Long.MIN_VALUE;
  }

  private record Key(String tenant, long bucket, String client, String server, byte kind) {}

  /** Mutable per-key accumulator, one per row written. */
  private static final class Counts {
    long calls;
    long errors;
    long durationSum;
    final long[] durations = new long[DurationHistogram.BUCKETS];
  }

  private final Map<Key, Counts> rows = new HashMap<>();

  @Override
  public void pair(
      String tenant,
      long childStart,
      String client,
      String server,
      byte callerKind,
      long calls,
      long errors,
      long childDuration) {
    long b = SpanMetricsReader.BUCKET_NANOS;
    Key key = new Key(tenant, Math.floorDiv(childStart, b) * b, client, server, callerKind);
    Counts c = rows.get(key);
    if (c == null) rows.put(key, c = new Counts());
    c.calls += calls;
    c.errors += errors;
    c.durationSum += calls * childDuration;
    c.durations[DurationHistogram.bucketOf(childDuration)] += calls;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** These rows summed by hour of their bucket, for {@code service_edges_hourly}. */
  ServiceEdgeRows byHour() {
    ServiceEdgeRows hourly = new ServiceEdgeRows();
    long hour = HourlyRollup.HOUR_NANOS;
    for (Map.Entry<Key, Counts> e : rows.entrySet()) {
      Key k = e.getKey();
      Key h =
          new Key(
              k.tenant(), Math.floorDiv(k.bucket(), hour) * hour, k.client(), k.server(), k.kind());
      Counts sum = hourly.rows.get(h);
      if (sum == null) hourly.rows.put(h, sum = new Counts());
      Counts c = e.getValue();
      sum.calls += c.calls;
      sum.errors += c.errors;
      sum.durationSum += c.durationSum;
      for (int i = 0; i < c.durations.length; i++) sum.durations[i] += c.durations[i];
    }
    return hourly;
  }

  /** Appends one row per key, in the order of {@link Schema#SERVICE_EDGES_DDL}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<Key, Counts> e : rows.entrySet()) {
      Key k = e.getKey();
      Counts c = e.getValue();
      a.beginRow();
      a.append(k.tenant());
      a.append(k.bucket());
      a.append(k.client());
      a.append(k.server());
      a.append(k.kind());
      a.append(c.calls);
      a.append(c.errors);
      a.append(c.durationSum);
      a.append(c.durations);
      a.endRow();
    }
  }

  /** Derives the edges of every stored span pair; for the transaction that creates the table. */
  static void backfill(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(BACKFILL);
    }
  }
}
