package dev.sightline.storage.duckdb;

import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.json.Components;
import dev.sightline.core.storage.json.SpanJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * Span ↔ row of {@code spans}. A row written by this class holds its resource and scope by id
 * ({@link SpanResources}); rows are read back from {@code spans_resolved}, which has them either
 * way.
 */
final class SpanRows {
  private SpanRows() {}

  /** Columns read back, in the order {@link #read} expects. */
  static final String COLUMNS =
      "tenant, span_id, parent_span_id, trace_state, flags, name, kind, start_ns, end_ns,"
          + " status_code, status_message, attributes, attribute_types, attributes_nested,"
          + " dropped_attributes, events, dropped_events, links, dropped_links,"
          + " resource_attributes, resource_attribute_types, resource_attributes_nested,"
          + " resource_dropped_attributes, resource_schema_url, scope";

  /** A resource's columns, encoded once per batch. */
  record ResourceColumns(
      String service,
      AttributeColumns attributes,
      int dropped,
      String schemaUrl,
      SpanAttributeKeys.ResourcePairs pairs) {}

  /**
   * One encoded row: everything the writer thread appends, computed on the caller's thread ({@code
   * blockKeys}: the span's {@link SpanAttributeKeys}, null when it cannot be indexed).
   */
  record Row(
      Span span,
      long traceIdHigh,
      long traceIdLow,
      long spanId,
      long parentSpanId,
      boolean hasParent,
      AttributeColumns attributes,
      @Nullable String events,
      @Nullable String links,
      ResourceColumns resource,
      String scope,
      long resourceId,
      long @Nullable [] blockKeys) {}

  /** Encodes a batch; throws IllegalArgumentException on an invalid id. */
  static List<Row> encode(List<Span> spans) {
    Map<Resource, ResourceColumns> resources = new IdentityHashMap<>();
    Map<InstrumentationScope, String> scopes = new IdentityHashMap<>();
    Map<ResourceColumns, Map<String, Long>> resourceIds = new IdentityHashMap<>();
    List<Row> rows = new ArrayList<>(spans.size());
    for (Span s : spans) {
      if (!HexIds.isHex(s.traceId(), 32)) {
        throw new IllegalArgumentException("invalid trace id: '" + s.traceId() + "'");
      }
      if (!HexIds.isHex(s.spanId(), 16)) {
        throw new IllegalArgumentException("invalid span id: '" + s.spanId() + "'");
      }
      boolean hasParent = !s.parentSpanId().isEmpty();
      if (hasParent && !HexIds.isHex(s.parentSpanId(), 16)) {
        throw new IllegalArgumentException("invalid parent span id: '" + s.parentSpanId() + "'");
      }
      ResourceColumns resource =
          resources.computeIfAbsent(
              s.resource(),
              r ->
                  new ResourceColumns(
                      r.serviceName(),
                      AttributeColumns.encode(r.attributes()),
                      r.droppedAttributesCount(),
                      r.schemaUrl(),
                      SpanAttributeKeys.ResourcePairs.of(r.attributes())));
      String scope = scopes.computeIfAbsent(s.scope(), Components::scope);
      long resourceId =
          resourceIds
              .computeIfAbsent(resource, r -> new HashMap<>(4))
              .computeIfAbsent(scope, sc -> SpanResources.id(resource, sc));
      rows.add(
          new Row(
              s,
              HexIds.traceIdHigh(s.traceId()),
              HexIds.traceIdLow(s.traceId()),
              HexIds.spanId(s.spanId()),
              hasParent ? HexIds.spanId(s.parentSpanId()) : 0,
              hasParent,
              AttributeColumns.encode(s.attributes()),
              s.events().isEmpty() ? null : SpanJson.events(s.events()),
              s.links().isEmpty() ? null : SpanJson.links(s.links()),
              resource,
              scope,
              resourceId,
              SpanAttributeKeys.ofSpan(s.attributes(), resource.pairs())));
    }
    return rows;
  }

  /**
   * Appends {@code r} as a row of {@code spans}; {@code ingestSeq} is its commit group's number
   * ({@link DerivedBacklog}), or 0 when the group writes the row's derived rows itself (NULL).
   */
  static void append(DuckDBAppender a, Row r, long ingestSeq) throws SQLException {
    Span s = r.span();
    a.beginRow();
    a.append(s.tenant());
    a.appendHugeInt(r.traceIdLow(), r.traceIdHigh());
    a.append(r.spanId());
    if (r.hasParent()) a.append(r.parentSpanId());
    else a.appendNull();
    a.append(s.traceState());
    a.append(s.flags());
    a.append(s.name());
    a.append((byte) s.kind().ordinal());
    a.append(s.startTimeUnixNano());
    a.append(s.endTimeUnixNano());
    a.append(s.durationNanos());
    a.append((byte) s.statusCode().ordinal());
    a.append(s.statusMessage());
    a.append(r.resource().service());
    appendAttributes(a, r.attributes());
    a.append(s.droppedAttributesCount());
    appendNullable(a, r.events());
    a.append(s.droppedEventsCount());
    appendNullable(a, r.links());
    a.append(s.droppedLinksCount());
    // the resource and scope are in span_resources, by resource_id (SpanResources)
    a.append("");
    a.append("");
    a.appendNull();
    a.append(0);
    a.append("");
    a.append("");
    a.append(r.resourceId());
    if (ingestSeq > 0) a.append(ingestSeq);
    else a.appendNull(); // derived rows written with the row's own group: never derived again
    a.endRow();
  }

  static void appendAttributes(DuckDBAppender a, AttributeColumns c) throws SQLException {
    a.append(c.text());
    a.append(c.types());
    appendNullable(a, c.nested());
  }

  static void appendNullable(DuckDBAppender a, @Nullable String s) throws SQLException {
    if (s == null) a.appendNull();
    else a.append(s);
  }

  /** Reads a row selected with {@link #COLUMNS}, its resource and scope from its own columns. */
  static Span read(ResultSet rs, String traceId) throws SQLException {
    return read(rs, traceId, null);
  }

  /**
   * Reads a row selected with {@link #COLUMNS}; with {@code stored} non-null, the resource and
   * scope are that (the row holds them by id, {@link SpanResources}) rather than its own columns.
   */
  static Span read(ResultSet rs, String traceId, SpanResources.@Nullable Stored stored)
      throws SQLException {
    long parent = rs.getLong(3);
    boolean hasParent = !rs.wasNull();
    String events = rs.getString(16);
    String links = rs.getString(18);
    return new Span(
        rs.getString(1),
        traceId,
        HexIds.spanIdHex(rs.getLong(2)),
        hasParent ? HexIds.spanIdHex(parent) : "",
        rs.getString(4),
        rs.getInt(5),
        rs.getString(6),
        SpanKind.fromNumber(rs.getByte(7)),
        rs.getLong(8),
        rs.getLong(9),
        AttributeColumns.decode(rs.getString(12), rs.getString(13), rs.getString(14)),
        rs.getInt(15),
        events == null ? List.of() : SpanJson.readEvents(events),
        rs.getInt(17),
        links == null ? List.of() : SpanJson.readLinks(links),
        rs.getInt(19),
        StatusCode.fromNumber(rs.getByte(10)),
        rs.getString(11),
        stored != null
            ? stored.resource()
            : new Resource(
                AttributeColumns.decode(rs.getString(20), rs.getString(21), rs.getString(22)),
                rs.getInt(23),
                rs.getString(24)),
        stored != null ? stored.scope() : Components.readScope(rs.getString(25)));
  }
}
