package dev.sightline.storage.duckdb;

import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.MetricReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Metric points from {@code metric_points}, ordered by series then time. */
final class DuckDbMetricReader implements MetricReader {
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
    return connections.run(
        c -> {
          List<MetricPoint> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            DuckDbTraceReader.bind(ps, params);
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
    return connections.run(
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
}
