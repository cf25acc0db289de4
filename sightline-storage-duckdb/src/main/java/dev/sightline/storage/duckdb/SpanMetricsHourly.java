package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code span_metrics_hourly} at open: derived from {@code span_metrics} for a directory written
 * before the table existed, or changed since by a build that does not know it ({@link
 * HourlyRollup#matches}); the writer, compaction and retention keep it exact afterwards.
 */
final class SpanMetricsHourly {
  private static final Logger logger = LoggerFactory.getLogger(SpanMetricsHourly.class);

  private SpanMetricsHourly() {}

  static final long HOUR_NANOS = HourlyRollup.HOUR_NANOS;

  /** The {@code sightline_meta} key present once the table matches {@code span_metrics}. */
  static final String SINCE_KEY = "span_metrics_hourly_since";

  /** Creates the table and derives it from {@code span_metrics} unless already complete. */
  static void ensure(Connection c) throws SQLException {
    boolean complete =
        Meta.get(c, SINCE_KEY) != null && Meta.tableExists(c, Schema.SPAN_METRICS_HOURLY);
    Meta.execute(c, Schema.SPAN_METRICS_HOURLY_DDL);
    if (complete && HourlyRollup.SPAN_METRICS.matches(c)) return;
    logger.info("rolling up span metrics by hour (once)");
    long start = System.nanoTime();
    Meta.inTransaction(
        c,
        () -> {
          HourlyRollup.SPAN_METRICS.derive(c);
          Meta.put(c, SINCE_KEY, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000) logger.info("span metrics rolled up by hour in {} ms", millis);
  }
}
