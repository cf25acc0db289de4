package dev.sightline.storage.duckdb;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.LogReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Log search on {@code logs}, newest first by event time. A text search whose query has a token the
 * log text index can vouch for ({@link LogTextKeys}) reads only the event-time ranges of the blocks
 * whose filters may hold it ({@link LogTextIndex}); the filters on the rows are the same either
 * way, so the answer is too.
 */
final class DuckDbLogReader implements LogReader {
  private final ReaderConnections connections;

  DuckDbLogReader(ReaderConnections connections) {
    this.connections = connections;
  }

  @Override
  public List<LogRecord> searchLogs(LogQuery query) {
    List<Object> params = new ArrayList<>();
    boolean byTrace = false;
    if (query.traceId() != null && !query.traceId().isEmpty()) {
      if (!HexIds.isHex(query.traceId(), 32)) return List.of();
      // A materialized CTE keeps the other filters out of this scan, so the ART index on
      // trace_id is used (DuckDB uses it only when the trace id is the scan's only filter).
      byTrace = true;
    }
    // the filters besides tenant and time, with their parameters
    StringBuilder filters = new StringBuilder();
    if (query.spanId() != null && !query.spanId().isEmpty()) {
      if (!HexIds.isHex(query.spanId(), 16)) return List.of();
      filters.append(" AND span_id = ?");
      params.add(HexIds.spanId(query.spanId()));
    }
    if (query.service() != null && !query.service().isEmpty()) {
      filters.append(" AND service = ?");
      params.add(query.service());
    }
    if (query.severityMin() != null) {
      filters.append(" AND severity_number >= ?");
      params.add(query.severityMin());
    }
    long[] textKeys = new long[0];
    if (query.text() != null && !query.text().isEmpty()) {
      String lower = query.text().toLowerCase(Locale.ROOT);
      // contains() matches literally: no LIKE wildcards to escape
      filters.append(" AND contains(lower(body_text), ?)");
      params.add(lower);
      if (!byTrace) textKeys = LogTextKeys.ofQuery(lower);
    }
    long[] keys = textKeys;
    boolean trace = byTrace;
    return connections.run(
        c -> {
          List<long[]> ranges = List.of(new long[] {query.startUnixNano(), query.endUnixNano()});
          if (keys.length > 0) {
            List<long[]> candidates =
                LogTextIndex.candidateRanges(
                    c, query.tenant(), query.startUnixNano(), query.endUnixNano(), keys);
            if (candidates != null) {
              if (candidates.isEmpty()) return List.<LogRecord>of();
              ranges = candidates;
            }
          }
          return read(c, query, trace, ranges, filters.toString(), params);
        });
  }

  /** One scan per event-time range (disjoint), so zone maps prune each to its rows. */
  private static List<LogRecord> read(
      Connection c,
      LogQuery query,
      boolean byTrace,
      List<long[]> ranges,
      String filters,
      List<Object> filterParams)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    if (byTrace) {
      sql.append("WITH by_trace AS MATERIALIZED (SELECT * FROM logs WHERE trace_id = ?::HUGEINT) ");
      params.add(HexIds.traceIdParameter(query.traceId()));
    }
    String source = byTrace ? "by_trace" : "logs";
    if (ranges.size() > 1) sql.append("SELECT * FROM (");
    for (int i = 0; i < ranges.size(); i++) {
      if (i > 0) sql.append(" UNION ALL ");
      sql.append("SELECT ")
          .append(LogRows.COLUMNS)
          .append(", event_ns AS e, observed_ns AS o FROM ")
          .append(source)
          .append(" WHERE tenant = ? AND event_ns >= ? AND event_ns < ?")
          .append(filters);
      params.add(query.tenant());
      params.add(ranges.get(i)[0]);
      params.add(ranges.get(i)[1]);
      params.addAll(filterParams);
    }
    if (ranges.size() > 1) sql.append(")");
    sql.append(" ORDER BY e DESC, o DESC LIMIT ?");
    params.add(query.limit());
    List<LogRecord> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      DuckDbTraceReader.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(LogRows.read(rs));
      }
    }
    return out;
  }
}
