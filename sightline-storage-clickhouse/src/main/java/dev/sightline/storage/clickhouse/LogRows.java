package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;

/**
 * LogRecord ↔ row of {@code logs}. The body is stored as its text form ({@code body_text}, which
 * text search scans) plus {@link TypedJson} only when the body is not a plain string; attributes,
 * resource and scope are {@link TypedJson} (log search does not filter inside them).
 */
final class LogRows {
  private LogRows() {}

  static final String COLUMNS =
      "tenant, time_ns, observed_ns, severity_number, severity_text, body_text, body, attributes,"
          + " dropped_attributes, flags, trace_id, span_id, event_name, resource, scope";

  static void write(JsonGenerator g, LogRecord l) throws IOException {
    if (!l.traceId().isEmpty() && !Ids.isValidTraceId(l.traceId())) {
      throw new IllegalArgumentException("invalid trace id: " + l.traceId());
    }
    if (!l.spanId().isEmpty() && !Ids.isValidSpanId(l.spanId())) {
      throw new IllegalArgumentException("invalid span id: " + l.spanId());
    }
    g.writeStartObject();
    g.writeStringField("day", Days.of(l.eventTimeUnixNano()));
    g.writeStringField("tenant", l.tenant());
    g.writeStringField("service", l.serviceName());
    g.writeNumberField("event_ns", Days.requireTime(l.eventTimeUnixNano(), "log time"));
    g.writeNumberField("time_ns", Days.requireTime(l.timeUnixNano(), "log time"));
    g.writeNumberField("observed_ns", Days.requireTime(l.observedTimeUnixNano(), "observed time"));
    g.writeNumberField("severity_number", l.severityNumber());
    g.writeStringField("severity_text", l.severityText());
    g.writeStringField("body_text", l.body().asString());
    g.writeStringField(
        "body", l.body() instanceof AnyValue.StringValue ? "" : TypedJson.value(l.body()));
    g.writeStringField("attributes", TypedJson.attributes(l.attributes()));
    g.writeNumberField("dropped_attributes", l.droppedAttributesCount());
    g.writeNumberField("flags", Integer.toUnsignedLong(l.flags()));
    g.writeStringField("trace_id", l.traceId());
    g.writeStringField("span_id", l.spanId());
    g.writeStringField("event_name", l.eventName());
    g.writeStringField("resource", Components.resource(l.resource()));
    g.writeStringField("scope", Components.scope(l.scope()));
    g.writeEndObject();
  }

  static LogRecord read(JsonNode r) {
    String body = r.get("body").asText();
    return new LogRecord(
        r.get("tenant").asText(),
        r.get("time_ns").asLong(),
        r.get("observed_ns").asLong(),
        r.get("severity_number").asInt(),
        r.get("severity_text").asText(),
        body.isEmpty()
            ? new AnyValue.StringValue(r.get("body_text").asText())
            : TypedJson.readValue(body),
        TypedJson.readAttributes(r.get("attributes").asText()),
        r.get("dropped_attributes").asInt(),
        (int) r.get("flags").asLong(),
        r.get("trace_id").asText(),
        r.get("span_id").asText(),
        r.get("event_name").asText(),
        Components.readResource(r.get("resource").asText()),
        Components.readScope(r.get("scope").asText()));
  }
}
