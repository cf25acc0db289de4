package dev.sightline.storage.duckdb;

import java.util.List;

/**
 * The tables. Column order matters: {@link SpanRows}, {@link LogRows} and {@link MetricRows} append
 * values in exactly this order. Times are Unix nanoseconds ({@code BIGINT}); ids are numbers (see
 * {@link HexIds}); enums are their OTLP numbers.
 */
final class Schema {
  private Schema() {}

  static final String SPANS = "spans";
  static final String LOGS = "logs";
  static final String METRIC_POINTS = "metric_points";
  static final String SPAN_METRICS = "span_metrics";
  static final String SERVICE_EDGES = "service_edges";
  static final String SERVICE_EDGES_HOURLY = "service_edges_hourly";
  static final String TRACE_SUMMARIES = "trace_summaries";
  static final String ATTRIBUTE_INDEX = "attribute_index";
  static final String SERVICE_OPERATIONS = "service_operations";
  static final String LOG_BLOCKS = "log_blocks";
  static final String SPAN_BLOCKS = "span_blocks";
  static final String SPAN_METRICS_HOURLY = "span_metrics_hourly";

  /**
   * Bumped when the layout changes incompatibly; checked at open. 2: spans hold their resource and
   * scope by id ({@code resource_id}, {@link SpanResources}); a version-1 store is migrated at
   * open. 3: span rows hold their commit group's number ({@code ingest_seq}) and the derived tables
   * may lag the spans until {@link DerivedBacklog} writes them (derived again at open after a
   * crash); versions 1 and 2 are migrated at open, an older build refuses version 3.
   */
  static final int VERSION = 3;

  /**
   * How the integer columns that trace by id fetches row by row are compressed ({@code
   * parent_span_id}, {@code status_code}, {@code resource_id}, and in {@code logs} the span id;
   * {@code trace_id} is stored uncompressed). DuckDB picks RLE for them on its own (a trace's spans
   * are stored together, so ids repeat in runs), and it fetches one row of an RLE segment by
   * stepping through the segment from its start: each fetched row cost O(its position in a segment
   * of up to 122,880 rows) per such column: without it a lookup took 0.55x the time on the same
   * rows (module README, "Trace-by-id: the index choice"). Bit-packed and uncompressed segments
   * fetch a row in constant time. Set when a table or column is created, so stores made before keep
   * DuckDB's choice. The table definitions below spell the clause out; this constant serves the
   * column a migration adds ({@code resource_id}, {@link SpanResources#ensure}).
   */
  static final String FETCHED_BY_ROW = "USING COMPRESSION bitpacking";

