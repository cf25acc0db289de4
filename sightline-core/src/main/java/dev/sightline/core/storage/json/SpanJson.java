package dev.sightline.core.storage.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanLink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored JSON of a span's events and links, the same in every backend: arrays of objects with
 * short field names ({@code t} time or trace id, {@code n} name, {@code s} span id, {@code ts}
 * trace state, {@code a} attributes as {@link TypedJson}, {@code d} dropped attributes, {@code f}
 * flags), fields at their default left out.
 */
public final class SpanJson {
  private SpanJson() {}

  public static String events(List<SpanEvent> events) {
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

  public static List<SpanEvent> readEvents(String json) {
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

  public static String links(List<SpanLink> links) {
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

  public static List<SpanLink> readLinks(String json) {
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
