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
import org.jspecify.annotations.Nullable;

/**
 * RED from {@code span_metrics}, which ClickHouse itself maintains: the materialized view {@code
 * span_metrics_mv} aggregates every inserted block of spans into 10-second buckets of a {@code
 * SummingMergeTree}, so RED is written by the same INSERT as the spans. Merges sum rows of one key
 * in the background; reads sum whatever is not merged yet with {@code GROUP BY}.
 *
 * <p>Service edges are joined at query time from {@code spans}: the range's children with the
 * CLIENT and PRODUCER spans starting within an hour of the range. Span counts scan {@code spans} of
 * the service in the range.
 */
final class ClickHouseSpanMetricsReader implements SpanMetricsReader, SpanCountReader {
  private static final String SUMS;

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

  ClickHouseSpanMetricsReader(ClickHouseHttp http) {
    this.http = http;
  }

  @Override
  public List<SpanMetricsPoint> query(SpanMetricsQuery q) {
    boolean byService = q.groupBy() != SpanMetricsQuery.GroupBy.NONE;
    boolean byOperation = q.groupBy() == SpanMetricsQuery.GroupBy.OPERATION;
    String slot =
        q.stepNanos() == 0
            ? "0"
            : "intDiv(bucket_ns - " + Days.bound(q.startUnixNano()) + ", " + q.stepNanos() + ")";
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(byService ? "service" : "''")
            .append(" AS g_service, ")
            .append(byOperation ? "operation" : "''")
            .append(" AS g_operation, ")
            .append(byOperation ? "toInt16(kind)" : "toInt16(-1)")
            .append(" AS g_kind, ")
            .append(slot)
            .append(" AS slot, ")
            .append(SUMS)
            .append(" FROM span_metrics WHERE tenant = ")
            .append(Sql.literal(q.tenant()))
            .append(
                ClickHouseTraceReader.timeRange("bucket_ns", q.startUnixNano(), q.endUnixNano()));
    if (q.service() != null) sql.append(" AND service = ").append(Sql.literal(q.service()));
    if (!q.services().isEmpty()) {
      sql.append(" AND service IN (").append(Sql.literals(new TreeSet<>(q.services()))).append(')');
    }
    if (q.operation() != null) sql.append(" AND operation = ").append(Sql.literal(q.operation()));
    if (!q.spanKinds().isEmpty()) {
      sql.append(" AND kind IN (");
      String sep = "";
      for (SpanKind k : q.spanKinds()) {
        sql.append(sep).append(k.ordinal());
        sep = ", ";
      }
      sql.append(')');
    }
    sql.append(
        " GROUP BY g_service, g_operation, g_kind, slot HAVING n_requests > 0"
            + " ORDER BY g_service, g_operation, g_kind, slot");
    List<SpanMetricsPoint> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
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
    long slack = ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS;
    String t = "tenant = " + Sql.literal(tenant);
    String children =
        "SELECT trace_id, parent_span_id, service AS c_service, status_code AS c_status,"
            + " duration_ns AS c_duration FROM spans WHERE "
            + t
            + ClickHouseTraceReader.timeRange("start_ns", startUnixNano, endUnixNano)
            + " AND parent_span_id != ''";
    String parents =
        "SELECT trace_id, span_id AS parent_span_id, service AS p_service, kind AS p_kind,"
            + " status_code AS p_status FROM spans WHERE "
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
    StringBuilder bounds = new StringBuilder("[");
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      if (i > 0) bounds.append(", ");
      bounds.append("toInt64(").append(DurationHistogram.upperBoundNanos(i)).append(')');
    }
    bounds.append(']');
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      histogram
          .append(", countIf(arrayCount(b -> b < c_duration, ")
          .append(bounds)
          .append(") = ")
          .append(i)
          .append(") AS h")
          .append(i);
    }
    String sql =
        "SELECT p_service, c_service, p_kind, count() AS n_calls,"
            + " countIf(c_status = 2 OR p_status = 2) AS n_errors, sum(c_duration) AS n_sum"
            + histogram
            + " FROM ("
            + children
            + ") ALL INNER JOIN ("
            + parents
            + ") USING (trace_id, parent_span_id) WHERE p_service != c_service"
            + " GROUP BY p_service, c_service, p_kind ORDER BY p_service, c_service, p_kind";
    List<ServiceEdge> out = new ArrayList<>();
    for (JsonNode r : http.query(sql)) {
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
