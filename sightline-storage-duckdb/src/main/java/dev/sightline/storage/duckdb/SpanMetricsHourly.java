package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code span_metrics_hourly} outside the writer. The writer appends an hourly row per
 * series and commit group beside the 10-second ones, so for every hour the hourly rows sum to
 * exactly what the 10-second rows of that hour sum to, at every commit. This class keeps that true
 * where the writer does not: at open for a directory written before the table existed (derived from
 * {@code span_metrics}, once) and under retention (the cutoff's hour derived again from the
 * 10-second rows that remain).
 */
final class SpanMetricsHourly {
  private static final Logger logger = LoggerFactory.getLogger(SpanMetricsHourly.class);

  private SpanMetricsHourly() {}

  static final long HOUR_NANOS = 3_600_000_000_000L;

  /** The {@code sightline_meta} key present once the table matches {@code span_metrics}. */
  static final String SINCE_KEY = "span_metrics_hourly_since";

  /** Hourly rows from the 10-second rows (the caller adds WHERE; grouped by series and hour). */
  private static final String FROM_TEN_SECOND_ROWS;

  static {
    StringBuilder sb =
        new StringBuilder("SELECT tenant, ")
            .append(
                "CASE WHEN bucket_ns >= 0 THEN bucket_ns // "
                    + HOUR_NANOS
                    + " ELSE -((-(bucket_ns + 1)) // "
                    + HOUR_NANOS
                    + ") - 1 END * "
                    + HOUR_NANOS)
            .append(", service, operation, kind, status_code,")
            .append(" sum(requests)::BIGINT, sum(errors)::BIGINT, sum(duration_sum_ns)::BIGINT, [");
    for (int i = 1; i <= dev.sightline.core.storage.DurationHistogram.BUCKETS; i++) {
      sb.append(i == 1 ? "" : ", ").append("sum(durations[").append(i).append("])::BIGINT");
    }
    FROM_TEN_SECOND_ROWS = sb.append("] FROM span_metrics").toString();
  }

  /** Creates the table and derives it from {@code span_metrics} unless already complete. */
  static void ensure(Connection c) throws SQLException {
    boolean complete =
        Meta.get(c, SINCE_KEY) != null && Meta.tableExists(c, Schema.SPAN_METRICS_HOURLY);
    Meta.execute(c, Schema.SPAN_METRICS_HOURLY_DDL);
    if (complete) return;
    logger.info("rolling up span metrics by hour (once)");
    long start = System.nanoTime();
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DELETE FROM " + Schema.SPAN_METRICS_HOURLY);
          Meta.execute(
              c,
              "INSERT INTO "
                  + Schema.SPAN_METRICS_HOURLY
                  + " "
                  + FROM_TEN_SECOND_ROWS
                  + " GROUP BY ALL");
          Meta.put(c, SINCE_KEY, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000) logger.info("span metrics rolled up by hour in {} ms", millis);
  }

  /**
   * Retention, after the 10-second rows before the cutoff were deleted (same transaction): hours
   * before the cutoff's go; the cutoff's hour, when cut, is rolled up again from what remains.
   */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    // no hour to cut at the extremes of the time line (and no overflow)
    if (cutoffUnixNano <= Long.MIN_VALUE + HOUR_NANOS
        || cutoffUnixNano >= Long.MAX_VALUE - HOUR_NANOS) {
      return;
    }
    long hourStart = Math.floorDiv(cutoffUnixNano, HOUR_NANOS) * HOUR_NANOS;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.SPAN_METRICS_HOURLY + " WHERE bucket_ns < ?")) {
      ps.setLong(1, hourStart);
      ps.executeUpdate();
    }
    if (hourStart == cutoffUnixNano) return;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.SPAN_METRICS_HOURLY + " WHERE bucket_ns = ?")) {
      ps.setLong(1, hourStart);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + Schema.SPAN_METRICS_HOURLY
                + " "
                + FROM_TEN_SECOND_ROWS
                + " WHERE bucket_ns >= ? AND bucket_ns < ? GROUP BY ALL")) {
      ps.setLong(1, hourStart);
      ps.setLong(2, hourStart + HOUR_NANOS);
      ps.executeUpdate();
    }
  }
}
