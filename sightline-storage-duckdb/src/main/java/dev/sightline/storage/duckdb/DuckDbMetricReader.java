package dev.sightline.storage.duckdb;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.storage.CounterIncreasePoint;
import dev.sightline.core.storage.CounterIncreaseQuery;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.MetricReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Metric points from {@code metric_points}, ordered by series then time. */
final class DuckDbMetricReader implements MetricReader, CounterIncreaseReader {
  private final ReaderConnections connections;

  DuckDbMetricReader(ReaderConnections connections) {
    this.connections = connections;
  }

  @Override
  public List<MetricPoint> searchPoints(MetricQuery query) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE tenant = ? AND time_ns >= ? AND time_ns < ?");
    params.add(query.tenant());
    params.add(query.startUnixNano());
    params.add(query.endUnixNano());
    if (query.name() != null && !query.name().isEmpty()) {
      where.append(" AND name = ?");
      params.add(query.name());
    }
    if (query.service() != null && !query.service().isEmpty()) {
      where.append(" AND service = ?");
      params.add(query.service());
    }
    params.add(query.limit());
    // attributes is the series' canonical JSON: equal attribute sets sort together
    String sql =
        "SELECT "
            + MetricRows.COLUMNS
            + " FROM metric_points"
            + where
            + " ORDER BY name, service, attributes, time_ns LIMIT ?";
    return connections.runOnStored(
        c -> {
          List<MetricPoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(MetricRows.read(rs));
            }
          }
          return out;
        });
  }

  @Override
  public List<String> metricNames(String tenant, long startUnixNano, long endUnixNano) {
    String sql =
        "SELECT DISTINCT name FROM metric_points"
            + " WHERE tenant = ? AND time_ns >= ? AND time_ns < ? ORDER BY name";
    return connections.runOnStored(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setLong(2, startUnixNano);
            ps.setLong(3, endUnixNano);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  @Override
  public OptionalLong oldestPoint(String tenant, String metric) {
    return connections.runOnStored(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT min(time_ns) FROM metric_points WHERE tenant = ? AND name = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, metric);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return OptionalLong.empty();
              long t = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(t);
            }
          }
        });
  }

  /**
   * One scan of the metric's monotonic sums in [start − lookback, end): {@code lag} over each
   * series (attributes, resource, scope) in time order gives the cumulative increments, and the
   * points in [start, end) are summed per step.
   */
  @Override
  public List<CounterIncreasePoint> counterIncrease(CounterIncreaseQuery query) {
    long start = query.startUnixNano();
    long lookbackStart = start - COUNTER_LOOKBACK.toNanos();
    List<Object> params = new ArrayList<>();
    StringBuilder where =
        new StringBuilder(
            " WHERE tenant = ? AND name = ? AND time_ns >= ? AND time_ns < ?"
                + " AND type = "
                + MetricType.SUM.ordinal()
                + " AND monotonic AND temporality IN ("
                + AggregationTemporality.DELTA.ordinal()
                + ", "
                + AggregationTemporality.CUMULATIVE.ordinal()
                + ")");
    params.add(query.tenant());
    params.add(query.metric());
    params.add(lookbackStart);
    params.add(query.endUnixNano());
    if (query.service() != null) {
      where.append(" AND service = ?");
      params.add(query.service());
    }
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      where.append(" AND json_extract_string(attributes, ?) = ?");
      params.add(AttributeColumns.pointer(e.getKey()));
      params.add(e.getValue());
    }
    long step = query.stepNanos();
    String increment =
        "CASE WHEN temporality = "
            + AggregationTemporality.DELTA.ordinal()
            + " THEN v"
            + " WHEN prev_v IS NULL THEN CASE WHEN start_ns >= ? THEN v ELSE 0 END"
            + " WHEN start_ns <> prev_start OR v < prev_v THEN v"
            + " ELSE v - prev_v END";
    String sql =
        "WITH r AS (SELECT time_ns, start_ns, temporality,"
            + " CASE WHEN value_is_long THEN CAST(value_long AS DOUBLE) ELSE value_double END AS v,"
            + " attributes, resource, scope"
            + " FROM metric_points"
            + where
            + "), p AS (SELECT time_ns, start_ns, temporality, v,"
            + " lag(v) OVER s AS prev_v, lag(start_ns) OVER s AS prev_start FROM r"
            + " WINDOW s AS (PARTITION BY attributes, resource, scope, temporality"
            + " ORDER BY time_ns))"
            + " SELECT "
            + (step == 0 ? "0" : "(time_ns - ?) // ?")
            + " AS k, sum("
            + increment
            + ") FROM p WHERE time_ns >= ? GROUP BY k ORDER BY k";
    if (step != 0) {
      params.add(start);
      params.add(step);
    }
    params.add(start);
    params.add(start);
    return connections.runOnStored(
        c -> {
          List<CounterIncreasePoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new CounterIncreasePoint(start + rs.getLong(1) * step, rs.getDouble(2)));
              }
            }
          }
          return out;
        });
  }
}
