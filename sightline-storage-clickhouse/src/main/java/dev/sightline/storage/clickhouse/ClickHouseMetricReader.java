package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.storage.CounterIncreasePoint;
import dev.sightline.core.storage.CounterIncreaseQuery;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.MetricReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Metric points from {@code metric_points}. Counter increases read the matching monotonic sums of
 * the range (and the hour before it) ordered by series and time, and difference consecutive points
 * here: 18.16 has no window functions ({@code lag}), and one pass over a sorted stream is cheap.
 */
final class ClickHouseMetricReader implements MetricReader, CounterIncreaseReader {
  private final ClickHouseHttp http;

  ClickHouseMetricReader(ClickHouseHttp http) {
    this.http = http;
  }

  @Override
  public List<MetricPoint> searchPoints(MetricQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(MetricRows.COLUMNS)
            .append(" FROM metric_points WHERE tenant = ")
            .append(Sql.literal(q.tenant()))
            .append(ClickHouseTraceReader.timeRange("time_ns", q.startUnixNano(), q.endUnixNano()));
    if (q.name() != null) sql.append(" AND name = ").append(Sql.literal(q.name()));
    if (q.service() != null) sql.append(" AND service = ").append(Sql.literal(q.service()));
    sql.append(" ORDER BY name, service, attributes, time_ns LIMIT ").append(q.limit());
    List<MetricPoint> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) out.add(MetricRows.read(r));
    return out;
  }

  @Override
  public List<String> metricNames(String tenant, long startUnixNano, long endUnixNano) {
    List<String> out = new ArrayList<>();
    for (JsonNode r :
        http.query(
            "SELECT DISTINCT name FROM metric_points WHERE tenant = "
                + Sql.literal(tenant)
                + ClickHouseTraceReader.timeRange("time_ns", startUnixNano, endUnixNano)
                + " ORDER BY name")) {
      out.add(r.get("name").asText());
    }
    return out;
  }

  @Override
  public OptionalLong oldestPoint(String tenant, String metric) {
    JsonNode r =
        http.query(
                "SELECT count() AS n, min(time_ns) AS oldest FROM metric_points WHERE tenant = "
                    + Sql.literal(tenant)
                    + " AND name = "
                    + Sql.literal(metric))
            .get(0);
    return r.get("n").asLong() == 0
        ? OptionalLong.empty()
        : OptionalLong.of(r.get("oldest").asLong());
  }

  @Override
  public List<CounterIncreasePoint> counterIncrease(CounterIncreaseQuery q) {
    long start = q.startUnixNano();
    StringBuilder sql =
        new StringBuilder(
                "SELECT attributes, resource, scope, temporality, time_ns, start_ns, value_is_long,"
                    + " value_long, value_double FROM metric_points WHERE tenant = ")
            .append(Sql.literal(q.tenant()))
            .append(" AND name = ")
            .append(Sql.literal(q.metric()))
            .append(
                ClickHouseTraceReader.timeRange(
                    "time_ns",
                    Days.bound(Days.saturatedAdd(start, -COUNTER_LOOKBACK.toNanos())),
                    q.endUnixNano()))
            .append(" AND type = ")
            .append(MetricType.SUM.ordinal())
            .append(" AND monotonic = 1 AND temporality IN (")
            .append(AggregationTemporality.DELTA.ordinal())
            .append(", ")
            .append(AggregationTemporality.CUMULATIVE.ordinal())
            .append(')');
    if (q.service() != null) sql.append(" AND service = ").append(Sql.literal(q.service()));
    for (Map.Entry<String, String> e : q.attributes().entrySet()) {
      sql.append(" AND ").append(AttributeArrays.matches("attr", e.getKey(), e.getValue()));
    }
    sql.append(" ORDER BY attributes, resource, scope, temporality, time_ns");

    Map<Long, Double> bySlot = new TreeMap<>();
    String series = null;
    boolean hasPrevious = false;
    double previous = 0;
    long previousStart = 0;
    int delta = AggregationTemporality.DELTA.ordinal();
    for (JsonNode r : http.query(sql.toString())) {
      String key =
          r.get("attributes").asText()
              + '\u0000'
              + r.get("resource").asText()
              + '\u0000'
              + r.get("scope").asText()
              + '\u0000'
              + r.get("temporality").asText();
      if (!key.equals(series)) {
        series = key;
        hasPrevious = false;
      }
      long time = r.get("time_ns").asLong();
      long pointStart = r.get("start_ns").asLong();
      double v =
          r.get("value_is_long").asInt() == 1
              ? (double) r.get("value_long").asLong()
              : Double.parseDouble(r.get("value_double").asText());
      double increase;
      if (r.get("temporality").asInt() == delta) {
        increase = v;
      } else if (!hasPrevious) {
        increase = pointStart >= start ? v : 0;
      } else if (pointStart != previousStart || v < previous) {
        increase = v; // a reset
      } else {
        increase = v - previous;
      }
      hasPrevious = true;
      previous = v;
      previousStart = pointStart;
      if (time < start) continue; // the lookback only provides previous points
      long slot = q.stepNanos() == 0 ? 0 : (time - start) / q.stepNanos();
      bySlot.merge(slot, increase, Double::sum);
    }
    List<CounterIncreasePoint> out = new ArrayList<>();
    bySlot.forEach(
        (slot, sum) -> out.add(new CounterIncreasePoint(start + slot * q.stepNanos(), sum)));
    return out;
  }
}
