package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.DurationHistogram;
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
 * conflict makes the call fail; the caller retries later.
 */
final class SpanMetricsCompactor {
  private static final String MERGED;

  static {
    StringBuilder sb =
        new StringBuilder(
            "CREATE TEMP TABLE span_metrics_merged AS SELECT tenant, bucket_ns, service, operation,"
                + " kind, status_code, sum(requests)::BIGINT AS requests,"
                + " sum(errors)::BIGINT AS errors, sum(duration_sum_ns)::BIGINT AS duration_sum_ns,"
                + " [");
    for (int i = 1; i <= DurationHistogram.BUCKETS; i++) {
      sb.append(i == 1 ? "" : ", ").append("sum(durations[").append(i).append("])::BIGINT");
    }
    MERGED =
        sb.append(
                "] AS durations FROM span_metrics WHERE bucket_ns >= ? AND bucket_ns < ?"
                    + " GROUP BY ALL HAVING count(*) > 1")
            .toString();
  }

  private static final String DELETE =
      "DELETE FROM span_metrics USING span_metrics_merged m"
          + " WHERE span_metrics.bucket_ns >= ? AND span_metrics.bucket_ns < ?"
          + " AND span_metrics.tenant = m.tenant AND span_metrics.bucket_ns = m.bucket_ns"
          + " AND span_metrics.service = m.service AND span_metrics.operation = m.operation"
          + " AND span_metrics.kind = m.kind AND span_metrics.status_code = m.status_code";

  private SpanMetricsCompactor() {}

  /**
   * Merges the rows of every series with more than one row in the buckets starting in [from, to).
   *
   * @return how many rows fewer the table holds
   */
  static long compact(Connection c, long fromUnixNano, long toUnixNano) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN TRANSACTION");
      try {
        try (PreparedStatement ps = c.prepareStatement(MERGED)) {
          ps.setLong(1, fromUnixNano);
          ps.setLong(2, toUnixNano);
          ps.execute();
        }
        long deleted;
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
          ps.setLong(1, fromUnixNano);
          ps.setLong(2, toUnixNano);
          deleted = ps.executeUpdate();
        }
        long inserted =
            s.executeUpdate("INSERT INTO span_metrics SELECT * FROM span_metrics_merged");
        s.execute("DROP TABLE span_metrics_merged");
        s.execute("COMMIT");
        return deleted - inserted;
      } catch (SQLException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
          s.execute("DROP TABLE IF EXISTS span_metrics_merged");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
