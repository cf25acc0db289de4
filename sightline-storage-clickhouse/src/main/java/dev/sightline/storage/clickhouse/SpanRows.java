package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.SpanJson;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.util.List;

/**
 * Span ↔ row of {@code spans}: a JSONEachRow line to insert, a result row to read. Ids are
 * lowercase hex text, checked here so a bad id fails only its batch. Events, links and the scope
 * are {@link TypedJson} documents (nothing filters inside them); span and resource attributes are
 * {@link AttributeArrays}.
 */
final class SpanRows {
  private SpanRows() {}

  /** The columns {@link #read} needs, in any order (rows are read by name). */
  static final String COLUMNS =
      "tenant, trace_id, span_id, parent_span_id, trace_state, flags, name, kind, start_ns, end_ns,"
          + " status_code, status_message, "
          + AttributeArrays.columns("attr")
          + ", dropped_attributes, events, dropped_events, links, dropped_links, "
          + AttributeArrays.columns("res")
          + ", res_dropped, res_schema_url, scope";

  /** Appends one JSONEachRow line for {@code s}; throws IllegalArgumentException on a bad id. */
  static void write(JsonGenerator g, Span s) throws IOException {
    if (!Ids.isValidTraceId(s.traceId())) {
      throw new IllegalArgumentException("invalid trace id: " + s.traceId());
    }
    if (!Ids.isValidSpanId(s.spanId())) {
      throw new IllegalArgumentException("invalid span id: " + s.spanId());
    }
    if (!s.parentSpanId().isEmpty() && !Ids.isValidSpanId(s.parentSpanId())) {
      throw new IllegalArgumentException("invalid parent span id: " + s.parentSpanId());
    }
    g.writeStartObject();
    g.writeStringField("day", Days.of(s.startTimeUnixNano()));
    g.writeStringField("tenant", s.tenant());
    g.writeStringField("service", s.serviceName());
    g.writeNumberField("start_ns", Days.requireTime(s.startTimeUnixNano(), "span start"));
    g.writeStringField("trace_id", s.traceId());
    g.writeStringField("span_id", s.spanId());
    g.writeStringField("parent_span_id", s.parentSpanId());
    g.writeStringField("trace_state", s.traceState());
    g.writeNumberField("flags", Integer.toUnsignedLong(s.flags()));
    g.writeStringField("name", s.name());
    g.writeNumberField("kind", s.kind().ordinal());
    g.writeNumberField("end_ns", Days.requireTime(s.endTimeUnixNano(), "span end"));
    g.writeNumberField("duration_ns", s.durationNanos());
    g.writeNumberField("status_code", s.statusCode().ordinal());
    g.writeStringField("status_message", s.statusMessage());
    AttributeArrays.write(g, "attr", s.attributes());
    g.writeNumberField("dropped_attributes", s.droppedAttributesCount());
    g.writeStringField("events", s.events().isEmpty() ? "" : SpanJson.events(s.events()));
    g.writeNumberField("dropped_events", s.droppedEventsCount());
    g.writeStringField("links", s.links().isEmpty() ? "" : SpanJson.links(s.links()));
    g.writeNumberField("dropped_links", s.droppedLinksCount());
    AttributeArrays.write(g, "res", s.resource().attributes());
    g.writeNumberField("res_dropped", s.resource().droppedAttributesCount());
    g.writeStringField("res_schema_url", s.resource().schemaUrl());
    g.writeStringField("scope", Components.scope(s.scope()));
    g.writeEndObject();
  }

  static Span read(JsonNode r) {
    String events = r.get("events").asText();
    String links = r.get("links").asText();
    return new Span(
        r.get("tenant").asText(),
        r.get("trace_id").asText(),
        r.get("span_id").asText(),
        r.get("parent_span_id").asText(),
        r.get("trace_state").asText(),
        (int) r.get("flags").asLong(),
        r.get("name").asText(),
        SpanKind.fromNumber(r.get("kind").asInt()),
        r.get("start_ns").asLong(),
        r.get("end_ns").asLong(),
        AttributeArrays.read(r, "attr"),
        r.get("dropped_attributes").asInt(),
        events.isEmpty() ? List.of() : SpanJson.readEvents(events),
        r.get("dropped_events").asInt(),
        links.isEmpty() ? List.of() : SpanJson.readLinks(links),
        r.get("dropped_links").asInt(),
        StatusCode.fromNumber(r.get("status_code").asInt()),
        r.get("status_message").asText(),
        new Resource(
            AttributeArrays.read(r, "res"),
            r.get("res_dropped").asInt(),
            r.get("res_schema_url").asText()),
        Components.readScope(r.get("scope").asText()));
  }
}
