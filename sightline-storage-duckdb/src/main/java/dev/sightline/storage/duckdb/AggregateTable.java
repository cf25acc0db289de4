package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.DurationHistogram;
import java.util.List;

/**
 * A table of append-only aggregate rows: {@code tenant}, {@code bucket_ns} and the other key
 * columns, then summed counts, then the {@code durations} histogram — in that column order. The
 * writer appends a row per key and commit; readers sum; {@link SpanMetricsCompactor} merges the
 * rows of a key into one, and {@link HourlyRollup} derives an hourly table from a 10-second one,
 * both from the SQL here.
 */
record AggregateTable(String name, List<String> keys, List<String> sums) {
  static final AggregateTable SPAN_METRICS = red(Schema.SPAN_METRICS);
  static final AggregateTable SPAN_METRICS_HOURLY = red(Schema.SPAN_METRICS_HOURLY);
  static final AggregateTable SERVICE_EDGES = edges(Schema.SERVICE_EDGES);
  static final AggregateTable SERVICE_EDGES_HOURLY = edges(Schema.SERVICE_EDGES_HOURLY);

  private static AggregateTable red(String name) {
    return new AggregateTable(
        name,
        List.of("tenant", "bucket_ns", "service", "operation", "kind", "status_code"),
        List.of("requests", "errors", "duration_sum_ns"));
  }

  private static AggregateTable edges(String name) {
    return new AggregateTable(
        name,
        List.of("tenant", "bucket_ns", "client", "server", "caller_kind"),
        List.of("calls", "errors", "duration_sum_ns"));
  }

  /** {@code sum(...)::BIGINT} of each summed column and the histogram, from the first comma. */
  private void appendSums(StringBuilder sb) {
    for (String sum : sums) sb.append(", sum(").append(sum).append(")::BIGINT AS ").append(sum);
    sb.append(", [");
    for (int i = 1; i <= DurationHistogram.BUCKETS; i++) {
      sb.append(i == 1 ? "" : ", ").append("sum(durations[").append(i).append("])::BIGINT");
    }
    sb.append("] AS durations");
  }

  /**
   * The keys with more than one row in the buckets starting in [?, ?), each merged into one row, as
   * a temporary table {@code <name>_merged}.
   */
  String merged() {
    StringBuilder sb =
        new StringBuilder("CREATE TEMP TABLE ")
            .append(name)
            .append("_merged AS SELECT ")
            .append(String.join(", ", keys));
    appendSums(sb);
    return sb.append(" FROM ")
        .append(name)
        .append(" WHERE bucket_ns >= ? AND bucket_ns < ? GROUP BY ALL HAVING count(*) > 1")
        .toString();
  }

  /** Deletes the rows in [?, ?) of the keys in {@code <name>_merged}. */
  String delete() {
    StringBuilder sb =
        new StringBuilder("DELETE FROM ")
            .append(name)
            .append(" USING ")
            .append(name)
            .append("_merged m WHERE ")
            .append(name)
            .append(".bucket_ns >= ? AND ")
            .append(name)
            .append(".bucket_ns < ?");
    for (String key : keys) {
      sb.append(" AND ").append(name).append('.').append(key).append(" = m.").append(key);
    }
    return sb.toString();
  }

  /**
   * This table's rows summed by hour ({@code bucket_ns} the hour's start, floored for negative
   * times too), in its column order; the caller adds a WHERE clause and then {@code GROUP BY ALL}.
   */
  String byHour() {
    long hour = HourlyRollup.HOUR_NANOS;
    StringBuilder sb = new StringBuilder("SELECT ");
    String sep = "";
    for (String key : keys) {
      sb.append(sep);
      sep = ", ";
      if (key.equals("bucket_ns")) {
        sb.append("CASE WHEN bucket_ns >= 0 THEN bucket_ns // ")
            .append(hour)
            .append(" ELSE -((-(bucket_ns + 1)) // ")
            .append(hour)
            .append(") - 1 END * ")
            .append(hour)
            .append(" AS bucket_ns");
      } else {
        sb.append(key);
      }
    }
    appendSums(sb);
    return sb.append(" FROM ").append(name).toString();
  }
}
