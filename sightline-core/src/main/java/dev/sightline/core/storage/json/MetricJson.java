package dev.sightline.core.storage.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The stored JSON of a metric point's structured parts, the same in every backend: histogram,
 * exponential histogram and summary values ({@link #value}, short field names: {@code c} count,
 * {@code s} sum, {@code mn}/{@code mx} min/max, {@code b}/{@code e} bucket counts and bounds,
 * {@code sc}/{@code z}/{@code zt} scale and zero bucket, {@code po}/{@code p} and {@code no}/{@code
 * n} the offset and counts of the positive and negative ranges, {@code q} quantiles) and exemplars
 * ({@link #exemplars}). Doubles go through {@link TypedJson#writeDouble}, so NaN and infinities
 * round-trip. One codec, so a store written by one backend's row format reads back the same in
 * another's.
 */
public final class MetricJson {
  private MetricJson() {}

  public static String value(PointValue value) {
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

  public static PointValue readValue(MetricType type, String json) {
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

  public static String exemplars(List<Exemplar> exemplars) {
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

  public static List<Exemplar> readExemplars(String json) {
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
