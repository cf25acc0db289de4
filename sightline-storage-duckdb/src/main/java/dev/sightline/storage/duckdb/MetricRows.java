package dev.sightline.storage.duckdb;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.MetricJson;
import dev.sightline.core.storage.json.TypedJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * MetricPoint ↔ row of {@code metric_points}. Gauge and sum values are typed columns; histogram,
 * exponential histogram and summary values are one {@link TypedJson} document (no query reads
 * inside them; the reader returns whole points).
 */
final class MetricRows {
  private MetricRows() {}

  static final String COLUMNS =
      "tenant, name, description, unit, type, temporality, monotonic, attributes, start_ns,"
          + " time_ns, flags, value_is_long, value_double, value_long, value, exemplars, resource,"
          + " scope";

  record Row(
      MetricPoint point,
      String attributes,
      @Nullable String value,
      @Nullable String exemplars,
      String resource,
      String scope) {}

  static List<Row> encode(List<MetricPoint> points) {
    Map<Resource, String> resources = new IdentityHashMap<>();
    Map<InstrumentationScope, String> scopes = new IdentityHashMap<>();
    List<Row> rows = new ArrayList<>(points.size());
    for (MetricPoint p : points) {
      checkValueMatchesType(p);
      rows.add(
          new Row(
              p,
              TypedJson.attributes(p.attributes()),
              p.value() instanceof PointValue.NumberValue ? null : MetricJson.value(p.value()),
              p.exemplars().isEmpty() ? null : MetricJson.exemplars(p.exemplars()),
              resources.computeIfAbsent(p.resource(), Components::resource),
              scopes.computeIfAbsent(p.scope(), Components::scope)));
    }
    return rows;
  }

  private static void checkValueMatchesType(MetricPoint p) {
    boolean ok =
        switch (p.type()) {
          case GAUGE, SUM -> p.value() instanceof PointValue.NumberValue;
          case HISTOGRAM -> p.value() instanceof PointValue.HistogramValue;
          case EXPONENTIAL_HISTOGRAM -> p.value() instanceof PointValue.ExponentialHistogramValue;
          case SUMMARY -> p.value() instanceof PointValue.SummaryValue;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "metric " + p.name() + " of type " + p.type() + " has a value of another kind");
    }
  }

  static void append(DuckDBAppender a, Row r) throws SQLException {
    MetricPoint p = r.point();
    a.beginRow();
    a.append(p.tenant());
    a.append(p.name());
    a.append(p.serviceName());
    a.append(r.attributes());
    a.append(p.timeUnixNano());
    a.append(p.startTimeUnixNano());
    a.append(p.description());
    a.append(p.unit());
    a.append((byte) p.type().ordinal());
    a.append((byte) p.temporality().ordinal());
    a.append(p.monotonic());
    a.append(p.flags());
    if (p.value() instanceof PointValue.NumberValue n) {
      a.append(n.isLong());
      a.append(n.asDouble());
      a.append(n.asLong());
      a.appendNull();
    } else {
      a.appendNull();
      a.appendNull();
      a.appendNull();
      a.append(r.value());
    }
    SpanRows.appendNullable(a, r.exemplars());
    a.append(r.resource());
    a.append(r.scope());
    a.endRow();
  }

  static MetricPoint read(ResultSet rs) throws SQLException {
    MetricType type = MetricType.values()[rs.getByte(5)];
    PointValue value;
    if (type == MetricType.GAUGE || type == MetricType.SUM) {
      value = new PointValue.NumberValue(rs.getBoolean(12), rs.getDouble(13), rs.getLong(14));
    } else {
      value = MetricJson.readValue(type, rs.getString(15));
    }
    String exemplars = rs.getString(16);
    return new MetricPoint(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        type,
        AggregationTemporality.fromNumber(rs.getByte(6)),
        rs.getBoolean(7),
        TypedJson.readAttributes(rs.getString(8)),
        rs.getLong(9),
        rs.getLong(10),
        rs.getInt(11),
        value,
        exemplars == null ? List.of() : MetricJson.readExemplars(exemplars),
        Components.readResource(rs.getString(17)),
        Components.readScope(rs.getString(18)));
  }
}
