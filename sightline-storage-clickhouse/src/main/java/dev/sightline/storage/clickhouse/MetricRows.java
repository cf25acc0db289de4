package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.MetricJson;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.util.List;

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
      g.writeStringField("value", MetricJson.value(p.value()));
    }
    g.writeStringField(
        "exemplars", p.exemplars().isEmpty() ? "" : MetricJson.exemplars(p.exemplars()));
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
      value = MetricJson.readValue(type, r.get("value").asText());
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
        exemplars.isEmpty() ? List.of() : MetricJson.readExemplars(exemplars),
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
}
