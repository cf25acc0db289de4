package dev.sightline.storage.duckdb;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanCountPoint;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Span metrics from {@code span_metrics}: one aggregate query summing the rows of every commit per
 * series and step, histogram buckets summed element by element in SQL. Service graph edges are read
 * like RED from {@code service_edges}, which the writer maintains as spans arrive ({@link
 * ServiceEdgePairer}); with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off they are computed
 * at query time from {@code spans} (a join of children with their parents). Span counts ({@link
 * #countSpans}) scan {@code spans} of the service in the range: one aggregate with a FILTER clause
 * per count.
 */
final class DuckDbSpanMetricsReader implements SpanMetricsReader, SpanCountReader {
  private static final String SUMS;

  static {
    StringBuilder sb =
        new StringBuilder(
            "sum(requests)::BIGINT, sum(errors)::BIGINT, sum(duration_sum_ns)::BIGINT");
    for (int i = 1; i <= DurationHistogram.BUCKETS; i++) {
      sb.append(", sum(durations[").append(i).append("])::BIGINT");
    }
    SUMS = sb.toString();
  }

  /** The child's duration bucket, as {@link DurationHistogram#bucketOf}. */
  private static final String DURATION_BUCKET;

  /**
   * Flag off: span pairs parent → child across services, the parent a CLIENT (3) or PRODUCER (4)
   * span: a hash join of the range's children with their possible parents (the range widened by the
   * slack).
   */
  private static final String SERVICE_EDGES_JOIN;

  static {
    StringBuilder sb = new StringBuilder("CASE");
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      sb.append(" WHEN c.duration_ns <= ")
          .append(DurationHistogram.upperBoundNanos(i))
          .append(" THEN ")
          .append(i);
    }
    DURATION_BUCKET =
        sb.append(" ELSE ").append(DurationHistogram.BUCKETS - 1).append(" END").toString();
    SERVICE_EDGES_JOIN =
        "WITH c AS (SELECT trace_id, parent_span_id, service, status_code, duration_ns FROM spans"
            + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ? AND parent_span_id IS NOT NULL),"
            + " p AS (SELECT trace_id, span_id, service, kind, status_code FROM spans"
            + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ? AND kind IN (3, 4))"
            + " SELECT p.service, c.service, p.kind, "
            + DURATION_BUCKET
            + " AS bucket, count(*), count(*) FILTER (WHERE c.status_code = 2 OR p.status_code = 2),"
            + " sum(c.duration_ns)::BIGINT"
            + " FROM c JOIN p ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id"
            + " WHERE p.service <> c.service GROUP BY ALL ORDER BY 1, 2, 3, 4";
  }

  /**
   * Flag on (default): the edges of one tenant summed over the rows of every commit; what follows
   * {@code FROM} is {@link HourlyRollup#from}'s.
   */
  private static final String SERVICE_EDGES_STORED =
      "SELECT client, server, caller_kind, " + SUMS.replace("requests", "calls") + " FROM ";

  private final ReaderConnections connections;

  /** {@link DuckDbStorageBuilder#serviceEdgesAtIngest}: read {@code service_edges}, not spans. */
  private final boolean serviceEdgesAtIngest;

  DuckDbSpanMetricsReader(ReaderConnections connections, boolean serviceEdgesAtIngest) {
    this.connections = connections;
    this.serviceEdgesAtIngest = serviceEdgesAtIngest;
  }

  @Override
  public OptionalLong oldestBucket(
      String tenant, @Nullable String service, @Nullable String operation) {
    StringBuilder sql =
        new StringBuilder("SELECT min(bucket_ns) FROM span_metrics WHERE tenant = ?");
    List<Object> params = new ArrayList<>();
    params.add(tenant);
    if (service != null) {
      sql.append(" AND service = ?");
      params.add(service);
    }
    if (operation != null) {
      sql.append(" AND operation = ?");
      params.add(operation);
    }
    return connections.run(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return OptionalLong.empty();
              long t = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(t);
            }
          }
        });
  }

  @Override
  public List<SpanMetricsPoint> query(SpanMetricsQuery q) {
    boolean byService = q.groupBy() != SpanMetricsQuery.GroupBy.NONE;
    boolean byOperation = q.groupBy() == SpanMetricsQuery.GroupBy.OPERATION;
    // start and step are longs, inlined so the statement's parameters are only the filters
    String slot =
        q.stepNanos() == 0 ? "0" : "(bucket_ns - (" + q.startUnixNano() + "))// " + q.stepNanos();
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(byService ? "service" : "''")
            .append(", ")
            .append(byOperation ? "operation, kind" : "'', -1")
            .append(", ")
            .append(slot)
            .append(" AS slot, ")
            .append(SUMS)
            .append(" FROM ");
    List<Object> params = new ArrayList<>();
    long hour = HourlyRollup.HOUR_NANOS;
    long start = q.startUnixNano();
    long end = q.endUnixNano();
    // whole hours inside the range from the hourly roll-up when every hour falls in one slot (a
    // total, or hour-multiple steps from an hour); the 10-second rows for the rest
    long[] hours =
        q.stepNanos() == 0 || (q.stepNanos() % hour == 0 && Math.floorMod(start, hour) == 0)
            ? HourlyRollup.wholeHours(start, end)
            : null;
    sql.append(HourlyRollup.SPAN_METRICS.from(q.tenant(), start, end, hours, params));
    if (q.service() != null) {
      sql.append(" AND service = ?");
      params.add(q.service());
    }
    if (!q.services().isEmpty()) {
      sql.append(" AND service IN (");
      String sep = "";
      for (String service : new java.util.TreeSet<>(q.services())) {
        sql.append(sep).append('?');
        params.add(service);
        sep = ", ";
      }
      sql.append(')');
    }
    if (q.operation() != null) {
      sql.append(" AND operation = ?");
      params.add(q.operation());
    }
    if (!q.spanKinds().isEmpty()) {
      sql.append(" AND kind IN (");
      String sep = "";
      for (SpanKind k : q.spanKinds()) {
        sql.append(sep).append(k.ordinal());
        sep = ", ";
      }
      sql.append(')');
    }
    sql.append(" GROUP BY ALL HAVING count(*) > 0 ORDER BY 1, 2, 3, 4");
    return connections.run(
        c -> {
          List<SpanMetricsPoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                int kind = rs.getInt(3);
                long[] durations = new long[DurationHistogram.BUCKETS];
                for (int i = 0; i < durations.length; i++) durations[i] = rs.getLong(8 + i);
                out.add(
                    new SpanMetricsPoint(
                        rs.getString(1),
                        rs.getString(2),
                        kind < 0 ? null : SpanKind.fromNumber(kind),
                        q.startUnixNano() + rs.getLong(4) * q.stepNanos(),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        DurationHistogram.of(durations)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<SpanCountPoint> countSpans(SpanCountQuery q) {
    // start, step and threshold are longs, inlined so the statement's parameters are only filters
    String slot =
        q.stepNanos() == 0 ? "0" : "(start_ns - (" + q.startUnixNano() + ")) // " + q.stepNanos();
    long threshold = q.maxDurationNanos() == null ? Long.MAX_VALUE : q.maxDurationNanos();
    int error = StatusCode.ERROR.ordinal();
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(slot)
            .append(" AS slot, count(*), count(*) FILTER (WHERE status_code = ")
            .append(error)
            .append("), count(*) FILTER (WHERE duration_ns <= ")
            .append(threshold)
            .append("), count(*) FILTER (WHERE status_code <> ")
            .append(error)
            .append(" AND duration_ns <= ")
            .append(threshold)
            .append(
                // the resource columns only when a filter may compare them (the view joins)
                ") FROM "
                    + (q.attributes().isEmpty() ? "spans" : SpanResources.RESOLVED)
                    + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ? AND service = ?");
    List<Object> params = new ArrayList<>();
    params.add(q.tenant());
    params.add(q.startUnixNano());
    params.add(q.endUnixNano());
    params.add(q.service());
    if (q.operation() != null) {
      sql.append(" AND name = ?");
      params.add(q.operation());
    }
    TraceSearch.Filter.attributes(sql, params, q.attributes()); // compared as trace search does
    sql.append(" GROUP BY slot ORDER BY slot");
    return connections.run(
        c -> {
          List<SpanCountPoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new SpanCountPoint(
                        q.startUnixNano() + rs.getLong(1) * q.stepNanos(),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<ServiceEdge> serviceEdges(String tenant, long startUnixNano, long endUnixNano) {
    return serviceEdgesAtIngest
        ? storedServiceEdges(tenant, startUnixNano, endUnixNano)
        : joinedServiceEdges(tenant, startUnixNano, endUnixNano);
  }

  /**
   * The buckets of {@code service_edges} that the writer maintains ({@link ServiceEdgePairer}),
   * whole hours from {@code service_edges_hourly}.
   */
  private List<ServiceEdge> storedServiceEdges(
      String tenant, long startUnixNano, long endUnixNano) {
    List<Object> params = new ArrayList<>();
    String sql =
        SERVICE_EDGES_STORED
            + HourlyRollup.SERVICE_EDGES.from(
                tenant,
                startUnixNano,
                endUnixNano,
                HourlyRollup.wholeHours(startUnixNano, endUnixNano),
                params)
            + " GROUP BY ALL ORDER BY 1, 2, 3";
    return connections.run(
        c -> {
          List<ServiceEdge> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long[] durations = new long[DurationHistogram.BUCKETS];
                for (int i = 0; i < durations.length; i++) durations[i] = rs.getLong(7 + i);
                out.add(
                    new ServiceEdge(
                        rs.getString(1),
                        rs.getString(2),
                        SpanKind.fromNumber(rs.getInt(3)),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        DurationHistogram.of(durations)));
              }
            }
          }
          return out;
        });
  }

  /** The query-time join over {@code spans}, as before {@code service_edges} existed. */
  private List<ServiceEdge> joinedServiceEdges(
      String tenant, long startUnixNano, long endUnixNano) {
    long slack = TraceSearch.TRACE_WINDOW_SLACK_NANOS;
    List<Object> params =
        List.of(
            tenant,
            startUnixNano,
            endUnixNano,
            tenant,
            Sql.saturatedAdd(startUnixNano, -slack),
            Sql.saturatedAdd(endUnixNano, slack));
    return connections.run(
        c -> {
          List<ServiceEdge> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(SERVICE_EDGES_JOIN)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              String client = null;
              String server = null;
              int kind = -1;
              long calls = 0, errors = 0, sum = 0;
              long[] durations = new long[DurationHistogram.BUCKETS];
              while (rs.next()) {
                String rowClient = rs.getString(1);
                String rowServer = rs.getString(2);
                int rowKind = rs.getInt(3);
                if (client != null
                    && !(client.equals(rowClient) && server.equals(rowServer) && kind == rowKind)) {
                  out.add(edge(client, server, kind, calls, errors, sum, durations));
                  calls = errors = sum = 0;
                  durations = new long[DurationHistogram.BUCKETS];
                }
                client = rowClient;
                server = rowServer;
                kind = rowKind;
                long n = rs.getLong(5);
                durations[rs.getInt(4)] += n;
                calls += n;
                errors += rs.getLong(6);
                sum += rs.getLong(7);
              }
              if (client != null)
                out.add(edge(client, server, kind, calls, errors, sum, durations));
            }
          }
          return out;
        });
  }

  private static ServiceEdge edge(
      String client, String server, int kind, long calls, long errors, long sum, long[] counts) {
    return new ServiceEdge(
        client,
        server,
        SpanKind.fromNumber(kind),
        calls,
        errors,
        sum,
        DurationHistogram.of(counts));
  }
}
