package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanCountPoint;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * RED from {@code span_metrics}, which ClickHouse itself maintains: the materialized view {@code
 * span_metrics_mv} aggregates every inserted block of spans into 10-second buckets of a {@code
 * SummingMergeTree}, so RED is written by the same INSERT as the spans. Merges sum rows of one key
 * in the background; reads sum whatever is not merged yet with {@code GROUP BY}. Whole hours come
 * from {@code span_metrics_hourly} where it is complete ({@link HourlyRollup}).
 *
 * <p>Service edges are joined at query time from {@code spans}: the range's children with the
 * CLIENT and PRODUCER spans starting within an hour of the range. Span counts scan {@code spans} of
 * the service in the range.
 */
final class ClickHouseSpanMetricsReader implements SpanMetricsReader, SpanCountReader {
  private static final String SUMS;

  /** The sums of one part of a range ({@code b_} columns), and the parts' sums summed. */
  private static final String PART_SUMS;

  private static final String PART_SUMS_SUMMED;

  private static final String PART_GROUPS = " GROUP BY g_service, g_operation, g_kind, slot";

  static {
    StringBuilder part =
        new StringBuilder(
            "sum(requests) AS b_requests, sum(errors) AS b_errors, sum(duration_sum_ns) AS b_sum");
    StringBuilder summed =
        new StringBuilder(
            "sum(b_requests) AS n_requests, sum(b_errors) AS n_errors, sum(b_sum) AS n_sum");
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      part.append(", sum(d").append(i).append(") AS b_h").append(i);
      summed.append(", sum(b_h").append(i).append(") AS h").append(i);
    }
    PART_SUMS = part.toString();
    PART_SUMS_SUMMED = summed.toString();
  }

  static {
    StringBuilder sb =
        new StringBuilder(
            "sum(requests) AS n_requests, sum(errors) AS n_errors, sum(duration_sum_ns) AS n_sum");
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      sb.append(", sum(d").append(i).append(") AS h").append(i);
    }
    SUMS = sb.toString();
  }

  private final ClickHouseHttp http;

  /** {@link ClickHouseSchema#hourlySince}: whole hours from it on are read by hour. */
  private final AtomicLong hourlySince;

  ClickHouseSpanMetricsReader(ClickHouseHttp http, AtomicLong hourlySince) {
    this.http = http;
    this.hourlySince = hourlySince;
  }

  @Override
  public List<SpanMetricsPoint> query(SpanMetricsQuery q) {
    boolean byService = q.groupBy() != SpanMetricsQuery.GroupBy.NONE;
    boolean byOperation = q.groupBy() == SpanMetricsQuery.GroupBy.OPERATION;
    String slot =
        q.stepNanos() == 0
            ? "0"
            : "intDiv(bucket_ns - " + Days.bound(q.startUnixNano()) + ", " + q.stepNanos() + ")";
    String groups =
        (byService ? "service" : "''")
            + " AS g_service, "
            + (byOperation ? "operation" : "''")
            + " AS g_operation, "
            + (byOperation ? "toInt16(kind)" : "toInt16(-1)")
            + " AS g_kind, "
            + slot
            + " AS slot";
    StringBuilder filters = new StringBuilder();
    if (q.service() != null) filters.append(" AND service = ").append(Sql.literal(q.service()));
    if (!q.services().isEmpty()) {
      filters
          .append(" AND service IN (")
          .append(Sql.literals(new TreeSet<>(q.services())))
          .append(')');
    }
    if (q.operation() != null) {
      filters.append(" AND operation = ").append(Sql.literal(q.operation()));
    }
    if (!q.spanKinds().isEmpty()) {
      filters.append(" AND kind IN (");
      String sep = "";
      for (SpanKind k : q.spanKinds()) {
        filters.append(sep).append(k.ordinal());
        sep = ", ";
      }
      filters.append(')');
    }
    long start = q.startUnixNano();
    long end = q.endUnixNano();
    // whole hours from the hourly roll-up when every hour falls in one slot (a total, or steps of
    // whole hours from an hour); the 10-second rows for the rest. Each part aggregates by itself
    // (in a cluster, on the shards) before the parts are summed.
    long hour = HourlyRollup.HOUR_NANOS;
    boolean hourSlots =
        q.stepNanos() == 0 || (q.stepNanos() % hour == 0 && Math.floorMod(start, hour) == 0);
    long[] hours = hourSlots ? HourlyRollup.wholeHours(start, end, hourlySince.get()) : null;
    String order =
        " GROUP BY g_service, g_operation, g_kind, slot HAVING n_requests > 0"
            + " ORDER BY g_service, g_operation, g_kind, slot";
    String sql;
    if (hours == null) {
      sql = part("span_metrics", groups, SUMS, q.tenant(), start, end, filters) + order;
    } else {
      sql =
          "SELECT g_service, g_operation, g_kind, slot, "
              + PART_SUMS_SUMMED
              + " FROM ("
              + part("span_metrics", groups, PART_SUMS, q.tenant(), start, hours[0], filters)
              + PART_GROUPS
              + " UNION ALL "
              + part(HourlyRollup.TABLE, groups, PART_SUMS, q.tenant(), hours[0], hours[1], filters)
              + PART_GROUPS
              + " UNION ALL "
              + part("span_metrics", groups, PART_SUMS, q.tenant(), hours[1], end, filters)
              + PART_GROUPS
              + ")"
              + order;
    }
    List<SpanMetricsPoint> out = new ArrayList<>();
    for (JsonNode r : http.query(sql)) {
      int kind = r.get("g_kind").asInt();
      out.add(
          new SpanMetricsPoint(
              r.get("g_service").asText(),
              r.get("g_operation").asText(),
              kind < 0 ? null : SpanKind.fromNumber(kind),
              q.startUnixNano() + r.get("slot").asLong() * q.stepNanos(),
              r.get("n_requests").asLong(),
              r.get("n_errors").asLong(),
              r.get("n_sum").asLong(),
              histogram(r)));
    }
    return out;
  }

  /** One table's (10 s or hourly) RED of {@code [start, end)}, grouped by {@code groups}. */
  private static String part(
      String table,
      String groups,
      String sums,
      String tenant,
      long start,
      long end,
      CharSequence filters) {
    return "SELECT "
        + groups
        + ", "
        + sums
        + " FROM "
        + table
        + " WHERE tenant = "
        + Sql.literal(tenant)
        + ClickHouseTraceReader.timeRange("bucket_ns", start, end)
        + filters;
  }

  private static DurationHistogram histogram(JsonNode r) {
    long[] counts = new long[DurationHistogram.BUCKETS];
    for (int i = 0; i < counts.length; i++) counts[i] = r.get("h" + i).asLong();
    return DurationHistogram.of(counts);
  }

  @Override
  public OptionalLong oldestBucket(
      String tenant, @Nullable String service, @Nullable String operation) {
    StringBuilder sql =
        new StringBuilder(
                "SELECT count() AS n, min(bucket_ns) AS oldest FROM span_metrics WHERE tenant = ")
            .append(Sql.literal(tenant));
    if (service != null) sql.append(" AND service = ").append(Sql.literal(service));
    if (operation != null) sql.append(" AND operation = ").append(Sql.literal(operation));
    JsonNode r = http.query(sql.toString()).get(0);
    return r.get("n").asLong() == 0
        ? OptionalLong.empty()
        : OptionalLong.of(r.get("oldest").asLong());
  }

  @Override
  public List<ServiceEdge> serviceEdges(String tenant, long startUnixNano, long endUnixNano) {
    return edges(http.query(serviceEdgesSql(tenant, startUnixNano, endUnixNano)));
  }

  /**
   * The range's children joined with the CLIENT and PRODUCER spans starting within {@link
   * ClickHouseTraceReader#TRACE_WINDOW_SLACK_NANOS} of it. The join key is a 64-bit hash of (trace
   * id, span id) — hashing and comparing one number instead of two strings: the service map of 24
   * hours at 10 M spans 6.7 → 3.4 s (module README) — and each pair it makes is checked on the span
   * id, so a false edge needs two spans of different traces with equal span ids whose 64-bit hashes
   * with their trace ids also collide (negligible; the trace id itself is not compared, to keep the
   * strings out of the join's table). Each child's histogram bucket is computed in the join's left
   * side.
   */
  static String serviceEdgesSql(String tenant, long startUnixNano, long endUnixNano) {
    long slack = ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS;
    String t = "tenant = " + Sql.literal(tenant);
    StringBuilder bounds = new StringBuilder("[");
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      if (i > 0) bounds.append(", ");
      bounds.append("toInt64(").append(DurationHistogram.upperBoundNanos(i)).append(')');
    }
    bounds.append(']');
    String children =
        "SELECT cityHash64(trace_id, parent_span_id) AS k, parent_span_id AS c_parent,"
            + " service AS c_service, status_code AS c_status, duration_ns AS c_duration,"
            + " arrayCount(b -> b < duration_ns, "
            + bounds
            + ") AS c_bucket FROM spans WHERE "
            + t
            + ClickHouseTraceReader.timeRange("start_ns", startUnixNano, endUnixNano)
            + " AND parent_span_id != ''";
    String parents =
        "SELECT cityHash64(trace_id, span_id) AS k, span_id AS p_span, service AS p_service,"
            + " kind AS p_kind, status_code AS p_status FROM spans WHERE "
            + t
            + ClickHouseTraceReader.timeRange(
                "start_ns",
                Days.bound(Days.saturatedAdd(startUnixNano, -slack)),
                Days.saturatedAdd(endUnixNano, slack))
            + " AND kind IN ("
            + SpanKind.CLIENT.ordinal()
            + ", "
            + SpanKind.PRODUCER.ordinal()
            + ")";
    StringBuilder histogram = new StringBuilder();
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      histogram.append(", countIf(c_bucket = ").append(i).append(") AS h").append(i);
    }
    return "SELECT p_service, c_service, p_kind, count() AS n_calls,"
        + " countIf(c_status = 2 OR p_status = 2) AS n_errors, sum(c_duration) AS n_sum"
        + histogram
        + " FROM ("
        + children
        + ") ALL INNER JOIN ("
        + parents
        + ") USING (k) WHERE c_parent = p_span AND p_service != c_service"
        + " GROUP BY p_service, c_service, p_kind ORDER BY p_service, c_service, p_kind";
  }

  private static List<ServiceEdge> edges(List<JsonNode> rows) {
    List<ServiceEdge> out = new ArrayList<>();
    for (JsonNode r : rows) {
      out.add(
          new ServiceEdge(
              r.get("p_service").asText(),
              r.get("c_service").asText(),
              SpanKind.fromNumber(r.get("p_kind").asInt()),
              r.get("n_calls").asLong(),
              r.get("n_errors").asLong(),
              r.get("n_sum").asLong(),
              histogram(r)));
    }
    return out;
  }

  @Override
  public List<SpanCountPoint> countSpans(SpanCountQuery q) {
    String slot =
        q.stepNanos() == 0
            ? "0"
            : "intDiv(start_ns - " + Days.bound(q.startUnixNano()) + ", " + q.stepNanos() + ")";
    long threshold = q.maxDurationNanos() == null ? Long.MAX_VALUE : q.maxDurationNanos();
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(slot)
            .append(" AS slot, count() AS n, countIf(status_code = 2) AS n_errors,")
            .append(" countIf(duration_ns <= ")
            .append(threshold)
            .append(") AS n_fast, countIf(status_code != 2 AND duration_ns <= ")
            .append(threshold)
            .append(") AS n_ok_fast FROM spans WHERE tenant = ")
            .append(Sql.literal(q.tenant()))
            .append(ClickHouseTraceReader.timeRange("start_ns", q.startUnixNano(), q.endUnixNano()))
            .append(" AND service = ")
            .append(Sql.literal(q.service()));
    if (q.operation() != null) sql.append(" AND name = ").append(Sql.literal(q.operation()));
    for (Map.Entry<String, String> e : q.attributes().entrySet()) {
      sql.append(" AND ").append(AttributeArrays.matches("attr", "res", e.getKey(), e.getValue()));
    }
    // HAVING: 18.16 answers one row of zeros for a GROUP BY a constant over no rows
    sql.append(" GROUP BY slot HAVING n > 0 ORDER BY slot");
    List<SpanCountPoint> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      out.add(
          new SpanCountPoint(
              q.startUnixNano() + r.get("slot").asLong() * q.stepNanos(),
              r.get("n").asLong(),
              r.get("n_errors").asLong(),
              r.get("n_fast").asLong(),
              r.get("n_ok_fast").asLong()));
    }
    return out;
  }
}
