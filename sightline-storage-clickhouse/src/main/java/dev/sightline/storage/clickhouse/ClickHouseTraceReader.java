package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traces from {@code spans}. Search ranks first, then summarises: the newest {@code limit} traces
 * having a span that matches every criterion in the range, ranked by the earliest start of their
 * spans within an hour of the range, then one aggregate summarising only those. With the lookup
 * tables ({@link TraceLookups}, the default): attribute filters rank through {@code attr_index}
 * ({@link IndexedTraceRanking}), summaries and trace by id read {@code spans_by_trace} by trace
 * hash, one primary-key range per trace. Without them (for comparison, same answers): ranking by a
 * scan of the range (two narrow columns), and by id {@code trace_index} gives the trace's services
 * and time span, which the primary key of {@code spans} (tenant, service, start) turns into a few
 * granules per service. Spans stored twice (retried exports) are read once ({@code LIMIT 1 BY}).
 */
final class ClickHouseTraceReader implements TraceReader, ServiceVersionReader {
  /** How far around a search range the spans of a found trace are gathered for its summary. */
  static final long TRACE_WINDOW_SLACK_NANOS = 3_600_000_000_000L;

  private final ClickHouseHttp http;
  private final boolean lookups;
  private final IndexedTraceRanking indexed;
  private final NewestFirstRanking newestFirst;

  /** {@link ClickHouseSchema#hourlySince}. */
  private final AtomicLong hourlySince;

  /**
   * @param lookups read through the lookup tables ({@link TraceLookups}); false: scan {@code spans}
   *     as before them (same answers, for comparison)
   * @param indexedKeys the attribute keys {@code attr_index} holds
   * @param hourlySince {@link ClickHouseSchema#hourlySince}
   */
  ClickHouseTraceReader(
      ClickHouseHttp http,
      boolean lookups,
      int maxIndexCandidates,
      IndexedKeys indexedKeys,
      AtomicLong hourlySince) {
    this.http = http;
    this.hourlySince = hourlySince;
    this.lookups = lookups;
    this.indexed = new IndexedTraceRanking(http, maxIndexCandidates, indexedKeys);
    this.newestFirst = new NewestFirstRanking(http);
  }

  @Override
  public List<Span> getTrace(String tenant, String traceId) {
    if (!Ids.isValidTraceId(traceId)) return List.of();
    String where = "tenant = " + Sql.literal(tenant) + " AND trace_id = " + Sql.literal(traceId);
    if (lookups) {
      // one primary-key range of spans_by_trace (tenant, cityHash64(trace_id), start_ns)
      return spans(
          "SELECT "
              + SpanRows.COLUMNS
              + " FROM spans_by_trace WHERE "
              + where
              + " AND cityHash64(trace_id) = cityHash64("
              + Sql.literal(traceId)
              + ")"
              + " ORDER BY start_ns, span_id LIMIT 1 BY span_id");
    }
    JsonNode bounds =
        http.query(
                "SELECT count() AS n, min(first_ns) AS lo, max(last_ns) AS hi,"
                    + " groupUniqArrayArray(services) AS svcs FROM trace_index WHERE "
                    + where)
            .get(0);
    if (bounds.get("n").asLong() == 0) return List.of();
    long lo = bounds.get("lo").asLong();
    long hi = bounds.get("hi").asLong();
    List<String> services = new ArrayList<>();
    bounds.get("svcs").forEach(s -> services.add(s.asText()));
    return spans(
        "SELECT "
            + SpanRows.COLUMNS
            + " FROM spans WHERE "
            + where
            + " AND service IN ("
            + Sql.literals(services)
            + ") AND day >= "
            + Sql.literal(Days.of(lo))
            + " AND day <= "
            + Sql.literal(Days.of(hi))
            + " AND start_ns >= "
            + lo
            + " AND start_ns <= "
            + hi
            + " ORDER BY start_ns, span_id LIMIT 1 BY span_id");
  }

  /** The spans a query selecting {@link SpanRows#COLUMNS} answers, in its order. */
  private List<Span> spans(String sql) {
    List<Span> spans = new ArrayList<>();
    for (JsonNode row : http.query(sql)) spans.add(SpanRows.read(row));
    return spans;
  }

