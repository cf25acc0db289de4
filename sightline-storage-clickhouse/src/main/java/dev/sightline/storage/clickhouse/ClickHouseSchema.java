package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.storage.DurationHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables, created idempotently ({@code CREATE ... IF NOT EXISTS}) at start, and the {@code
 * schema_migrations} table recording which schema version they are. Several Sightline servers may
 * start at once against one database: every statement is idempotent, and two of them recording the
 * same version is harmless (the version read is the maximum).
 *
 * <p>In a cluster ({@link TableLayout}) the same statements run on every node: the local tables and
 * their views, then the {@code Distributed} tables in front, and each node records its version.
 *
 * <p>One DDL text serves every server version; features that 18.16 lacks are switched on by the
 * detected version ({@link ServerVersion#modern()}): {@code LowCardinality} for the repetitive
 * strings, {@code Delta}+{@code ZSTD} codecs on times, and bloom-filter skip indexes on trace ids.
 * See the module README for the layout and why.
 */
final class ClickHouseSchema {
  /**
   * The version of the layout below; bumped with a migration step when it changes. 2: the lookup
   * tables of {@link TraceLookups} ({@code spans_by_trace}, {@code attr_index}), back-filled from
   * the spans of a version-1 store when it is migrated. 3: {@code attr_index} fed by the writer
   * (through {@code attr_index_in}) instead of the views on {@code spans}, and the lookup tables
   * optional ({@link TraceLookups#apply}). 4: {@code span_metrics_hourly} ({@link HourlyRollup}),
   * complete from the hour {@code rollup_since} records.
   */
  static final int VERSION = 4;

  /** Tables partitioned by UTC day, with the column holding each row's event time. */
  static final List<TimedTable> TIMED_TABLES =
      List.of(
          new TimedTable("spans", "start_ns"),
          new TimedTable("trace_index", "last_ns"),
          new TimedTable("spans_by_trace", "start_ns"),
          new TimedTable("attr_index", "last_ns"),
          new TimedTable("span_metrics", "bucket_ns"),
          new TimedTable(HourlyRollup.TABLE, "bucket_ns"),
          new TimedTable(ServiceEdgeRollup.EDGES, "bucket_ns"),
          new TimedTable(ServiceEdgeRollup.RUNS, "bucket_ns"),
          new TimedTable("logs", "event_ns"),
          new TimedTable("metric_points", "time_ns"));

  /** A table and its event-time column, for retention. */
  record TimedTable(String name, String timeColumn) {}

  /** The server's {@code version()}, parsed. */
  record ServerVersion(int major, int minor, String text) {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+).*");

    static ServerVersion parse(String text) {
      Matcher m = VERSION.matcher(text);
      if (!m.matches()) throw new IllegalStateException("unknown ClickHouse version " + text);
      return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text);
    }

    /**
     * 20.3 (the first long-term-support release with all of them on by default) or newer: {@code
     * LowCardinality}, codecs and {@code bloom_filter} skip indexes without experimental settings.
     */
    boolean modern() {
      return major > 20 || (major == 20 && minor >= 3);
    }
  }

  /** Sharding keys of the {@code Distributed} tables: a trace's rows all on one shard. */
  static final String TRACE_SHARDING_KEY = "cityHash64(trace_id)";

  private static final String LOG_SHARDING_KEY =
      "if(trace_id = '', rand(), cityHash64(trace_id))"; // logs without a trace spread
  private static final String METRIC_SHARDING_KEY = "cityHash64(tenant, name, service, attributes)";
  static final String RED_SHARDING_KEY = "cityHash64(tenant, service, operation)";

  /** How often a DDL statement that lost a race with another server's identical one is rerun. */
  private static final int DDL_ATTEMPTS = 20;

  /** The lookup tables: the only ones that may be absent ({@link TraceLookups}). */
  static final Set<String> LOOKUP_TABLES = Set.of("spans_by_trace", "attr_index");

  private final ServerVersion version;
  private final TableLayout layout;
  private final boolean traceLookups;
  private final IndexedKeys indexedKeys;

  /**
   * From this hour on {@code span_metrics_hourly} is read ({@link HourlyRollup}): the latest of the
   * nodes' records at start, raised by retention before it cuts an hour ({@link Retention}).
   */
  private final AtomicLong hourlySince = new AtomicLong();

  private ClickHouseSchema(
      ServerVersion version, TableLayout layout, boolean traceLookups, IndexedKeys indexedKeys) {
    this.version = version;
    this.layout = layout;
    this.traceLookups = traceLookups;
    this.indexedKeys = indexedKeys;
  }

  /**
   * Detects the server version (on the first node), then on every node creates the database and
   * every table that is missing and records the schema version.
   *
   * @param nodes one client per node (one for a single server); all use {@code layout.database()}
   * @param traceLookups keep the lookup tables ({@link TraceLookups#apply}: created and back-filled
   *     if missing), or drop them
   * @param indexedKeys the attribute keys {@code attr_index} holds (rebuilt when they changed)
   */
  static ClickHouseSchema apply(
      List<ClickHouseHttp> nodes,
      TableLayout layout,
      boolean traceLookups,
      IndexedKeys indexedKeys) {
    ServerVersion version =
        ServerVersion.parse(
            nodes.get(0).withoutDatabase().query("SELECT version() AS v").get(0).get("v").asText());
    ClickHouseSchema schema = new ClickHouseSchema(version, layout, traceLookups, indexedKeys);
    for (ClickHouseHttp node : nodes) {
      ddl(
          node.withoutDatabase(),
          "CREATE DATABASE IF NOT EXISTS " + Sql.identifier(layout.database()));
    }
    long hourlySince = 0;
    for (ClickHouseHttp node : nodes) hourlySince = Math.max(hourlySince, schema.migrate(node));
    schema.hourlySince.set(hourlySince);
    return schema;
  }

  ServerVersion version() {
    return version;
  }

  /** From this hour on {@code span_metrics_hourly} is read ({@link HourlyRollup}); shared. */
  AtomicLong hourlySince() {
    return hourlySince;
  }

  TableLayout layout() {
    return layout;
  }

  /** Whether the lookup tables are kept (and fresh). */
  boolean traceLookups() {
    return traceLookups;
  }

  /** Migrates one node; returns the hour its {@code span_metrics_hourly} is complete from. */
  private long migrate(ClickHouseHttp http) {
    ddl(
        http,
        "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, applied_at DateTime,"
            + " server_version String) ENGINE = MergeTree ORDER BY version");
    int current = currentVersion(http);
    if (current > VERSION) {
      throw new IllegalStateException(
          "the ClickHouse schema at "
              + http.describe()
              + " is at version "
              + current
              + ", newer than this Sightline's "
              + VERSION
              + ": upgrade Sightline");
    }
    for (String statement : statements()) ddl(http, statement);
    // created (and back-filled where spans predate them), migrated from version 2, or dropped
    TraceLookups.apply(http, layout, current, traceLookups, indexedKeys);
    long hourlySince =
        HourlyRollup.apply(
            http, layout, current, version.modern() ? "LowCardinality(String)" : "String");
    if (current < VERSION) {
      http.execute(
          "INSERT INTO schema_migrations (version, applied_at, server_version) VALUES ("
              + VERSION
              + ", now(), "
              + Sql.literal(version.text())
              + ")");
    }
    return hourlySince;
  }

  /**
   * Runs an idempotent ({@code IF NOT EXISTS}) statement. When several servers create the same
   * table at once, both may pass the existence check and the loser fail: "already exists", or, for
   * a replicated table, its replica already registered in ZooKeeper by the winner. Rerun, the
   * statement then finds the table. 18.16 serialises simultaneous creates of one table, so this
   * guard (for newer versions) is not exercised by the tests.
   */
  static void ddl(ClickHouseHttp http, String statement) {
    for (int attempt = 1; ; attempt++) {
      try {
        http.execute(statement);
        return;
      } catch (ClickHouseException e) {
        if (attempt >= DDL_ATTEMPTS || !lostCreateRace(e)) throw e;
        try {
          Thread.sleep(10L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean lostCreateRace(ClickHouseException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Code: 57") // TABLE_ALREADY_EXISTS
        || m.contains("Code: 82") // DATABASE_ALREADY_EXISTS
        || m.contains("Code: 253") // REPLICA_IS_ALREADY_EXIST
        || m.contains("already exists")
        || m.contains("creating or attaching right now");
  }

  static int currentVersion(ClickHouseHttp http) {
    List<JsonNode> rows = http.query("SELECT max(version) AS v FROM schema_migrations");
    return rows.isEmpty() ? 0 : rows.get(0).get("v").asInt();
  }

  /**
   * The DDL of every table and view but the lookup tables ({@link TraceLookups#statements}), in
   * creation order: in a cluster, the local tables and their views first, then the {@code
   * Distributed} tables in front of them.
   */
  List<String> statements() {
    String lc = version.modern() ? "LowCardinality(String)" : "String";
    String timeCodec = version.modern() ? " CODEC(Delta, ZSTD(1))" : "";
    List<String> ddl = new ArrayList<>();
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + layout.local("spans")
            + " ("
            + "day Date, tenant "
            + lc
            + ", service "
            + lc
            + ", start_ns UInt64"
            + timeCodec
            + ", trace_id String, span_id String, parent_span_id String, trace_state String,"
            + " flags UInt32, name "
            + lc
            + ", kind UInt8, end_ns UInt64"
            + timeCodec
            + ", duration_ns Int64, status_code UInt8, status_message String, "
            + attributeColumns("attr")
            + ", dropped_attributes UInt32, events String, dropped_events UInt32, links String,"
            + " dropped_links UInt32, "
            + attributeColumns("res")
            + ", res_dropped UInt32, res_schema_url String, scope String"
            + skipIndex("trace_id")
            // smaller granules than the default 8192: a trace by id reads a granule per service
            + ") ENGINE = "
            + layout.engine("spans", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, service, start_ns)"
            + " SETTINGS index_granularity = 1024");
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + layout.local("trace_index")
            + " (day Date, tenant "
            + lc
            + ", trace_id String, first_ns UInt64, last_ns UInt64, services Array(String))"
            + " ENGINE = "
            + layout.engine("trace_index", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, trace_id)");
    // No alias may repeat a source column's name: 18.16 rejects such a view
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO "
            + layout.local("trace_index")
            + " AS SELECT day,"
            + " tenant, trace_id, min(start_ns) AS first_ns, max(start_ns) AS last_ns,"
            + " groupUniqArray(service) AS services FROM "
            + layout.local("spans")
            + " GROUP BY day, tenant, trace_id");
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + layout.local("span_metrics")
            + " (day Date, tenant "
            + lc
            + ", service "
            + lc
            + ", operation "
            + lc
            + ", kind UInt8, status_code UInt8, bucket_ns UInt64, requests UInt64, errors UInt64,"
            + " duration_sum_ns Int64"
            + histogramColumns(" UInt64")
            + ") ENGINE = "
            + layout.engine(
                "span_metrics",
                "SummingMergeTree",
                "(requests, errors, duration_sum_ns" + histogramColumns("") + ")")
            + " PARTITION BY day"
            // the bucket right after the service: a time range prunes granules per service, with
            // or without a service filter (stores made before version 4 keep the old order, with
            // bucket_ns last, and read a whole day for any range of it)
            + " ORDER BY (tenant, service, bucket_ns, operation, kind, status_code)");
    ddl.add(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS span_metrics_mv TO "
            + layout.local("span_metrics")
            + " AS SELECT day,"
            + " tenant, service, name AS operation, kind, status_code,"
            + " intDiv(start_ns, 10000000000) * 10000000000 AS bucket_ns, count() AS requests,"
            + " countIf(status_code = 2) AS errors, sum(duration_ns) AS duration_sum_ns"
            + histogramCounts()
            + " FROM "
            + layout.local("spans")
            + " GROUP BY day, tenant, service, operation, kind, status_code,"
            + " bucket_ns");
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + layout.local("logs")
            + " (day Date, tenant "
            + lc
            + ", service "
            + lc
            + ", event_ns UInt64"
            + timeCodec
            + ", time_ns UInt64, observed_ns UInt64, severity_number Int32, severity_text "
            + lc
            + ", body_text String, body String, attributes String, dropped_attributes UInt32,"
            + " flags UInt32, trace_id String, span_id String, event_name String, resource String,"
            + " scope String"
            + skipIndex("trace_id")
            + ") ENGINE = "
            + layout.engine("logs", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, service, event_ns)");
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + layout.local("metric_points")
            + " (day Date, tenant "
            + lc
            + ", name "
            + lc
            + ", service "
            + lc
            + ", attributes String, "
            + attributeColumns("attr")
            + ", time_ns UInt64"
            + timeCodec
            + ", start_ns UInt64, description String, unit String, type UInt8,"
            + " temporality UInt8, monotonic UInt8, flags UInt32, value_is_long UInt8,"
            + " value_double String, value_long Int64, value String, exemplars String,"
            + " resource String, scope String"
            + ") ENGINE = "
            + layout.engine("metric_points", "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, name, service, time_ns)");
    // the service map by hour (computed by ServiceEdgeRollup's job, not by a view): additive, so no
    // version step; an older server sharing the database ignores the tables
    ddl.addAll(ServiceEdgeRollup.statements(layout, lc));
    if (layout.clustered()) {
      ddl.add(layout.distributed("spans", TRACE_SHARDING_KEY));
      ddl.add(layout.distributed("trace_index", TRACE_SHARDING_KEY));
      ddl.add(layout.distributed("span_metrics", RED_SHARDING_KEY));
      ddl.add(layout.distributed("logs", LOG_SHARDING_KEY));
      ddl.add(layout.distributed("metric_points", METRIC_SHARDING_KEY));
    }
    return ddl;
  }

  private static String attributeColumns(String prefix) {
    return prefix
        + "_keys Array(String), "
        + prefix
        + "_values Array(String), "
        + prefix
        + "_types String, "
        + prefix
        + "_nested String";
  }

  private String skipIndex(String column) {
    return version.modern()
        ? ", INDEX idx_" + column + " " + column + " TYPE bloom_filter(0.01) GRANULARITY 1"
        : "";
  }

  /** {@code , d0 <type>, d1 <type>, ...}: one column per {@link DurationHistogram} bucket. */
  static String histogramColumns(String type) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) sb.append(", d").append(i).append(type);
    return sb.toString();
  }

  /**
   * The {@link DurationHistogram} bucket of a duration column: the number of finite bounds below
   * it, exactly {@link DurationHistogram#bucketOf}.
   */
  static String histogramBucket(String column) {
    StringBuilder bounds = new StringBuilder("[");
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      if (i > 0) bounds.append(", ");
      bounds.append("toInt64(").append(DurationHistogram.upperBoundNanos(i)).append(')');
    }
    return "arrayCount(b -> b < " + column + ", " + bounds.append(']') + ")";
  }

  /**
   * {@code , countIf(<bucket of duration_ns> = i) AS di, ...}: the bucket is the number of finite
   * bounds below the duration, exactly {@link DurationHistogram#bucketOf}.
   */
  static String histogramCounts() {
    String bucket = histogramBucket("duration_ns");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      sb.append(", countIf(").append(bucket).append(" = ").append(i).append(") AS d").append(i);
    }
    return sb.toString();
  }
}
