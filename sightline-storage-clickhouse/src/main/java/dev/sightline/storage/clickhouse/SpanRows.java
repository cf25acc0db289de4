package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.SpanJson;
import dev.sightline.core.storage.json.TypedJson;
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
