package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An hourly table beside a 10-second one ({@code span_metrics_hourly} beside {@code span_metrics},
 * {@code service_edges_hourly} beside {@code service_edges}). The writer appends the hourly rows of
 * a commit with its 10-second rows, in the same transaction, so for every hour the hourly rows sum
 * to exactly what the 10-second rows of that hour sum to, at every commit; readers take the whole
 * hours of a range from the hourly table ({@link #wholeHours}) and its ragged ends from the
 * 10-second one. This class keeps that equality where the writer does not: a derivation from the
 * 10-second rows (at open, for a directory written before the hourly table existed) and retention
 * (the cutoff's hour derived again from the 10-second rows that remain).
 */
final class HourlyRollup {
  static final long HOUR_NANOS = 3_600_000_000_000L;

  static final HourlyRollup SPAN_METRICS =
      new HourlyRollup(AggregateTable.SPAN_METRICS, AggregateTable.SPAN_METRICS_HOURLY);
  static final HourlyRollup SERVICE_EDGES =
      new HourlyRollup(AggregateTable.SERVICE_EDGES, AggregateTable.SERVICE_EDGES_HOURLY);

  private final AggregateTable tenSecond;
  private final AggregateTable hourly;

  private HourlyRollup(AggregateTable tenSecond, AggregateTable hourly) {
    this.tenSecond = tenSecond;
    this.hourly = hourly;
  }

  /** Empties the hourly table and fills it from the 10-second rows; in the caller's transaction. */
  void derive(Connection c) throws SQLException {
    Meta.execute(c, "DELETE FROM " + hourly.name());
    Meta.execute(c, "INSERT INTO " + hourly.name() + " " + tenSecond.byHour() + " GROUP BY ALL");
  }

  /**
   * Whether the hourly table holds what the 10-second one does: the same totals of every summed
   * column. A cheap check at open (one pass over each table's few summed columns) that catches what
   * an older build, which knows only the 10-second table, wrote or deleted in between: such a build
   * accepts the directory (the schema version did not change for a derived table) but leaves the
   * hourly rows behind.
   */
  boolean matches(Connection c) throws SQLException {
    StringBuilder totals = new StringBuilder("SELECT ");
    String sep = "";
    for (String sum : tenSecond.sums()) {
      totals
          .append(sep)
          .append("(SELECT coalesce(sum(")
          .append(sum)
          .append("), 0) FROM ")
          .append(tenSecond.name())
          .append(") = (SELECT coalesce(sum(")
          .append(sum)
          .append("), 0) FROM ")
          .append(hourly.name())
          .append(')');
      sep = " AND ";
    }
    try (java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(totals.toString())) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * Retention, after the 10-second rows before the cutoff were deleted (same transaction): hours
   * before the cutoff's go; the cutoff's hour, when cut, is rolled up again from what remains.
   */
  void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    // nothing is stored an hour from the start of the time line (and the hour would overflow)
    if (cutoffUnixNano <= Long.MIN_VALUE + HOUR_NANOS) return;
    long hourStart = Math.floorDiv(cutoffUnixNano, HOUR_NANOS) * HOUR_NANOS;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + hourly.name() + " WHERE bucket_ns < ?")) {
      ps.setLong(1, hourStart);
      ps.executeUpdate();
    }
    if (hourStart == cutoffUnixNano) return;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + hourly.name() + " WHERE bucket_ns = ?")) {
      ps.setLong(1, hourStart);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + hourly.name()
                + " "
                + tenSecond.byHour()
                + " WHERE bucket_ns >= ? AND bucket_ns < ? GROUP BY ALL")) {
      ps.setLong(1, hourStart);
      ps.setLong(2, Sql.saturatedAdd(hourStart, HOUR_NANOS));
      ps.executeUpdate();
    }
  }

  /**
   * What follows {@code FROM} to read one tenant's rows of the buckets starting in [start, end):
   * the whole hours {@code hours} ({@link #wholeHours}) from the hourly table and the ragged ends
   * from the 10-second one, in one {@code UNION ALL} of three plain ranges (so zone maps prune
   * each), or the 10-second table alone when {@code hours} is null. Ends with a condition, so the
   * caller may append {@code AND ...}; its parameters are added to {@code params}.
   */
  String from(String tenant, long start, long end, long @Nullable [] hours, List<Object> params) {
    String range = " WHERE tenant = ? AND bucket_ns >= ? AND bucket_ns < ?";
    if (hours == null) {
      params.addAll(List.of(tenant, start, end));
      return tenSecond.name() + range;
    }
    params.addAll(List.of(tenant, start, hours[0], tenant, hours[0], hours[1]));
    params.addAll(List.of(tenant, hours[1], end));
    return "(SELECT * FROM "
        + tenSecond.name()
        + range
        + " UNION ALL SELECT * FROM "
        + hourly.name()
        + range
        + " UNION ALL SELECT * FROM "
        + tenSecond.name()
        + range
        + ") AS m WHERE true";
  }

  /**
   * The whole hours of the buckets starting in [start, end): {@code {first, end}} with {@code first
   * < end}, or null when there is none (or the range reaches the extremes of the time line).
   */
  static long @Nullable [] wholeHours(long start, long end) {
    if (start <= Long.MIN_VALUE + HOUR_NANOS || end >= Long.MAX_VALUE - HOUR_NANOS) return null;
    long first = Math.floorDiv(start, HOUR_NANOS) * HOUR_NANOS;
    if (first < start) first += HOUR_NANOS;
    long last = Math.floorDiv(end, HOUR_NANOS) * HOUR_NANOS;
    return first < last ? new long[] {first, last} : null;
  }
}