  static final List<String> DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS sightline_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
          """
          CREATE TABLE IF NOT EXISTS spans (
            tenant VARCHAR NOT NULL,
            trace_id HUGEINT USING COMPRESSION uncompressed NOT NULL,
            span_id BIGINT NOT NULL,
            parent_span_id BIGINT USING COMPRESSION bitpacking,
            trace_state VARCHAR NOT NULL,
            flags INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            kind TINYINT NOT NULL,
            start_ns BIGINT NOT NULL,
            end_ns BIGINT NOT NULL,
            duration_ns BIGINT NOT NULL,
            status_code TINYINT USING COMPRESSION bitpacking NOT NULL,
            status_message VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            attributes VARCHAR NOT NULL,
            attribute_types VARCHAR NOT NULL,
            attributes_nested VARCHAR,
            dropped_attributes INTEGER NOT NULL,
            events VARCHAR,
            dropped_events INTEGER NOT NULL,
            links VARCHAR,
            dropped_links INTEGER NOT NULL,
            resource_attributes VARCHAR NOT NULL,
            resource_attribute_types VARCHAR NOT NULL,
            resource_attributes_nested VARCHAR,
            resource_dropped_attributes INTEGER NOT NULL,
            resource_schema_url VARCHAR NOT NULL,
            scope VARCHAR NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS spans_trace_id ON spans (trace_id)",
          """
          CREATE TABLE IF NOT EXISTS logs (
            tenant VARCHAR NOT NULL,
            event_ns BIGINT NOT NULL,
            time_ns BIGINT NOT NULL,
            observed_ns BIGINT NOT NULL,
            severity_number INTEGER NOT NULL,
            severity_text VARCHAR NOT NULL,
            body_text VARCHAR NOT NULL,
            body VARCHAR,
            attributes VARCHAR NOT NULL,
            dropped_attributes INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            trace_id HUGEINT USING COMPRESSION uncompressed,
            span_id BIGINT USING COMPRESSION bitpacking,
            event_name VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            resource VARCHAR NOT NULL,
            scope VARCHAR NOT NULL
          )""",
          "CREATE INDEX IF NOT EXISTS logs_trace_id ON logs (trace_id)",
          """
          CREATE TABLE IF NOT EXISTS metric_points (
            tenant VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            service VARCHAR NOT NULL,
            attributes VARCHAR NOT NULL,
            time_ns BIGINT NOT NULL,
            start_ns BIGINT NOT NULL,
            description VARCHAR NOT NULL,
            unit VARCHAR NOT NULL,
            type TINYINT NOT NULL,
            temporality TINYINT NOT NULL,
            monotonic BOOLEAN NOT NULL,
            flags INTEGER NOT NULL,
            value_is_long BOOLEAN,
            value_double DOUBLE,
            value_long BIGINT,
            value VARCHAR,
            exemplars VARCHAR,
            resource VARCHAR NOT NULL,
            scope VARCHAR NOT NULL
          )""",
          // RED per 10 s bucket of span start; several rows per key (one per commit) are summed
          // by readers. durations holds DurationHistogram.BUCKETS counts.
          """
          CREATE TABLE IF NOT EXISTS span_metrics (
            tenant VARCHAR NOT NULL,
            bucket_ns BIGINT NOT NULL,
            service VARCHAR NOT NULL,
            operation VARCHAR NOT NULL,
            kind TINYINT NOT NULL,
            status_code TINYINT NOT NULL,
            requests BIGINT NOT NULL,
            errors BIGINT NOT NULL,
            duration_sum_ns BIGINT NOT NULL,
            durations BIGINT[] NOT NULL
          )""");

  /**
   * Service graph edges per 10 s bucket of the child span's start (paired by {@link
   * ServiceEdgePairer}, aggregated by {@link ServiceEdgeRows}), several rows per key (one per
   * commit that paired spans of it), summed by readers. Maintained with {@link
   * DuckDbStorageBuilder#serviceEdgesAtIngest} on (the default); created, empty, either way. Apart
   * from {@link #DDL} because whether its rows are complete is decided at open ({@link
   * DuckDbStorage}, {@code sightline_meta} key {@code service_edges_since}).
   */
  static final String SERVICE_EDGES_DDL =
      """
      CREATE TABLE IF NOT EXISTS service_edges (
        tenant VARCHAR NOT NULL,
        bucket_ns BIGINT NOT NULL,
        client VARCHAR NOT NULL,
        server VARCHAR NOT NULL,
        caller_kind TINYINT NOT NULL,
        calls BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        duration_sum_ns BIGINT NOT NULL,
        durations BIGINT[] NOT NULL
      )""";

  /**
   * {@code service_edges} rolled up by hour ({@code bucket_ns} the hour's start): appended by the
   * writer with the 10-second rows, compacted and cut by retention likewise ({@link HourlyRollup}),
   * so that a service map over a day reads hours × edges rows. Complete exactly while {@code
   * service_edges} is maintained ({@link ServiceEdges}).
   */
  static final String SERVICE_EDGES_HOURLY_DDL =
      SERVICE_EDGES_DDL.replace("service_edges (", "service_edges_hourly (");

  /**
   * Per-trace summaries that trace search reads instead of the spans of its candidates: one part
   * per tenant, trace and commit group ({@link TraceSummaryRows}), merged by readers. Apart from
   * {@link #DDL} because whether its rows cover every stored span is decided at open ({@link
   * TraceSummaries}, {@code sightline_meta} key {@code trace_summaries_since}).
   */
  static final String TRACE_SUMMARIES_DDL =
      """
      CREATE TABLE IF NOT EXISTS trace_summaries (
        tenant VARCHAR NOT NULL,
        trace_id HUGEINT NOT NULL,
        start_ns BIGINT NOT NULL,
        last_start_ns BIGINT NOT NULL,
        end_ns BIGINT NOT NULL,
        root_is_child BOOLEAN NOT NULL,
        root_start_ns BIGINT NOT NULL,
        root_span_id BIGINT NOT NULL,
        root_service VARCHAR NOT NULL,
        root_name VARCHAR NOT NULL,
        span_ids BIGINT[] NOT NULL,
        error_span_ids BIGINT[] NOT NULL,
        services VARCHAR[] NOT NULL
      )""";

  /**
   * Traces by the value of an indexed attribute key ({@link
   * DuckDbStorageBuilder#indexedAttributes}): one row per tenant, key, value, trace and commit
   * group, with the earliest and latest start of the spans holding it ({@link AttributeIndexRows}).
   * Apart from {@link #DDL} because it is rebuilt at open when the indexed keys change ({@link
   * AttributeIndex}).
   */
  static final String ATTRIBUTE_INDEX_DDL =
      """
      CREATE TABLE IF NOT EXISTS attribute_index (
        tenant VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        trace_id HUGEINT NOT NULL,
        first_ns BIGINT NOT NULL,
        last_ns BIGINT NOT NULL
      )""";

  /**
   * The (service, operation, kind) triples per tenant and hour of span start ({@code hour}: hours
   * since the epoch), with the earliest and latest start among the spans of the commit group that
   * wrote the row ({@link ServiceOperationRows}); compacted to one row per key and hour. Apart from
   * {@link #DDL} because whether it covers every stored span is decided at open ({@link
   * ServiceOperations}, {@code sightline_meta} key {@code service_operations_since}).
   */
  static final String SERVICE_OPERATIONS_DDL =
      """
      CREATE TABLE IF NOT EXISTS service_operations (
        tenant VARCHAR NOT NULL,
        hour BIGINT NOT NULL,
        service VARCHAR NOT NULL,
        operation VARCHAR NOT NULL,
        kind TINYINT NOT NULL,
        first_ns BIGINT NOT NULL,
        last_ns BIGINT NOT NULL
      )""";

  /**
   * The log text index ({@link KeyBlocks}): per block of up to 2,048 logs of one tenant and commit
   * group, its event-time range and a Bloom filter of its bodies' token keys, one row per page of
   * the filter ({@code slot} = pages × 16 + page; -1 for a block that is always scanned, {@code
   * bits} then empty). Apart from {@link #DDL} because whether it covers every stored log is
   * decided at open ({@link LogTextIndex}).
   */
  static final String LOG_BLOCKS_DDL =
      """
      CREATE TABLE IF NOT EXISTS log_blocks (
        tenant VARCHAR NOT NULL,
        block BIGINT NOT NULL,
        min_ns BIGINT NOT NULL,
        max_ns BIGINT NOT NULL,
        logs INTEGER NOT NULL,
        slot SMALLINT NOT NULL,
        bits BLOB NOT NULL
      )""";

  /**
   * The span block index ({@link KeyBlocks}, keys {@link SpanAttributeKeys}): per block of up to
   * 2,048 spans of one tenant and commit group, its start-time range and a Bloom filter of the
   * (attribute key, text value) pairs of its spans, one row per page ({@code slot} as in {@code
   * log_blocks}). Apart from {@link #DDL} because whether it covers every stored span is decided at
   * open ({@link SpanBlockIndex}).
   */
  static final String SPAN_BLOCKS_DDL =
      """
      CREATE TABLE IF NOT EXISTS span_blocks (
        tenant VARCHAR NOT NULL,
        block BIGINT NOT NULL,
        min_ns BIGINT NOT NULL,
        max_ns BIGINT NOT NULL,
        spans INTEGER NOT NULL,
        slot SMALLINT NOT NULL,
        bits BLOB NOT NULL
      )""";

  /**
   * {@code span_metrics} rolled up by hour ({@code bucket_ns} the hour's start): written by the
   * writer with the 10-second rows, compacted likewise ({@link SpanMetricsHourly}), so that RED
   * over long ranges reads hours × series rows. Apart from {@link #DDL} because whether it matches
   * {@code span_metrics} is decided at open.
   */
  static final String SPAN_METRICS_HOURLY_DDL =
      """
      CREATE TABLE IF NOT EXISTS span_metrics_hourly (
        tenant VARCHAR NOT NULL,
        bucket_ns BIGINT NOT NULL,
        service VARCHAR NOT NULL,
        operation VARCHAR NOT NULL,
        kind TINYINT NOT NULL,
        status_code TINYINT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        duration_sum_ns BIGINT NOT NULL,
        durations BIGINT[] NOT NULL
      )""";
}