  @Override
  public List<TraceSummary> searchTraces(TraceQuery q) {
    long lo = Days.bound(Days.saturatedAdd(q.startUnixNano(), -TRACE_WINDOW_SLACK_NANOS));
    long hi = Days.saturatedAdd(q.endUnixNano(), TRACE_WINDOW_SLACK_NANOS);
    String window =
        "tenant = "
            + Sql.literal(q.tenant())
            + timeRange("start_ns", lo, hi)
            + " AND trace_id IN (";
    // 1. rank: the newest traces having a matching span, by their start (narrow columns only)
    List<String> ranked =
        lookups && !q.attributes().isEmpty() ? indexed.rank(q, criteria(q)) : null;
    if (ranked == null && lookups) ranked = newestFirst.rank(q, criteria(q), lo, hi);
    if (ranked == null) ranked = scanRanking(q, window);
    if (ranked.isEmpty()) return List.of();
    return summarise(ranked, window);
  }

  /** The ranking by a scan of the spans in the range: the newest traces having a matching span. */
  private List<String> scanRanking(TraceQuery q, String window) {
    String matching =
        "SELECT DISTINCT trace_id FROM spans WHERE tenant = "
            + Sql.literal(q.tenant())
            + timeRange("start_ns", q.startUnixNano(), q.endUnixNano())
            + criteria(q);
    List<String> ranked = new ArrayList<>();
    for (JsonNode r :
        http.query(
            "SELECT trace_id AS tid, min(start_ns) AS t_start FROM spans WHERE "
                + window
                + matching
                + ") GROUP BY trace_id ORDER BY t_start DESC, tid LIMIT "
                + q.limit())) {
      ranked.add(r.get("tid").asText());
    }
    return ranked;
  }

  /** Summarises the ranked traces (their spans in {@code window}), each span once. */
  private List<TraceSummary> summarise(List<String> ranked, String window) {
    String sortKey = "tuple(parent_span_id != '', start_ns, span_id)";
    String sql =
        "SELECT trace_id AS tid, min(start_ns) AS t_start, max(end_ns) AS t_end,"
            + " count() AS n_spans, countIf(status_code = 2) AS n_errors,"
            + " arraySort(groupUniqArray(service)) AS svcs,"
            + " argMin(service, "
            + sortKey
            + ") AS root_service, argMin(name, "
            + sortKey
            + ") AS root_name FROM (SELECT trace_id, span_id, parent_span_id, start_ns, end_ns,"
            + " service, name, status_code FROM "
            + (lookups ? "spans_by_trace" : "spans")
            + " WHERE "
            + window
            + Sql.literals(ranked)
            + ")"
            + (lookups ? " AND cityHash64(trace_id) IN (" + traceHashes(ranked) + ")" : "")
            + " LIMIT 1 BY trace_id, span_id)"
            + " GROUP BY trace_id ORDER BY t_start DESC, tid";
    List<TraceSummary> out = new ArrayList<>();
    for (JsonNode r : http.query(sql)) {
      long start = r.get("t_start").asLong();
      List<String> services = new ArrayList<>();
      r.get("svcs").forEach(s -> services.add(s.asText()));
      out.add(
          new TraceSummary(
              r.get("tid").asText(),
              r.get("root_service").asText(),
              r.get("root_name").asText(),
              start,
              r.get("t_end").asLong() - start,
              r.get("n_spans").asInt(),
              r.get("n_errors").asInt(),
              services));
    }
    return out;
  }

  /**
   * {@code cityHash64('id'), ...}: the primary-key expression of {@code spans_by_trace} for the
   * given trace ids (ClickHouse folds these constants).
   */
  static String traceHashes(List<String> traceIds) {
    StringBuilder sb = new StringBuilder();
    for (String id : traceIds) {
      if (sb.length() > 0) sb.append(", ");
      sb.append("cityHash64(").append(Sql.literal(id)).append(')');
    }
    return sb.toString();
  }

  /** {@code AND} clauses for every criterion of the query but the time range. */
  static String criteria(TraceQuery q) {
    StringBuilder sb = new StringBuilder();
    if (q.service() != null) sb.append(" AND service = ").append(Sql.literal(q.service()));
    if (q.operation() != null) sb.append(" AND name = ").append(Sql.literal(q.operation()));
    if (q.minDurationNanos() != null) {
      sb.append(" AND duration_ns >= ").append(q.minDurationNanos());
    }
    if (q.maxDurationNanos() != null) {
      sb.append(" AND duration_ns <= ").append(q.maxDurationNanos());
    }
    if (q.errorsOnly()) sb.append(" AND status_code = 2");
    for (Map.Entry<String, String> e : q.attributes().entrySet()) {
      sb.append(" AND ").append(AttributeArrays.matches("attr", "res", e.getKey(), e.getValue()));
    }
    return sb.toString();
  }

