package dev.sightline.storage.duckdb;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.TypedJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * LogRecord ↔ row of {@code logs}. The body is stored as its text form ({@code body_text}, which
 * text search scans) plus {@link TypedJson} only when the body is not a plain string.
 */
final class LogRows {
  private LogRows() {}

  static final String COLUMNS =
      "tenant, time_ns, observed_ns, severity_number, severity_text, body_text, body, attributes,"
          + " dropped_attributes, flags, trace_id, span_id, event_name, resource, scope";

  record Row(
      LogRecord log,
      boolean hasTraceId,
      long traceIdHigh,
      long traceIdLow,
      boolean hasSpanId,
      long spanId,
      String bodyText,
      @Nullable String body,
      String attributes,
      String resource,
      String scope,
      long[] textKeys,
      boolean textIndexable) {}

  static List<Row> encode(List<LogRecord> logs) {
    Map<Resource, String> resources = new IdentityHashMap<>();
    Map<InstrumentationScope, String> scopes = new IdentityHashMap<>();
    List<Row> rows = new ArrayList<>(logs.size());
    for (LogRecord l : logs) {
      boolean hasTraceId = !l.traceId().isEmpty();
      if (hasTraceId && !HexIds.isHex(l.traceId(), 32)) {
        throw new IllegalArgumentException("invalid trace id: '" + l.traceId() + "'");
      }
      boolean hasSpanId = !l.spanId().isEmpty();
      if (hasSpanId && !HexIds.isHex(l.spanId(), 16)) {
        throw new IllegalArgumentException("invalid span id: '" + l.spanId() + "'");
      }
      String bodyText = l.body().asString();
      rows.add(
          new Row(
              l,
              hasTraceId,
              hasTraceId ? HexIds.traceIdHigh(l.traceId()) : 0,
              hasTraceId ? HexIds.traceIdLow(l.traceId()) : 0,
              hasSpanId,
              hasSpanId ? HexIds.spanId(l.spanId()) : 0,
              bodyText,
              l.body() instanceof AnyValue.StringValue ? null : TypedJson.value(l.body()),
              TypedJson.attributes(l.attributes()),
              resources.computeIfAbsent(l.resource(), Components::resource),
              scopes.computeIfAbsent(l.scope(), Components::scope),
              LogTextKeys.ofBody(bodyText),
              LogTextKeys.indexable(bodyText)));
    }
    return rows;
  }

  static void append(DuckDBAppender a, Row r) throws SQLException {
    LogRecord l = r.log();
    a.beginRow();
    a.append(l.tenant());
    a.append(l.eventTimeUnixNano());
    a.append(l.timeUnixNano());
    a.append(l.observedTimeUnixNano());
    a.append(l.severityNumber());
    a.append(l.severityText());
    a.append(r.bodyText());
    SpanRows.appendNullable(a, r.body());
    a.append(r.attributes());
    a.append(l.droppedAttributesCount());
    a.append(l.flags());
    if (r.hasTraceId()) a.appendHugeInt(r.traceIdLow(), r.traceIdHigh());
    else a.appendNull();
    if (r.hasSpanId()) a.append(r.spanId());
    else a.appendNull();
    a.append(l.eventName());
    a.append(l.serviceName());
    a.append(r.resource());
    a.append(r.scope());
    a.endRow();
  }

  static LogRecord read(ResultSet rs) throws SQLException {
    String body = rs.getString(7);
    Object traceId = rs.getObject(11);
    long spanId = rs.getLong(12);
    boolean hasSpanId = !rs.wasNull();
    return new LogRecord(
        rs.getString(1),
        rs.getLong(2),
        rs.getLong(3),
        rs.getInt(4),
        rs.getString(5),
        body == null ? new AnyValue.StringValue(rs.getString(6)) : TypedJson.readValue(body),
        TypedJson.readAttributes(rs.getString(8)),
        rs.getInt(9),
        rs.getInt(10),
        traceId == null ? "" : HexIds.traceIdHex(traceId),
        hasSpanId ? HexIds.spanIdHex(spanId) : "",
        rs.getString(13),
        Components.readResource(rs.getString(14)),
        Components.readScope(rs.getString(15)));
  }
}
