package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * MetricPoint ↔ row of {@code metric_points}. Gauge and sum values are typed columns; histogram,
 * exponential histogram and summary values are one {@link TypedJson} document (no query reads
 * inside them), as are exemplars, resource and scope. Point attributes are stored twice: as {@link
 * TypedJson} ({@code attributes}, also the series key, exact) and as {@link AttributeArrays} text
 * forms ({@code attr_*}) for counter-increase filters.
 */
final class MetricRows {
  private MetricRows() {}

  static final String COLUMNS =
      "tenant, name, description, unit, type, temporality, monotonic, attributes, start_ns,"
          + " time_ns, flags, value_is_long, value_double, value_long, value, exemplars, resource,"
          + " scope";

  static void write(JsonGenerator g, MetricPoint p) throws IOException {
    checkValueMatchesType(p);
    g.writeStartObject();
    g.writeStringField("day", Days.of(p.timeUnixNano()));
    g.writeStringField("tenant", p.tenant());
    g.writeStringField("name", p.name());
    g.writeStringField("service", p.serviceName());
    g.writeStringField("attributes", TypedJson.attributes(p.attributes()));
    AttributeArrays.write(g, "attr", p.attributes());
    g.writeNumberField("time_ns", Days.requireTime(p.timeUnixNano(), "point time"));
    g.writeNumberField("start_ns", Days.requireTime(p.startTimeUnixNano(), "point start"));
    g.writeStringField("description", p.description());
    g.writeStringField("unit", p.unit());
    g.writeNumberField("type", p.type().ordinal());
    g.writeNumberField("temporality", p.temporality().ordinal());
    g.writeNumberField("monotonic", p.monotonic() ? 1 : 0);
    g.writeNumberField("flags", Integer.toUnsignedLong(p.flags()));
    if (p.value() instanceof PointValue.NumberValue n) {
      g.writeNumberField("value_is_long", n.isLong() ? 1 : 0);
      // stored as Double.toString text: exact for every double, NaN and -0.0 included
      g.writeStringField("value_double", Double.toString(n.asDouble()));
      g.writeNumberField("value_long", n.asLong());
      g.writeStringField("value", "");
    } else {
      g.writeNumberField("value_is_long", 0);
      g.writeStringField("value_double", "0.0");
      g.writeNumberField("value_long", 0);
      g.writeStringField("value", value(p.value()));
    }
    g.writeStringField("exemplars", p.exemplars().isEmpty() ? "" : exemplars(p.exemplars()));
    g.writeStringField("resource", Components.resource(p.resource()));
    g.writeStringField("scope", Components.scope(p.scope()));
    g.writeEndObject();
  }

  static MetricPoint read(JsonNode r) {
    MetricType type = MetricType.values()[r.get("type").asInt()];
    PointValue value;
    if (type == MetricType.GAUGE || type == MetricType.SUM) {
      value =
          new PointValue.NumberValue(
              r.get("value_is_long").asInt() == 1,
              Double.parseDouble(r.get("value_double").asText()),
              r.get("value_long").asLong());
    } else {
      value = readValue(type, r.get("value").asText());
    }
    String exemplars = r.get("exemplars").asText();
    return new MetricPoint(
        r.get("tenant").asText(),
        r.get("name").asText(),
        r.get("description").asText(),
        r.get("unit").asText(),
        type,
        AggregationTemporality.fromNumber(r.get("temporality").asInt()),
        r.get("monotonic").asInt() == 1,
        TypedJson.readAttributes(r.get("attributes").asText()),
        r.get("start_ns").asLong(),
        r.get("time_ns").asLong(),
        (int) r.get("flags").asLong(),
        value,
        exemplars.isEmpty() ? List.of() : readExemplars(exemplars),
        Components.readResource(r.get("resource").asText()),
        Components.readScope(r.get("scope").asText()));
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
