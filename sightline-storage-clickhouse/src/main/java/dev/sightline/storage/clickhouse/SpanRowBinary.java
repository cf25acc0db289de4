package dev.sightline.storage.clickhouse;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.SpanJson;
import dev.sightline.core.storage.json.TypedJson;
import java.util.List;

/**
 * Spans → {@code RowBinary} rows of {@code spans}, the insert format of the span write path: the
 * same values as the JSONEachRow encoding it replaced ({@link SpanRows} reads them back; events,
 * links and scope are the same {@link TypedJson} text, attributes the same {@link AttributeArrays}
 * columns), but ClickHouse copies each column's bytes instead of parsing JSON and unescaping every
 * string. The column list is named in the {@code INSERT}, so the table may gain columns (with
 * defaults) without this class; the types here must match {@link ClickHouseSchema}'s ({@code
 * ClickHouseStorageTest} round-trips every field, hostile strings included).
 */
final class SpanRowBinary {
  private SpanRowBinary() {}

  /** The {@code INSERT} statement: the columns in the order {@link #write} writes them. */
  static final String INSERT =
      "INSERT INTO spans (day, tenant, service, start_ns, trace_id, span_id, parent_span_id,"
          + " trace_state, flags, name, kind, end_ns, duration_ns, status_code, status_message,"
          + " attr_keys, attr_values, attr_types, attr_nested, dropped_attributes, events,"
          + " dropped_events, links, dropped_links, res_keys, res_values, res_types, res_nested,"
          + " res_dropped, res_schema_url, scope) FORMAT RowBinary";

  /**
   * Encodes {@code spans}; throws IllegalArgumentException on a bad id or time (whole batch). The
   * last columns (resource and scope) are encoded once per run of spans sharing the same resource
   * and scope objects, as the OTLP mapper hands them out (one per resource and scope of a request),
   * and copied for the others.
   */
  static byte[] encode(List<Span> spans) {
    RowBinary out = new RowBinary(spans.size() * 700);
    Resource lastResource = null;
    InstrumentationScope lastScope = null;
    byte[] tail = null;
    for (Span s : spans) {
      head(out, s);
      if (s.resource() != lastResource || s.scope() != lastScope) {
        int from = out.size();
        tail(out, s);
        tail = out.copyFrom(from);
        lastResource = s.resource();
        lastScope = s.scope();
      } else {
        out.raw(tail);
      }
    }
    return out.toByteArray();
  }

  /** One row. */
  static void write(RowBinary out, Span s) {
    head(out, s);
    tail(out, s);
  }

  /** The columns up to {@code dropped_links}: the span's own. */
  private static void head(RowBinary out, Span s) {
    if (!Ids.isValidTraceId(s.traceId())) {
      throw new IllegalArgumentException("invalid trace id: " + s.traceId());
    }
    if (!Ids.isValidSpanId(s.spanId())) {
      throw new IllegalArgumentException("invalid span id: " + s.spanId());
    }
    if (!s.parentSpanId().isEmpty() && !Ids.isValidSpanId(s.parentSpanId())) {
      throw new IllegalArgumentException("invalid parent span id: " + s.parentSpanId());
    }
    long start = Days.requireTime(s.startTimeUnixNano(), "span start");
    long end = Days.requireTime(s.endTimeUnixNano(), "span end");
    out.date(Days.epochDay(start));
    out.string(s.tenant());
    out.string(s.serviceName());
    out.int64(start);
    out.string(s.traceId());
    out.string(s.spanId());
    out.string(s.parentSpanId());
    out.string(s.traceState());
    out.int32(s.flags());
    out.string(s.name());
    out.uint8(s.kind().ordinal());
    out.int64(end);
    out.int64(s.durationNanos());
    out.uint8(s.statusCode().ordinal());
    out.string(s.statusMessage());
    attributes(out, s.attributes());
    out.int32(s.droppedAttributesCount());
    out.string(s.events().isEmpty() ? "" : SpanJson.events(s.events()));
    out.int32(s.droppedEventsCount());
    out.string(s.links().isEmpty() ? "" : SpanJson.links(s.links()));
    out.int32(s.droppedLinksCount());
  }

  /** The columns from {@code res_keys} on: the span's resource and scope. */
  private static void tail(RowBinary out, Span s) {
    attributes(out, s.resource().attributes());
    out.int32(s.resource().droppedAttributesCount());
    out.string(s.resource().schemaUrl());
    out.string(Components.scope(s.scope()));
  }

  /** The four {@link AttributeArrays} columns: keys, text forms, kinds, nested JSON. */
  private static void attributes(RowBinary out, Attributes attributes) {
    int n = attributes.size();
    out.varUInt(n);
    for (int i = 0; i < n; i++) out.string(attributes.keyAt(i));
    out.varUInt(n);
    StringBuilder types = new StringBuilder(n);
    boolean nested = false;
    for (int i = 0; i < n; i++) {
      AnyValue v = attributes.valueAt(i);
      char type = AttributeArrays.type(v);
      types.append(type);
      nested |= type == 'a' || type == 'k';
      out.string(v.asString());
    }
    out.string(types.toString());
    out.string(nested ? AttributeArrays.nestedJson(attributes) : "");
  }
}
