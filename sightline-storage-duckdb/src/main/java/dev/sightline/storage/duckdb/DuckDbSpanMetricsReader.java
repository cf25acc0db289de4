package dev.sightline.storage.duckdb;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanCountPoint;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Span metrics from {@code span_metrics}: one aggregate query summing the rows of every commit per
 * series and step, histogram buckets summed element by element in SQL. Service graph edges are read
 * the same way from {@code service_edges}, which the writer maintains as spans arrive ({@link
 * ServiceEdgeRows}). Span counts ({@link #countSpans}) scan {@code spans} of the service in the
 * range: one aggregate with a FILTER clause per count.
 */
final class DuckDbSpanMetricsReader implements SpanMetricsReader {
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

  /** Edges of one tenant over a bucket range, summed over the rows of every commit. */
  private static final String SERVICE_EDGES =
      "SELECT client, server, caller_kind, "
          + SUMS.replace("requests", "calls")
          + " FROM service_edges WHERE tenant = ? AND bucket_ns >= ? AND bucket_ns < ?"
          + " GROUP BY ALL ORDER BY 1, 2, 3";

  private final ReaderConnections connections;

  DuckDbSpanMetricsReader(ReaderConnections connections) {
    this.connections = connections;
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
            DuckDbTraceReader.bind(ps, params);
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
            .append(" FROM span_metrics WHERE tenant = ? AND bucket_ns >= ? AND bucket_ns < ?");
    List<Object> params = new ArrayList<>();
    params.add(q.tenant());
    params.add(q.startUnixNano());
    params.add(q.endUnixNano());
    if (q.service() != null) {
      sql.append(" AND service = ?");
      params.add(q.service());
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
            DuckDbTraceReader.bind(ps, params);
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
                ") FROM spans WHERE tenant = ? AND start_ns >= ? AND start_ns < ? AND service = ?");
    List<Object> params = new ArrayList<>();
    params.add(q.tenant());
    params.add(q.startUnixNano());
    params.add(q.endUnixNano());
    params.add(q.service());
    if (q.operation() != null) {
      sql.append(" AND name = ?");
      params.add(q.operation());
    }
    for (Map.Entry<String, String> e : q.attributes().entrySet()) {
      // the span's attribute, or failing that its resource's, compared as text (as trace search)
      sql.append(
          " AND coalesce(json_extract_string(attributes, ?),"
              + " json_extract_string(resource_attributes, ?)) = ?");
      String pointer = AttributeColumns.pointer(e.getKey());
      params.add(pointer);
      params.add(pointer);
      params.add(e.getValue());
    }
    sql.append(" GROUP BY slot ORDER BY slot");
    return connections.run(
        c -> {
          List<SpanCountPoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            DuckDbTraceReader.bind(ps, params);
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
    return connections.run(
        c -> {
          List<ServiceEdge> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(SERVICE_EDGES)) {
            DuckDbTraceReader.bind(ps, List.of(tenant, startUnixNano, endUnixNano));
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
}