  /**
   * {@code AND column >= start AND column < end}, with the day partitions to read (an open end, as
   * {@code Long.MAX_VALUE}, past {@code Date}'s range reads every later day).
   */
  static String timeRange(String column, long start, long end) {
    long from = Days.bound(start);
    if (end <= from) return " AND 0";
    StringBuilder sb = new StringBuilder(" AND day >= ").append(Sql.literal(Days.of(from)));
    if (Days.inDateRange(end - 1)) sb.append(" AND day <= ").append(Sql.literal(Days.of(end - 1)));
    return sb.append(" AND ")
        .append(column)
        .append(" >= ")
        .append(from)
        .append(" AND ")
        .append(column)
        .append(" < ")
        .append(end)
        .toString();
  }

  @Override
  public List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano) {
    Map<String, List<ServiceOperations.Operation>> byService = new TreeMap<>();
    for (JsonNode r :
        http.query(servicesSql(tenant, startUnixNano, endUnixNano, hourlySince.get()))) {
      byService
          .computeIfAbsent(r.get("service").asText(), s -> new ArrayList<>())
          .add(
              new ServiceOperations.Operation(
                  r.get("name").asText(), SpanKind.fromNumber(r.get("kind").asInt()).name()));
    }
    List<ServiceOperations> out = new ArrayList<>();
    byService.forEach(
        (service, operations) -> {
          operations.sort(
              Comparator.comparing(ServiceOperations.Operation::name)
                  .thenComparing(ServiceOperations.Operation::spanKind));
          out.add(new ServiceOperations(service, operations));
        });
    return out;
  }

  /**
   * The (service, operation, kind) triples of a range: its whole hours from {@code
   * span_metrics_hourly} (where complete, {@link HourlyRollup}), the other whole 10-second buckets
   * from {@code span_metrics} (both maintained by views, one row per key and bucket instead of one
   * per span), the partial buckets at its two edges from {@code spans}: exact to the nanosecond.
   */
  static String servicesSql(String tenant, long startUnixNano, long endUnixNano, long hourlySince) {
    long bucket = SpanMetricsReader.BUCKET_NANOS;
    long from = Days.bound(startUnixNano);
    String t = "tenant = " + Sql.literal(tenant);
    // from >= 0, so a later end is positive and its bucket floor cannot wrap around
    long firstWhole = Days.saturatedAdd(from, Math.floorMod(-from, bucket));
    long endWhole = endUnixNano <= from ? from : endUnixNano - Math.floorMod(endUnixNano, bucket);
    if (firstWhole >= endWhole) {
      return "SELECT DISTINCT service, name, kind FROM spans WHERE "
          + t
          + timeRange("start_ns", from, endUnixNano);
    }
    String spans = " UNION ALL SELECT DISTINCT service, name, kind FROM spans WHERE " + t;
    String tenSeconds =
        "SELECT DISTINCT service, operation AS name, kind FROM span_metrics WHERE " + t;
    long[] hours = HourlyRollup.wholeHours(firstWhole, endWhole, hourlySince);
    StringBuilder sql = new StringBuilder("SELECT DISTINCT service, name, kind FROM (");
    if (hours == null) {
      sql.append(tenSeconds).append(timeRange("bucket_ns", firstWhole, endWhole));
    } else {
      sql.append(tenSeconds)
          .append(timeRange("bucket_ns", firstWhole, hours[0]))
          .append(" UNION ALL SELECT DISTINCT service, operation AS name, kind FROM ")
          .append(HourlyRollup.TABLE)
          .append(" WHERE ")
          .append(t)
          .append(timeRange("bucket_ns", hours[0], hours[1]))
          .append(" UNION ALL ")
          .append(tenSeconds)
          .append(timeRange("bucket_ns", hours[1], endWhole));
    }
    return sql.append(spans)
        .append(timeRange("start_ns", from, firstWhole))
        .append(spans)
        .append(timeRange("start_ns", endWhole, endUnixNano))
        .append(")")
        .toString();
  }

  @Override
  public List<ServiceVersion> serviceVersions(String tenant, long startUnixNano, long endUnixNano) {
    List<ServiceVersion> out = new ArrayList<>();
    for (JsonNode r :
        http.query(
            "SELECT service, res_values[indexOf(res_keys, 'service.version')] AS version,"
                + " min(start_ns) AS first_seen, max(start_ns) AS last_seen, count() AS n"
                + " FROM spans WHERE tenant = "
                + Sql.literal(tenant)
                + timeRange("start_ns", startUnixNano, endUnixNano)
                + " GROUP BY service, version ORDER BY service, first_seen, version")) {
      out.add(
          new ServiceVersion(
              r.get("service").asText(),
              r.get("version").asText(),
              r.get("first_seen").asLong(),
              r.get("last_seen").asLong(),
              r.get("n").asLong()));
    }
    return out;
  }
}
