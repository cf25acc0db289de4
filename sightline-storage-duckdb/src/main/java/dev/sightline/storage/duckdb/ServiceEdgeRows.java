package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.SpanMetricsReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Only with the experimental {@link DuckDbStorageBuilder#serviceEdgesAtIngest} on (default off: it
 * costs write throughput, see there). Derives the {@code service_edges} rows of one commit group:
 * the span pairs parent → child across services, the parent a CLIENT or PRODUCER span, that the
 * group <b>completes</b>. Runs on the writer thread inside the group's transaction, before the
 * group's spans are appended, so "stored" means "written by an earlier commit" and each pair of
 * stored rows is counted exactly once, by the commit that writes the second of the two:
 *
 * <ul>
 *   <li>a child of the group whose parent is in the group or stored;
 *   <li>a stored child whose parent is in the group.
 * </ul>
 *
 * <p>A pair counts when the parent starts within {@link #PAIRING_SLACK_NANOS} of the child, in the
 * 10 s bucket of the child's start. Rows are pairs of <i>stored rows</i>, as the query-time join
 * counted them: a span stored twice (a retried export) pairs twice with each copy of its
 * counterpart.
 *
 * <p>The group's relevant spans (children and callers) go to a connection-local temporary table;
 * one {@code INSERT … SELECT} joins it with itself and with the stored spans of the group's trace
 * ids whose start is within the slack of the group's starts, and aggregates per (tenant, bucket,
 * client, server, caller kind).
 */
final class ServiceEdgeRows {
  /** How far apart a parent's and its child's starts may be for the pair to count: one hour. */
  static final long PAIRING_SLACK_NANOS = DuckDbTraceReader.TRACE_WINDOW_SLACK_NANOS;

  private static final String GROUP = "temp.main.sightline_edge_group";
  private static final String COLUMNS =
      "tenant, trace_id, span_id, parent_span_id, kind, service, status_code, start_ns,"
          + " duration_ns";
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

  /** The edges that the rows of {@link #GROUP} complete; parameters: the stored-span range. */
  private static final String INSERT;

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
    INSERT =
        "INSERT INTO service_edges WITH g AS (SELECT * FROM "
            + GROUP
            + "), s AS MATERIALIZED (SELECT "
            + COLUMNS
            + " FROM spans WHERE start_ns >= ? AND start_ns <= ? AND trace_id IN (SELECT trace_id"
            + " FROM g)), pairs AS (SELECT "
            + PAIR
            + " FROM g c JOIN (SELECT * FROM g WHERE "
            + CALLER
            + " UNION ALL SELECT * FROM s WHERE "
            + CALLER
            + ") p"
            + JOIN
            + " UNION ALL SELECT "
            + PAIR
            + " FROM s c JOIN g p"
            + JOIN
            + " WHERE p."
            + CALLER
            + ")"
            + AGGREGATE;
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

  private final List<SpanRows.Row> rows = new ArrayList<>();
  private long minStart = Long.MAX_VALUE;
  private long maxStart = Long.MIN_VALUE;

  /** Creates the connection-local table of a group's spans; once per writer connection. */
  static void prepare(DuckDBConnection writer) throws SQLException {
    try (Statement s = writer.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS sightline_edge_group (tenant VARCHAR, trace_id HUGEINT,"
              + " span_id BIGINT, parent_span_id BIGINT, kind TINYINT, service VARCHAR,"
              + " status_code TINYINT, start_ns BIGINT, duration_ns BIGINT)");
    }
  }

  /** Takes a span of the group if it can be either end of a pair: a child, or a caller. */
  void add(SpanRows.Row r) {
    SpanKind kind = r.span().kind();
    if (!r.hasParent() && kind != SpanKind.CLIENT && kind != SpanKind.PRODUCER) return;
    rows.add(r);
    long start = r.span().startTimeUnixNano();
    minStart = Math.min(minStart, start);
    maxStart = Math.max(maxStart, start);
  }

  /**
   * Appends the edges this group completes to {@code service_edges}. Call inside the group's
   * transaction, <b>before</b> its spans are appended.
   */
  void insert(DuckDBConnection writer) throws SQLException {
    if (rows.isEmpty()) return;
    try (Statement s = writer.createStatement()) {
      s.execute("DELETE FROM " + GROUP);
    }
    try (DuckDBAppender a = writer.createAppender("temp", "main", "sightline_edge_group")) {
      for (SpanRows.Row r : rows) {
        Span span = r.span();
        a.beginRow();
        a.append(span.tenant());
        a.appendHugeInt(r.traceIdLow(), r.traceIdHigh());
        a.append(r.spanId());
        if (r.hasParent()) a.append(r.parentSpanId());
        else a.appendNull();
        a.append((byte) span.kind().ordinal());
        a.append(r.resource().service());
        a.append((byte) span.statusCode().ordinal());
        a.append(span.startTimeUnixNano());
        a.append(span.durationNanos());
        a.endRow();
      }
    }
    try (PreparedStatement ps = writer.prepareStatement(INSERT)) {
      ps.setLong(1, saturatedAdd(minStart, -PAIRING_SLACK_NANOS));
      ps.setLong(2, saturatedAdd(maxStart, PAIRING_SLACK_NANOS));
      ps.execute();
    }
  }

  /** Derives the edges of every stored span pair; for the transaction that creates the table. */
  static void backfill(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(BACKFILL);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }
}
