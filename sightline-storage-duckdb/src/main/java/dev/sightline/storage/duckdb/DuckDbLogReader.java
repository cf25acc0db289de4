package dev.sightline.storage.duckdb;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.LogReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Log search on {@code logs}, newest first by event time. */
final class DuckDbLogReader implements LogReader {
  private final ReaderConnections connections;

  DuckDbLogReader(ReaderConnections connections) {
    this.connections = connections;
  }

  @Override
  public List<LogRecord> searchLogs(LogQuery query) {
    List<Object> params = new ArrayList<>();
    String source = "logs";
    if (query.traceId() != null && !query.traceId().isEmpty()) {
      if (!HexIds.isHex(query.traceId(), 32)) return List.of();
      // A materialized CTE keeps the other filters out of this scan, so the ART index on
      // trace_id is used (DuckDB uses it only when the trace id is the scan's only filter).
      source = "by_trace";
      params.add(HexIds.traceIdParameter(query.traceId()));
    }
    StringBuilder where = new StringBuilder(" WHERE tenant = ? AND event_ns >= ? AND event_ns < ?");
    params.add(query.tenant());
    params.add(query.startUnixNano());
    params.add(query.endUnixNano());
    if (query.spanId() != null && !query.spanId().isEmpty()) {
      if (!HexIds.isHex(query.spanId(), 16)) return List.of();
      where.append(" AND span_id = ?");
      params.add(HexIds.spanId(query.spanId()));
    }
    if (query.service() != null && !query.service().isEmpty()) {
      where.append(" AND service = ?");
      params.add(query.service());
    }
    if (query.severityMin() != null) {
      where.append(" AND severity_number >= ?");
      params.add(query.severityMin());
    }
    if (query.text() != null && !query.text().isEmpty()) {
      // contains() matches literally: no LIKE wildcards to escape
      where.append(" AND contains(lower(body_text), ?)");
      params.add(query.text().toLowerCase(Locale.ROOT));
    }
    params.add(query.limit());
    String sql =
        (source.equals("by_trace")
                ? "WITH by_trace AS MATERIALIZED (SELECT * FROM logs WHERE trace_id = ?::HUGEINT) "
                : "")
            + "SELECT "
            + LogRows.COLUMNS
            + " FROM "
            + source
            + where
            + " ORDER BY event_ns DESC, observed_ns DESC LIMIT ?";
    return connections.run(
        c -> {
          List<LogRecord> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            DuckDbTraceReader.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(LogRows.read(rs));
            }
          }
          return out;
        });
  }
}
