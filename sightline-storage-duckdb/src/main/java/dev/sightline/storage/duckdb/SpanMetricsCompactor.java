package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Merges the rows of {@code span_metrics} that one series (tenant, bucket, service, operation,
 * kind, status) got from many commit groups into one row. The writer appends a row per series and
 * bucket for every commit group, so under load a 10-second bucket holds one row per commit (3.4 M
 * rows for 10 M spans in the query benchmark), and every RED read sums them, 20 histogram counts
 * each. After compaction a read costs in proportion to buckets × series.
 *
 * <p>One transaction per call on a reader connection: the merged rows are computed, the rows they
 * replace deleted and the merged rows inserted, so a reader sees the sums before or after, never a
 * mix (DuckDB's MVCC). The writer may append rows to the same buckets meanwhile (late spans): those
 * are not in this transaction's snapshot, stay, and are merged by a later call. A transaction
 * conflict makes the call fail; the caller retries later. {@code service_edges}, appended the same
 * way (a row per edge key, bucket and commit), is merged likewise ({@link #compactServiceEdges}),
 * and so are both hourly roll-ups. The SQL is {@link AggregateTable}'s.
 */
final class SpanMetricsCompactor {
  private SpanMetricsCompactor() {}

  /** As {@link #compact} for {@code span_metrics_hourly}: one row per series and hour. */
  static long compactHourly(Connection c, long fromUnixNano, long toUnixNano) throws SQLException {
    return compact(c, AggregateTable.SPAN_METRICS_HOURLY, fromUnixNano, toUnixNano);
  }

  /** As {@link #compact} for {@code service_edges_hourly}: one row per edge key and hour. */
  static long compactServiceEdgesHourly(Connection c, long fromUnixNano, long toUnixNano)
      throws SQLException {
    return compact(c, AggregateTable.SERVICE_EDGES_HOURLY, fromUnixNano, toUnixNano);
  }

  /**
   * Merges the rows of every series with more than one row in the buckets starting in [from, to).
   *
   * @return how many rows fewer the table holds
   */
  static long compact(Connection c, long fromUnixNano, long toUnixNano) throws SQLException {
    return compact(c, AggregateTable.SPAN_METRICS, fromUnixNano, toUnixNano);
  }

  /** As {@link #compact} for {@code service_edges}: one row per edge key and bucket. */
  static long compactServiceEdges(Connection c, long fromUnixNano, long toUnixNano)
      throws SQLException {
    return compact(c, AggregateTable.SERVICE_EDGES, fromUnixNano, toUnixNano);
  }

  private static long compact(Connection c, AggregateTable t, long fromUnixNano, long toUnixNano)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN TRANSACTION");
      try {
        try (PreparedStatement ps = c.prepareStatement(t.merged())) {
          ps.setLong(1, fromUnixNano);
          ps.setLong(2, toUnixNano);
          ps.execute();
        }
        long deleted;
        try (PreparedStatement ps = c.prepareStatement(t.delete())) {
          ps.setLong(1, fromUnixNano);
          ps.setLong(2, toUnixNano);
          deleted = ps.executeUpdate();
        }
        long inserted =
            s.executeUpdate("INSERT INTO " + t.name() + " SELECT * FROM " + t.name() + "_merged");
        s.execute("DROP TABLE " + t.name() + "_merged");
        s.execute("COMMIT");
        return deleted - inserted;
      } catch (SQLException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
          s.execute("DROP TABLE IF EXISTS " + t.name() + "_merged");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
