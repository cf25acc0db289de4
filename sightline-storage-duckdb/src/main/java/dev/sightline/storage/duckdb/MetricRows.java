package dev.sightline.storage.duckdb;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.io.UncheckedIOException;
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
              p.value() instanceof PointValue.NumberValue ? null : value(p.value()),
              p.exemplars().isEmpty() ? null : exemplars(p.exemplars()),
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
      value = readValue(type, rs.getString(15));
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
        exemplars == null ? List.of() : readExemplars(exemplars),
        Components.readResource(rs.getString(17)),
        Components.readScope(rs.getString(18)));
  }

  static String value(PointValue value) {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          if (value instanceof PointValue.HistogramValue h) {
            g.writeNumberField("c", h.count());
            writeOptional(g, "s", h.sum());
            writeOptional(g, "mn", h.min());
            writeOptional(g, "mx", h.max());
            writeLongs(g, "b", h.bucketCounts());
            g.writeArrayFieldStart("e");
            for (double d : h.explicitBounds()) TypedJson.writeDouble(g, d);
            g.writeEndArray();
          } else if (value instanceof PointValue.ExponentialHistogramValue h) {
            g.writeNumberField("c", h.count());
            writeOptional(g, "s", h.sum());
            writeOptional(g, "mn", h.min());
            writeOptional(g, "mx", h.max());
            g.writeNumberField("sc", h.scale());
            g.writeNumberField("z", h.zeroCount());
            g.writeFieldName("zt");
            TypedJson.writeDouble(g, h.zeroThreshold());
            g.writeNumberField("po", h.positiveOffset());
            writeLongs(g, "p", h.positiveBucketCounts());
            g.writeNumberField("no", h.negativeOffset());
            writeLongs(g, "n", h.negativeBucketCounts());
          } else if (value instanceof PointValue.SummaryValue s) {
            g.writeNumberField("c", s.count());
            g.writeFieldName("s");
            TypedJson.writeDouble(g, s.sum());
            g.writeArrayFieldStart("q");
            for (PointValue.Quantile q : s.quantiles()) {
              g.writeStartArray();
              TypedJson.writeDouble(g, q.quantile());
              TypedJson.writeDouble(g, q.value());
              g.writeEndArray();
            }
            g.writeEndArray();
          } else {
            throw new IllegalArgumentException("not a JSON-stored value: " + value);
          }
          g.writeEndObject();
        });
  }

  private static void writeOptional(JsonGenerator g, String field, @Nullable Double d)
      throws IOException {
    if (d == null) return;
    g.writeFieldName(field);
    TypedJson.writeDouble(g, d);
  }

  private static void writeLongs(JsonGenerator g, String field, List<Long> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (long v : values) g.writeNumber(v);
    g.writeEndArray();
  }

  static PointValue readValue(MetricType type, String json) {
    long count = 0;
    Double sum = null;
    Double min = null;
    Double max = null;
    List<Long> buckets = List.of();
    List<Double> bounds = List.of();
    int scale = 0;
    long zeroCount = 0;
    double zeroThreshold = 0;
    int positiveOffset = 0;
    List<Long> positive = List.of();
    int negativeOffset = 0;
    List<Long> negative = List.of();
    List<PointValue.Quantile> quantiles = List.of();
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "c" -> count = p.getLongValue();
          case "s" -> sum = TypedJson.readDouble(p);
          case "mn" -> min = TypedJson.readDouble(p);
          case "mx" -> max = TypedJson.readDouble(p);
          case "b" -> buckets = readLongs(p);
          case "e" -> bounds = readDoubles(p);
          case "sc" -> scale = p.getIntValue();
          case "z" -> zeroCount = p.getLongValue();
          case "zt" -> zeroThreshold = TypedJson.readDouble(p);
          case "po" -> positiveOffset = p.getIntValue();
          case "p" -> positive = readLongs(p);
          case "no" -> negativeOffset = p.getIntValue();
          case "n" -> negative = readLongs(p);
          case "q" -> {
            List<PointValue.Quantile> qs = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_ARRAY) {
              p.nextToken();
              double q = TypedJson.readDouble(p);
              p.nextToken();
              double v = TypedJson.readDouble(p);
              TypedJson.expect(p.nextToken(), JsonToken.END_ARRAY);
              qs.add(new PointValue.Quantile(q, v));
            }
            quantiles = qs;
          }
          default -> throw new IOException("unknown point value field " + field);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (type) {
      case HISTOGRAM -> new PointValue.HistogramValue(count, sum, min, max, buckets, bounds);
      case EXPONENTIAL_HISTOGRAM ->
          new PointValue.ExponentialHistogramValue(
              count,
              sum,
              min,
              max,
              scale,
              zeroCount,
              zeroThreshold,
              positiveOffset,
              positive,
              negativeOffset,
              negative);
      case SUMMARY -> new PointValue.SummaryValue(count, sum == null ? 0 : sum, quantiles);
      default -> throw new IllegalStateException("numbers are not stored as JSON: " + type);
    };
  }

  private static List<Long> readLongs(JsonParser p) throws IOException {
    List<Long> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) values.add(p.getLongValue());
    return values;
  }

  private static List<Double> readDoubles(JsonParser p) throws IOException {
    List<Double> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) values.add(TypedJson.readDouble(p));
    return values;
  }

  static String exemplars(List<Exemplar> exemplars) {
    return TypedJson.write(
        g -> {
          g.writeStartArray();
          for (Exemplar e : exemplars) {
            g.writeStartObject();
            g.writeNumberField("t", e.timeUnixNano());
            g.writeBooleanField("l", e.isLong());
            g.writeFieldName("dv");
            TypedJson.writeDouble(g, e.asDouble());
            g.writeNumberField("lv", e.asLong());
            if (!e.traceId().isEmpty()) g.writeStringField("tr", e.traceId());
            if (!e.spanId().isEmpty()) g.writeStringField("s", e.spanId());
            if (!e.filteredAttributes().isEmpty()) {
              g.writeFieldName("a");
              TypedJson.writeAttributes(g, e.filteredAttributes());
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static List<Exemplar> readExemplars(String json) {
    List<Exemplar> exemplars = new ArrayList<>();
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.START_OBJECT) {
        long time = 0;
        boolean isLong = false;
        double asDouble = 0;
        long asLong = 0;
        String traceId = "";
        String spanId = "";
        Attributes attributes = Attributes.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "t" -> time = p.getLongValue();
            case "l" -> isLong = p.getBooleanValue();
            case "dv" -> asDouble = TypedJson.readDouble(p);
            case "lv" -> asLong = p.getLongValue();
            case "tr" -> traceId = p.getText();
            case "s" -> spanId = p.getText();
            case "a" -> attributes = TypedJson.readAttributes(p);
            default -> throw new IOException("unknown exemplar field " + field);
          }
        }
        exemplars.add(new Exemplar(time, isLong, asDouble, asLong, traceId, spanId, attributes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return exemplars;
  }
}
