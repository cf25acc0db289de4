package dev.sightline.query;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.storage.TraceSummary;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders the core model as the query API's JSON (documented in {@code docs/api.md}). Attributes
 * become JSON objects whose values keep their type: strings, booleans, integers, doubles (NaN and
 * infinities as strings), bytes as base64, arrays and nested objects; an empty value is null.
 * Timestamps are integers in Unix nanoseconds.
 */
public final class TelemetryJson {
  private TelemetryJson() {}

  public static void writeSpan(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", s.traceId());
    g.writeStringField("spanId", s.spanId());
    g.writeStringField("parentSpanId", s.parentSpanId());
    g.writeStringField("traceState", s.traceState());
    g.writeNumberField("flags", s.flags());
    g.writeStringField("name", s.name());
    g.writeStringField("kind", s.kind().name());
    g.writeStringField("service", s.serviceName());
    g.writeNumberField("startTimeUnixNano", s.startTimeUnixNano());
    g.writeNumberField("endTimeUnixNano", s.endTimeUnixNano());
    g.writeNumberField("durationNanos", s.durationNanos());
    g.writeObjectFieldStart("status");
    g.writeStringField("code", s.statusCode().name());
    g.writeStringField("message", s.statusMessage());
    g.writeEndObject();
    g.writeFieldName("attributes");
    writeAttributes(g, s.attributes());
    g.writeNumberField("droppedAttributesCount", s.droppedAttributesCount());
    g.writeFieldName("resource");
    writeAttributes(g, s.resource().attributes());
    g.writeFieldName("scope");
    writeScope(g, s.scope());
    g.writeArrayFieldStart("events");
    for (SpanEvent e : s.events()) {
      g.writeStartObject();
      g.writeNumberField("timeUnixNano", e.timeUnixNano());
      g.writeStringField("name", e.name());
      g.writeFieldName("attributes");
      writeAttributes(g, e.attributes());
      g.writeNumberField("droppedAttributesCount", e.droppedAttributesCount());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("droppedEventsCount", s.droppedEventsCount());
    g.writeArrayFieldStart("links");
    for (SpanLink l : s.links()) {
      g.writeStartObject();
      g.writeStringField("traceId", l.traceId());
      g.writeStringField("spanId", l.spanId());
      g.writeStringField("traceState", l.traceState());
      g.writeNumberField("flags", l.flags());
      g.writeFieldName("attributes");
      writeAttributes(g, l.attributes());
      g.writeNumberField("droppedAttributesCount", l.droppedAttributesCount());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("droppedLinksCount", s.droppedLinksCount());
    g.writeEndObject();
  }

  public static void writeTraceSummary(JsonGenerator g, TraceSummary t) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", t.traceId());
    g.writeStringField("rootService", t.rootService());
    g.writeStringField("rootName", t.rootName());
    g.writeNumberField("startTimeUnixNano", t.startTimeUnixNano());
    g.writeNumberField("durationNanos", t.durationNanos());
    g.writeNumberField("spanCount", t.spanCount());
    g.writeNumberField("errorCount", t.errorCount());
    g.writeArrayFieldStart("services");
    for (String service : t.services()) g.writeString(service);
    g.writeEndArray();
    g.writeEndObject();
  }

  public static void writeLog(JsonGenerator g, LogRecord r) throws IOException {
    g.writeStartObject();
    g.writeNumberField("timeUnixNano", r.eventTimeUnixNano());
    g.writeNumberField("observedTimeUnixNano", r.observedTimeUnixNano());
    g.writeNumberField("severityNumber", r.severityNumber());
    g.writeStringField("severityText", r.severityText());
    g.writeFieldName("body");
    writeValue(g, r.body());
    g.writeFieldName("attributes");
    writeAttributes(g, r.attributes());
    g.writeNumberField("droppedAttributesCount", r.droppedAttributesCount());
    g.writeFieldName("resource");
    writeAttributes(g, r.resource().attributes());
    g.writeFieldName("scope");
    writeScope(g, r.scope());
    g.writeStringField("service", r.serviceName());
    g.writeStringField("traceId", r.traceId());
    g.writeStringField("spanId", r.spanId());
    g.writeNumberField("flags", r.flags());
    g.writeStringField("eventName", r.eventName());
    g.writeEndObject();
  }

  /** One metric series: identity fields, then its points in time order. */
  public static void writeSeries(JsonGenerator g, List<MetricPoint> points) throws IOException {
    MetricPoint first = points.get(0);
    g.writeStartObject();
    g.writeStringField("name", first.name());
    g.writeStringField("description", first.description());
    g.writeStringField("unit", first.unit());
    g.writeStringField("type", first.type().name());
    g.writeStringField("temporality", first.temporality().name());
    g.writeBooleanField("monotonic", first.monotonic());
    g.writeStringField("service", first.serviceName());
    g.writeFieldName("resource");
    writeAttributes(g, first.resource().attributes());
    g.writeFieldName("scope");
    writeScope(g, first.scope());
    g.writeFieldName("attributes");
    writeAttributes(g, first.attributes());
    g.writeArrayFieldStart("points");
    for (MetricPoint p : points) writePoint(g, p);
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writePoint(JsonGenerator g, MetricPoint p) throws IOException {
    g.writeStartObject();
    g.writeNumberField("startTimeUnixNano", p.startTimeUnixNano());
    g.writeNumberField("timeUnixNano", p.timeUnixNano());
    g.writeNumberField("flags", p.flags());
    PointValue v = p.value();
    if (v instanceof PointValue.NumberValue n) {
      g.writeFieldName("value");
      if (n.isLong()) g.writeNumber(n.asLong());
      else writeDouble(g, n.asDouble());
    } else if (v instanceof PointValue.HistogramValue h) {
      g.writeNumberField("count", h.count());
      writeOptionalDouble(g, "sum", h.sum());
      writeOptionalDouble(g, "min", h.min());
      writeOptionalDouble(g, "max", h.max());
      g.writeArrayFieldStart("bucketCounts");
      for (long c : h.bucketCounts()) g.writeNumber(c);
      g.writeEndArray();
      g.writeArrayFieldStart("explicitBounds");
      for (double b : h.explicitBounds()) writeDouble(g, b);
      g.writeEndArray();
    } else if (v instanceof PointValue.ExponentialHistogramValue e) {
      g.writeNumberField("count", e.count());
      writeOptionalDouble(g, "sum", e.sum());
      writeOptionalDouble(g, "min", e.min());
      writeOptionalDouble(g, "max", e.max());
      g.writeNumberField("scale", e.scale());
      g.writeNumberField("zeroCount", e.zeroCount());
      g.writeFieldName("zeroThreshold");
      writeDouble(g, e.zeroThreshold());
      g.writeObjectFieldStart("positive");
      g.writeNumberField("offset", e.positiveOffset());
      g.writeArrayFieldStart("bucketCounts");
      for (long c : e.positiveBucketCounts()) g.writeNumber(c);
      g.writeEndArray();
      g.writeEndObject();
      g.writeObjectFieldStart("negative");
      g.writeNumberField("offset", e.negativeOffset());
      g.writeArrayFieldStart("bucketCounts");
      for (long c : e.negativeBucketCounts()) g.writeNumber(c);
      g.writeEndArray();
      g.writeEndObject();
    } else if (v instanceof PointValue.SummaryValue s) {
      g.writeNumberField("count", s.count());
      g.writeFieldName("sum");
      writeDouble(g, s.sum());
      g.writeArrayFieldStart("quantileValues");
      for (PointValue.Quantile q : s.quantiles()) {
        g.writeStartObject();
        g.writeFieldName("quantile");
        writeDouble(g, q.quantile());
        g.writeFieldName("value");
        writeDouble(g, q.value());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeArrayFieldStart("exemplars");
    for (Exemplar e : p.exemplars()) {
      g.writeStartObject();
      g.writeNumberField("timeUnixNano", e.timeUnixNano());
      g.writeFieldName("value");
      if (e.isLong()) g.writeNumber(e.asLong());
      else writeDouble(g, e.asDouble());
      g.writeStringField("traceId", e.traceId());
      g.writeStringField("spanId", e.spanId());
      g.writeFieldName("filteredAttributes");
      writeAttributes(g, e.filteredAttributes());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  public static void writeScope(JsonGenerator g, InstrumentationScope scope) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", scope.name());
    g.writeStringField("version", scope.version());
    if (!scope.attributes().isEmpty()) {
      g.writeFieldName("attributes");
      writeAttributes(g, scope.attributes());
    }
    g.writeEndObject();
  }

  public static void writeResource(JsonGenerator g, Resource resource) throws IOException {
    writeAttributes(g, resource.attributes());
  }

  /** One series of {@code GET /api/v1/metrics/chart}: identity, drawn points, exemplars. */
  public static void writeChartSeries(
      JsonGenerator g, List<MetricPoint> points, List<MetricCharts.ChartPoint> chart)
      throws IOException {
    MetricPoint first = points.get(0);
    g.writeStartObject();
    g.writeStringField("service", first.serviceName());
    g.writeFieldName("attributes");
    writeAttributes(g, first.attributes());
    g.writeArrayFieldStart("points");
    for (MetricCharts.ChartPoint c : chart) {
      g.writeStartObject();
      g.writeNumberField("timeUnixNano", c.timeUnixNano());
      if (c.value() != null || (c.p50() == null && c.p95() == null && c.p99() == null)) {
        writeNullable(g, "value", c.value());
      }
      if (c.value() == null) {
        writeNullable(g, "p50", c.p50());
        writeNullable(g, "p95", c.p95());
        writeNullable(g, "p99", c.p99());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("exemplars");
    for (MetricPoint p : points) {
      for (Exemplar e : p.exemplars()) {
        g.writeStartObject();
        g.writeNumberField("timeUnixNano", e.timeUnixNano());
        g.writeNumberField("value", e.value());
        g.writeStringField("traceId", e.traceId());
        g.writeStringField("spanId", e.spanId());
        g.writeEndObject();
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeNullable(JsonGenerator g, String field, @Nullable Double v)
      throws IOException {
    if (v == null) g.writeNullField(field);
    else g.writeNumberField(field, v);
  }

  public static void writeAttributes(JsonGenerator g, Attributes attributes) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < attributes.size(); i++) {
      g.writeFieldName(attributes.keyAt(i));
      writeValue(g, attributes.valueAt(i));
    }
    g.writeEndObject();
  }

  public static void writeValue(JsonGenerator g, AnyValue value) throws IOException {
    if (value instanceof AnyValue.StringValue s) {
      g.writeString(s.value());
    } else if (value instanceof AnyValue.LongValue l) {
      g.writeNumber(l.value());
    } else if (value instanceof AnyValue.DoubleValue d) {
      writeDouble(g, d.value());
    } else if (value instanceof AnyValue.BooleanValue b) {
      g.writeBoolean(b.value());
    } else if (value instanceof AnyValue.BytesValue b) {
      g.writeString(Base64.getEncoder().encodeToString(b.value()));
    } else if (value instanceof AnyValue.ArrayValue a) {
      g.writeStartArray();
      for (AnyValue v : a.values()) writeValue(g, v);
      g.writeEndArray();
    } else if (value instanceof AnyValue.KeyValueList kv) {
      writeAttributes(g, kv.values());
    } else {
      g.writeNull();
    }
  }

  private static void writeOptionalDouble(JsonGenerator g, String field, @Nullable Double value)
      throws IOException {
    if (value == null) return;
    g.writeFieldName(field);
    writeDouble(g, value);
  }

  private static void writeDouble(JsonGenerator g, double value) throws IOException {
    if (Double.isFinite(value)) g.writeNumber(value);
    else g.writeString(Double.toString(value));
  }
}
