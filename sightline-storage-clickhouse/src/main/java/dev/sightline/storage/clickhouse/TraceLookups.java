package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The two lookup tables of schema version 2, both kept by materialized views on {@code spans} (on
 * {@code spans_local} in a cluster, like {@code trace_index}):
 *
 * <ul>
 *   <li>{@code spans_by_trace}: every span again, ordered by {@code (tenant, cityHash64(trace_id),
 *       start_ns)} with small granules (a hash: 8 bytes per key entry instead of 32), so that the
 *       spans of a trace (trace by id, and the summaries of search) are one primary-key range
 *       instead of a granule of every column per service.
 *   <li>{@code attr_index}: one row per (day, tenant, key, {@code cityHash64} of the text value,
 *       {@code cityHash64} of the trace id) of each inserted block, with the first and last start
 *       of the spans holding it, ordered by {@code (tenant, key, value_hash, first_ns)}: the
 *       candidate traces of an attribute filter are a primary-key range. Span attributes, and
 *       resource attributes of the spans lacking that key (the span's own attribute wins, as in the
 *       filters' SQL). A hash, so long values cost 8 bytes; collisions only add candidates, which
 *       the exact re-check on the spans drops.
 * </ul>
 *
 * <p>Existing spans are back-filled when a version-1 store is migrated ({@link #backfill}), one day
 * partition at a time. Rows written by the views between their creation and the back-fill's read
 * are stored twice there, which both tables tolerate: readers take each span once ({@code LIMIT 1
 * BY}) and the index only proposes candidates.
 */
final class TraceLookups {
  private TraceLookups() {}

  /** The DDL of the tables and views, after {@code spans} (local tables in a cluster). */
  static List<String> statements(TableLayout layout) {
    String spans = layout.local("spans");
    String byTrace = layout.local("spans_by_trace");
    String index = layout.local("attr_index");
    List<String> ddl = new ArrayList<>();
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + byTrace
            + " AS "
            + spans
            + " ENGINE = "
            + layout.engine("spans_by_trace", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, cityHash64(trace_id), start_ns)"
            + " SETTINGS index_granularity = 256");
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS spans_by_trace_mv TO "
            + byTrace
            + " AS SELECT * FROM "
            + spans);
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + index
            + " (day Date, tenant String, key String, value_hash UInt64, first_ns UInt64,"
            + " last_ns UInt64, trace_hash UInt64) ENGINE = "
            + layout.engine("attr_index", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, key, value_hash, first_ns)");
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS attr_index_span_mv TO "
            + index
            + " AS "
            + indexSelect(spans, "attr", ""));
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS attr_index_res_mv TO "
            + index
            + " AS "
            + indexSelect(spans, "res", ""));
    return ddl;
  }

  /**
   * The rows of {@code attr_index} for the spans of {@code source} matching {@code where} (empty,
   * or an SQL condition): per day, tenant, key, value hash and trace, the first and last start. No
   * alias repeats a source column's name (18.16 rejects such a view).
   */
  static String indexSelect(String source, String prefix, String where) {
    String k = prefix + "_k";
    String v = prefix + "_v";
    List<String> conditions = new ArrayList<>();
    // a resource attribute counts only for spans without their own attribute of that key
    if (prefix.equals("res")) conditions.add("NOT has(attr_keys, " + k + ")");
    if (!where.isEmpty()) conditions.add(where);
    return "SELECT day, tenant, "
        + k
        + " AS key, cityHash64("
        + v
        + ") AS value_hash, min(start_ns) AS first_ns, max(start_ns) AS last_ns,"
        + " cityHash64(trace_id) AS trace_hash FROM "
        + source
        + " ARRAY JOIN "
        + prefix
        + "_keys AS "
        + k
        + ", "
        + prefix
        + "_values AS "
        + v
        + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
        + " GROUP BY day, tenant, key, value_hash, trace_hash";
  }

  /**
   * Fills both tables from the spans already stored on this node, one hour of one service at a
   * time: a primary-key range of {@code spans} each, so each statement's memory and duration are
   * bounded by one service's spans of one hour (well inside the request timeout; the insert blocks
   * by {@link #BACKFILL_BLOCK_ROWS}; a larger aggregation spills to disk).
   *
   * @return the number of ranges back-filled
   */
  static int backfill(ClickHouseHttp node, TableLayout layout) {
    ClickHouseHttp http =
        node.withSetting("max_insert_block_size", String.valueOf(BACKFILL_BLOCK_ROWS))
            .withSetting("min_insert_block_size_rows", String.valueOf(BACKFILL_BLOCK_ROWS))
            .withSetting("min_insert_block_size_bytes", "67108864")
            .withSetting("max_bytes_before_external_group_by", "536870912");
    String spans = layout.local("spans");
    List<String> ranges = new ArrayList<>();
    for (JsonNode r :
        http.query(
            "SELECT day AS d, service AS s, intDiv(start_ns, "
                + BACKFILL_SLICE_NANOS
                + ") AS h FROM "
                + spans
                + " GROUP BY d, s, h ORDER BY d, s, h")) {
      long from = r.get("h").asLong() * BACKFILL_SLICE_NANOS;
      ranges.add(
          "day = "
              + Sql.literal(r.get("d").asText())
              + " AND service = "
              + Sql.literal(r.get("s").asText())
              + " AND start_ns >= "
              + from
              + " AND start_ns < "
              + (from + BACKFILL_SLICE_NANOS));
    }
    for (String where : ranges) {
      http.execute(
          "INSERT INTO "
              + layout.local("spans_by_trace")
              + " SELECT * FROM "
              + spans
              + " WHERE "
              + where);
      for (String prefix : List.of("attr", "res")) {
        http.execute(
            "INSERT INTO "
                + layout.local("attr_index")
                + " (day, tenant, key, value_hash, first_ns, last_ns, trace_hash) "
                + indexSelect(spans, prefix, where));
      }
    }
    return ranges.size();
  }

  /** The back-fill's ranges: an hour of one service's spans each. */
  static final long BACKFILL_SLICE_NANOS = 3_600_000_000_000L;

  /** Rows per block inserted by the back-fill (each block sorted in memory, written as a part). */
  static final int BACKFILL_BLOCK_ROWS = 65_536;
}
