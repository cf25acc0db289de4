package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@code span_metrics_hourly}: RED by hour, maintained by ClickHouse like {@code span_metrics} (a
 * materialized view from each inserted block of spans into a {@code SummingMergeTree}), so a range
 * of whole hours reads one row per key and hour instead of 360 ten-second rows. Readers take the
 * whole hours of a range from it and the rest from {@code span_metrics} (and {@code spans} for what
 * is finer than 10 s), which keeps every answer exact.
 *
 * <p><b>Since when it is complete.</b> A view sees only the spans inserted after it exists, so a
 * store that predates the table (schema version 3 or older) has no hourly rows for its earlier
 * spans. Instead of a back-fill — which would count twice whatever is inserted between the view's
 * creation and the back-fill's read, and sums cannot tolerate that — each node records in {@code
 * rollup_since} the first hour its table is complete from: 0 for a table created with the store,
 * else the hour after the one following the creation (so a span inserted before the view with a
 * start up to an hour ahead of the node's clock is still not missed). Readers use the hourly rows
 * only from the latest such hour over all nodes ({@link #since}); older hours keep coming from
 * {@code span_metrics}, exactly as before, until retention removes them.
 */
final class HourlyRollup {
  static final long HOUR_NANOS = 3_600_000_000_000L;

  static final String TABLE = "span_metrics_hourly";

  private HourlyRollup() {}

  /** The table, its view and (in a cluster) the {@code Distributed} table, in creation order. */
  static List<String> statements(TableLayout layout, String lowCardinality) {
    String table =
        "CREATE TABLE IF NOT EXISTS "
            + layout.local(TABLE)
            + " (day Date, tenant "
            + lowCardinality
            + ", service "
            + lowCardinality
            + ", operation "
            + lowCardinality
            + ", kind UInt8, status_code UInt8, bucket_ns UInt64, requests UInt64, errors UInt64,"
            + " duration_sum_ns Int64"
            + ClickHouseSchema.histogramColumns(" UInt64")
            + ") ENGINE = "
            + layout.engine(
                TABLE,
                "SummingMergeTree",
                "(requests, errors, duration_sum_ns" + ClickHouseSchema.histogramColumns("") + ")")
            + " PARTITION BY day"
            + " ORDER BY (tenant, service, bucket_ns, operation, kind, status_code)";
    String view =
        "CREATE MATERIALIZED VIEW IF NOT EXISTS "
            + TABLE
            + "_mv TO "
            + layout.local(TABLE)
            + " AS SELECT day,"
            + " tenant, service, name AS operation, kind, status_code,"
            + " intDiv(start_ns, "
            + HOUR_NANOS
            + ") * "
            + HOUR_NANOS
            + " AS bucket_ns, count() AS requests,"
            + " countIf(status_code = 2) AS errors, sum(duration_ns) AS duration_sum_ns"
            + ClickHouseSchema.histogramCounts()
            + " FROM "
            + layout.local("spans")
            + " GROUP BY day, tenant, service, operation, kind, status_code, bucket_ns";
    return layout.clustered()
        ? List.of(table, view, layout.distributed(TABLE, ClickHouseSchema.RED_SHARDING_KEY))
        : List.of(table, view);
  }

  /**
   * Creates what is missing on one node and returns the hour its table is complete from, recording
   * it the first time.
   *
   * @param current the node's schema version before this start (0: a new store)
   */
  static long apply(ClickHouseHttp http, TableLayout layout, int current, String lowCardinality) {
    // the string type of span_metrics, which may predate a server upgrade: the readers' UNION
    // ALL of the two tables wants the same types
    List<JsonNode> type =
        http.query(
            "SELECT type FROM system.columns WHERE database = currentDatabase() AND table = "
                + Sql.literal(layout.local("span_metrics"))
                + " AND name = 'service'");
    if (!type.isEmpty()) lowCardinality = type.get(0).get("type").asText();
    boolean existed =
        http.query(
                    "SELECT count() AS n FROM system.tables WHERE database = currentDatabase()"
                        + " AND name = "
                        + Sql.literal(layout.local(TABLE)))
                .get(0)
                .get("n")
                .asLong()
            > 0;
    for (String statement : statements(layout, lowCardinality)) {
      ClickHouseSchema.ddl(http, statement);
    }
    ClickHouseSchema.ddl(
        http,
        "CREATE TABLE IF NOT EXISTS rollup_since (table_name String, since_ns UInt64,"
            + " at_ns UInt64) ENGINE = MergeTree ORDER BY table_name");
    JsonNode recorded =
        http.query(
                "SELECT count() AS n, max(since_ns) AS since FROM rollup_since WHERE table_name = "
                    + Sql.literal(TABLE))
            .get(0);
    if (recorded.get("n").asLong() > 0) return recorded.get("since").asLong();
    long now = System.currentTimeMillis() * 1_000_000L;
    // a table made with the store holds every span; else from two hours on (see the class doc),
    // or after the latest span stored so far if that is later (a span from a clock far ahead,
    // inserted before the view existed). A table found without a record (another server made it
    // and has not recorded yet) is treated as new to this node: the later hour is always safe.
    long since = 0;
    if (current > 0 || existed) {
      since = (Math.floorDiv(now, HOUR_NANOS) + 2) * HOUR_NANOS;
      long latest =
          http.query("SELECT max(start_ns) AS m FROM " + layout.local("spans"))
              .get(0)
              .get("m")
              .asLong();
      if (latest < Long.MAX_VALUE - 2 * HOUR_NANOS) {
        since = Math.max(since, (Math.floorDiv(latest, HOUR_NANOS) + 1) * HOUR_NANOS);
      }
    }
    http.execute(
        "INSERT INTO rollup_since (table_name, since_ns, at_ns) VALUES ("
            + Sql.literal(TABLE)
            + ", "
            + since
            + ", "
            + now
            + ")");
    return since;
  }

  /**
   * Before retention deletes rows older than {@code cutoff}: hours from the one after the cutoff's
   * on are read by hour, recorded on every node and in {@code since} (the cut hour itself, whose
   * hourly row goes while part of its 10-second rows stays, is read from those), so a read never
   * takes an hour the delete has emptied. Returns the hour reads by hour start from.
   */
  static long raiseForRetention(List<ClickHouseHttp> nodes, AtomicLong since, long cutoff) {
    long hour = Math.floorDiv(cutoff, HOUR_NANOS) * HOUR_NANOS;
    if (hour < cutoff) hour += HOUR_NANOS;
    if (hour <= since.get()) return since.get();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (ClickHouseHttp node : nodes) {
      node.execute(
          "INSERT INTO rollup_since (table_name, since_ns, at_ns) VALUES ("
              + Sql.literal(TABLE)
              + ", "
              + hour
              + ", "
              + now
              + ")");
    }
    long raised = hour;
    return since.accumulateAndGet(raised, Math::max);
  }

  /**
   * The whole hours of {@code [start, end)} the hourly table can answer: {@code {first, end}} with
   * {@code first < end}, or null when there is none.
   */
  static long @Nullable [] wholeHours(long start, long end, long since) {
    start = Math.max(start, 0); // no span starts before 1970; bounds the arithmetic below
    if (start > Long.MAX_VALUE - HOUR_NANOS || end <= start) return null;
    long first = Math.floorDiv(start, HOUR_NANOS) * HOUR_NANOS;
    if (first < start) first += HOUR_NANOS;
    first = Math.max(first, since);
    long last = Math.floorDiv(end, HOUR_NANOS) * HOUR_NANOS;
    return first < last ? new long[] {first, last} : null;
  }
}
