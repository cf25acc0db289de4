package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The two lookup tables (schema version 2, fed by the writer since version 3), on {@code spans} (on
 * {@code spans_local} in a cluster, like {@code trace_index}):
 *
 * <ul>
 *   <li>{@code spans_by_trace}: every span again, ordered by {@code (tenant, cityHash64(trace_id),
 *       start_ns)} with small granules (a hash: 8 bytes per key entry instead of 32), so that the
 *       spans of a trace (trace by id, and the summaries of search) are one primary-key range
 *       instead of a granule of every column per service. Kept by the materialized view {@code
 *       spans_by_trace_mv}.
 *   <li>{@code attr_index}: one row per (day, tenant, key, {@code cityHash64} of the text value,
 *       {@code cityHash64} of the trace id), with the first and last start of the spans holding it,
 *       ordered by {@code (tenant, key, value_hash, first_ns)}: the candidate traces of an
 *       attribute filter are a primary-key range. Span attributes, and resource attributes of the
 *       spans lacking that key (the span's own attribute wins, as in the filters' SQL). A hash, so
 *       long values cost 8 bytes; collisions only add candidates, which the exact re-check on the
 *       spans drops. Since version 3 the writer computes the rows, deduplicated per batch ({@link
 *       AttrIndexRows}), and inserts them into the {@code Null} table {@code attr_index_in}, whose
 *       view {@code attr_index_in_mv} hashes them into {@code attr_index}, before the spans (so the
 *       index never lacks a stored span; an index row whose spans failed only adds a candidate).
 *       Version 2's views ({@code attr_index_span_mv}, {@code attr_index_res_mv}: an {@code ARRAY
 *       JOIN} of every attribute of every span) are dropped by the migration.
 * </ul>
 *
 * <p>Kept or not by the builder's {@code traceLookups} (default kept); what was last decided is
 * recorded per node in {@code trace_lookups} ({@link #apply}). Turned off: views and tables are
 * dropped (nothing stale is left to read). Turned on (or a version-1 store migrated): created, then
 * back-filled from the spans already stored ({@link #backfill}), one hour of one service at a time.
 * Rows written between the views' creation and the back-fill's read are stored twice there, which
 * both tables tolerate: readers take each span once ({@code LIMIT 1 BY}) and the index only
 * proposes candidates.
 */
final class TraceLookups {
  private TraceLookups() {}

  /** The version-2 views that indexed every attribute of every span: dropped since version 3. */
  static final List<String> VERSION_2_VIEWS = List.of("attr_index_span_mv", "attr_index_res_mv");

  /** What {@code trace_lookups} last recorded on a node. */
  record State(boolean enabled, IndexedKeys keys) {}

  /**
   * Creates, drops or keeps the lookup tables of one node as {@code keep} says, with {@code
   * attr_index} holding the attributes of {@code keys}, and records it.
   *
   * @param current the schema version of the node before this start (0: a new store)
   * @return whether a back-fill ran
   */
  static boolean apply(
      ClickHouseHttp http, TableLayout layout, int current, boolean keep, IndexedKeys keys) {
    ClickHouseSchema.ddl(
        http,
        "CREATE TABLE IF NOT EXISTS trace_lookups (enabled UInt8, indexed_keys String,"
            + " at_ns UInt64) ENGINE = MergeTree ORDER BY at_ns");
    State recorded = recorded(http);
    // what the node's tables hold: version 1 had none, version 2 kept them for every key
    State holds =
        current >= 3
            ? recorded
            : current == 2 ? new State(true, IndexedKeys.ALL) : new State(false, keys);
    if (current == 2) {
      for (String view : VERSION_2_VIEWS)
        ClickHouseSchema.ddl(http, "DROP TABLE IF EXISTS " + view);
    }
    boolean backfilled = false;
    if (keep) {
      boolean fresh = holds != null && holds.enabled();
      boolean sameKeys = holds != null && holds.keys().equals(keys);
      if (current > 0 && fresh && !sameKeys) {
        // other keys than the store's index holds: rebuilt for them (spans_by_trace is fine)
        ClickHouseSchema.ddl(http, "DROP TABLE IF EXISTS " + layout.local("attr_index"));
      }
      for (String statement : statements(layout)) ClickHouseSchema.ddl(http, statement);
      // an existing store whose spans are not (all) in the tables: version 1, or turned off since
      if (current > 0 && (!fresh || !sameKeys)) {
        backfill(http, layout, keys, !fresh);
        backfilled = true;
      }
    } else {
      for (String statement : drops(layout)) ClickHouseSchema.ddl(http, statement);
    }
    State now = new State(keep, keep ? keys : IndexedKeys.ALL);
    if (!now.equals(recorded)) {
      http.execute(
          "INSERT INTO trace_lookups (enabled, indexed_keys, at_ns) VALUES ("
              + (keep ? 1 : 0)
              + ", "
              + Sql.literal(now.keys().encode())
              + ", "
              + System.currentTimeMillis() * 1_000_000L
              + ")");
    }
    return backfilled;
  }

  /** The last state recorded on this node, or null if none. */
  static @Nullable State recorded(ClickHouseHttp http) {
    List<JsonNode> rows =
        http.query(
            "SELECT enabled AS e, indexed_keys AS k FROM trace_lookups ORDER BY at_ns DESC LIMIT 1");
    if (rows.isEmpty()) return null;
    return new State(
        rows.get(0).get("e").asInt() == 1, IndexedKeys.parse(rows.get(0).get("k").asText()));
  }

  /** The DDL of the tables and views, after {@code spans} (local tables in a cluster). */
  static List<String> statements(TableLayout layout) {
    String spans = layout.local("spans");
    String byTrace = layout.local("spans_by_trace");
    String index = layout.local("attr_index");
    String input = layout.local("attr_index_in");
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
    // the writer's rows (AttrIndexRows) pass through a Null table: ClickHouse hashes them
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + input
            + " (day Date, tenant String, trace_id String, key String, value String,"
            + " first_ns UInt64, last_ns UInt64) ENGINE = Null");
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS attr_index_in_mv TO "
            + index
            + " AS SELECT day, tenant, key, cityHash64(value) AS value_hash, first_ns, last_ns,"
            + " cityHash64(trace_id) AS trace_hash FROM "
            + input);
    if (layout.clustered()) {
      ddl.add(layout.distributed("spans_by_trace", ClickHouseSchema.TRACE_SHARDING_KEY));
      ddl.add(layout.distributed("attr_index", "trace_hash")); // = cityHash64(trace_id)
      ddl.add(layout.distributed("attr_index_in", ClickHouseSchema.TRACE_SHARDING_KEY));
    }
    return ddl;
  }

  /**
   * Drops every view and table of the lookups (views first: nothing writes into a dropped table).
   */
  static List<String> drops(TableLayout layout) {
    List<String> ddl = new ArrayList<>();
    for (String view : List.of("spans_by_trace_mv", "attr_index_in_mv")) {
      ddl.add("DROP TABLE IF EXISTS " + view);
    }
    for (String view : VERSION_2_VIEWS) ddl.add("DROP TABLE IF EXISTS " + view);
    for (String table : List.of("spans_by_trace", "attr_index", "attr_index_in")) {
      if (layout.clustered()) ddl.add("DROP TABLE IF EXISTS " + table);
      ddl.add("DROP TABLE IF EXISTS " + layout.local(table));
    }
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
   * Fills {@code attr_index} (for {@code keys}) and, if {@code spansByTrace}, {@code
   * spans_by_trace} from the spans already stored on this node, one hour of one service at a time:
   * a primary-key range of {@code spans} each, so each statement's memory and duration are bounded
   * by one service's spans of one hour (well inside the request timeout; the insert blocks by
   * {@link #BACKFILL_BLOCK_ROWS}; a larger aggregation spills to disk).
   *
   * @return the number of ranges back-filled
   */
  static int backfill(
      ClickHouseHttp node, TableLayout layout, IndexedKeys keys, boolean spansByTrace) {
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
      if (spansByTrace) {
        http.execute(
            "INSERT INTO "
                + layout.local("spans_by_trace")
                + " SELECT * FROM "
                + spans
                + " WHERE "
                + where);
      }
      if (keys.keys() != null && keys.keys().isEmpty()) continue;
      for (String prefix : List.of("attr", "res")) {
        String k = keys.condition(prefix + "_k");
        http.execute(
            "INSERT INTO "
                + layout.local("attr_index")
                + " (day, tenant, key, value_hash, first_ns, last_ns, trace_hash) "
                + indexSelect(spans, prefix, k.isEmpty() ? where : where + " AND " + k));
      }
    }
    return ranges.size();
  }

  /** The back-fill's ranges: an hour of one service's spans each. */
  static final long BACKFILL_SLICE_NANOS = 3_600_000_000_000L;

  /** Rows per block inserted by the back-fill (each block sorted in memory, written as a part). */
  static final int BACKFILL_BLOCK_ROWS = 65_536;
}
