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
 * <p>Service edges come from the hours {@link ServiceEdgeRollup} stored where they are exact, and
 * the rest of the range is joined at query time from {@code spans}. Span counts scan {@code spans}
 * of the service in the range.
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

  private final ServiceEdgeRollup edges;

  ClickHouseSpanMetricsReader(ClickHouseHttp http, AtomicLong hourlySince) {
    this(http, hourlySince, new ServiceEdgeRollup(http, hourlySince, true));
  }

  ClickHouseSpanMetricsReader(
      ClickHouseHttp http, AtomicLong hourlySince, ServiceEdgeRollup edges) {
    this.http = http;
    this.hourlySince = hourlySince;
    this.edges = edges;
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

  /** Stored hours where exact, the rest joined at query time: {@link ServiceEdgeRollup}. */
  @Override
  public List<ServiceEdge> serviceEdges(String tenant, long startUnixNano, long endUnixNano) {
    return edges.read(tenant, startUnixNano, endUnixNano);
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
