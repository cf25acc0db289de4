package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Trace queries. Each method runs one prepared statement on a pooled reader connection. */
final class DuckDbTraceReader implements TraceReader {
  private static final Comparator<Span> TRACE_ORDER =
      Comparator.comparingLong(Span::startTimeUnixNano).thenComparing(Span::spanId);

  /**
   * By trace id only: DuckDB uses the ART index for a scan whose only filter is an equality on the
   * indexed column, and falls back to a full scan when other filters are pushed into the same scan.
   * The tenant is therefore checked here, on the handful of rows found.
   */
  private static final String GET_TRACE =
      "SELECT " + SpanRows.COLUMNS + " FROM spans WHERE trace_id = ?::HUGEINT";

  private final ReaderConnections connections;

  DuckDbTraceReader(ReaderConnections connections) {
    this.connections = connections;
  }

  @Override
  public List<Span> getTrace(String tenant, String traceId) {
    Objects.requireNonNull(tenant, "tenant");
    if (!HexIds.isHex(traceId, 32)) return List.of();
    String parameter = HexIds.traceIdParameter(traceId);
    String id = traceId.toLowerCase(java.util.Locale.ROOT);
    List<Span> spans =
        connections.run(
            c -> {
              List<Span> out = new ArrayList<>();
              try (PreparedStatement ps = c.prepareStatement(GET_TRACE)) {
                ps.setString(1, parameter);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    if (tenant.equals(rs.getString(1))) out.add(SpanRows.read(rs, id));
                  }
                }
              }
              return out;
            });
    spans.sort(TRACE_ORDER);
    return spans;
  }

  @Override
  public List<TraceSummary> searchTraces(TraceQuery query) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder("tenant = ? AND start_ns >= ? AND start_ns < ?");
    params.add(query.tenant());
    params.add(query.startUnixNano());
    params.add(query.endUnixNano());
    if (query.service() != null && !query.service().isEmpty()) {
      where.append(" AND service = ?");
      params.add(query.service());
    }
    if (query.operation() != null && !query.operation().isEmpty()) {
      where.append(" AND name = ?");
      params.add(query.operation());
    }
    if (query.minDurationNanos() != null) {
      where.append(" AND duration_ns >= ?");
      params.add(query.minDurationNanos());
    }
    if (query.maxDurationNanos() != null) {
      where.append(" AND duration_ns <= ?");
      params.add(query.maxDurationNanos());
    }
    if (query.errorsOnly()) {
      where.append(" AND status_code = ").append(StatusCode.ERROR.ordinal());
    }
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      // the span's attribute, or failing that its resource's, compared as text
      where.append(
          " AND coalesce(json_extract_string(attributes, ?),"
              + " json_extract_string(resource_attributes, ?)) = ?");
      String pointer = AttributeColumns.pointer(e.getKey());
      params.add(pointer);
      params.add(pointer);
      params.add(e.getValue());
    }
    params.add(query.limit());
    params.add(query.tenant());
    // Candidates: traces with a matching span, newest matching span first. Summaries then cover
    // every span of each candidate trace, whatever its time or criteria.
    String sql =
        "WITH matches AS ("
            + " SELECT trace_id, min(start_ns) AS first_match FROM spans WHERE "
            + where
            + " GROUP BY trace_id ORDER BY first_match DESC LIMIT ?)"
            + " SELECT s.trace_id,"
            + " first(s.service ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
            + " first(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
            + " min(s.start_ns), max(s.end_ns) - min(s.start_ns), count(*),"
            + " count(*) FILTER (WHERE s.status_code = "
            + StatusCode.ERROR.ordinal()
            + "), list_distinct(list(s.service))"
            + " FROM spans s JOIN matches m ON s.trace_id = m.trace_id"
            + " WHERE s.tenant = ?"
            + " GROUP BY s.trace_id ORDER BY min(s.start_ns) DESC, s.trace_id";
    return connections.run(
        c -> {
          List<TraceSummary> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new TraceSummary(
                        HexIds.traceIdHex(rs.getObject(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getInt(6),
                        rs.getInt(7),
                        strings(rs.getArray(8))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano) {
    String sql =
        "SELECT DISTINCT service, name, kind FROM spans"
            + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?";
    record Row(String service, String name, String kind) {}
    List<Row> rows =
        connections.run(
            c -> {
              List<Row> out = new ArrayList<>();
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, tenant);
                ps.setLong(2, startUnixNano);
                ps.setLong(3, endUnixNano);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new Row(
                            rs.getString(1),
                            rs.getString(2),
                            SpanKind.fromNumber(rs.getByte(3)).name()));
                  }
                }
              }
              return out;
            });
    rows.sort(Comparator.comparing(Row::service).thenComparing(Row::name).thenComparing(Row::kind));
    Map<String, List<ServiceOperations.Operation>> byService = new LinkedHashMap<>();
    for (Row r : rows) {
      byService
          .computeIfAbsent(r.service(), s -> new ArrayList<>())
          .add(new ServiceOperations.Operation(r.name(), r.kind()));
    }
    List<ServiceOperations> out = new ArrayList<>(byService.size());
    byService.forEach((service, ops) -> out.add(new ServiceOperations(service, ops)));
    return out;
  }

  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) ps.setLong(i + 1, l);
      else if (p instanceof Integer n) ps.setInt(i + 1, n);
      else ps.setString(i + 1, (String) p);
    }
  }

  static List<String> strings(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) out.add((String) v);
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
