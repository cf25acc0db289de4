package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Row of {@code spans} → Span (rows are written by {@link SpanRowBinary}), and the {@link
 * TypedJson} documents of events and links. Ids are lowercase hex text. Events, links and the scope
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
        events.isEmpty() ? List.of() : readEvents(events),
        r.get("dropped_events").asInt(),
        links.isEmpty() ? List.of() : readLinks(links),
        r.get("dropped_links").asInt(),
        StatusCode.fromNumber(r.get("status_code").asInt()),
        r.get("status_message").asText(),
        new Resource(
            AttributeArrays.read(r, "res"),
            r.get("res_dropped").asInt(),
            r.get("res_schema_url").asText()),
        Components.readScope(r.get("scope").asText()));
  }

  static String events(List<SpanEvent> events) {
    return TypedJson.write(
        g -> {
          g.writeStartArray();
          for (SpanEvent e : events) {
            g.writeStartObject();
            g.writeNumberField("t", e.timeUnixNano());
            g.writeStringField("n", e.name());
            if (!e.attributes().isEmpty()) {
              g.writeFieldName("a");
              TypedJson.writeAttributes(g, e.attributes());
            }
            if (e.droppedAttributesCount() != 0)
              g.writeNumberField("d", e.droppedAttributesCount());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static List<SpanEvent> readEvents(String json) {
    List<SpanEvent> events = new ArrayList<>();
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.START_OBJECT) {
        long time = 0;
        String name = "";
        Attributes attributes = Attributes.empty();
        int dropped = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "t" -> time = p.getLongValue();
            case "n" -> name = p.getText();
            case "a" -> attributes = TypedJson.readAttributes(p);
            case "d" -> dropped = p.getIntValue();
            default -> throw new IOException("unknown event field " + field);
          }
        }
        events.add(new SpanEvent(time, name, attributes, dropped));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  static String links(List<SpanLink> links) {
    return TypedJson.write(
        g -> {
          g.writeStartArray();
          for (SpanLink l : links) {
            g.writeStartObject();
            g.writeStringField("t", l.traceId());
            g.writeStringField("s", l.spanId());
            if (!l.traceState().isEmpty()) g.writeStringField("ts", l.traceState());
            if (!l.attributes().isEmpty()) {
              g.writeFieldName("a");
              TypedJson.writeAttributes(g, l.attributes());
            }
            if (l.droppedAttributesCount() != 0)
              g.writeNumberField("d", l.droppedAttributesCount());
            if (l.flags() != 0) g.writeNumberField("f", l.flags());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static List<SpanLink> readLinks(String json) {
    List<SpanLink> links = new ArrayList<>();
    try (JsonParser p = TypedJson.parser(json)) {
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String traceId = "";
        String spanId = "";
        String traceState = "";
        Attributes attributes = Attributes.empty();
        int dropped = 0;
        int flags = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "t" -> traceId = p.getText();
            case "s" -> spanId = p.getText();
            case "ts" -> traceState = p.getText();
            case "a" -> attributes = TypedJson.readAttributes(p);
            case "d" -> dropped = p.getIntValue();
            case "f" -> flags = p.getIntValue();
            default -> throw new IOException("unknown link field " + field);
          }
        }
        links.add(new SpanLink(traceId, spanId, traceState, attributes, dropped, flags));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return links;
  }
}
