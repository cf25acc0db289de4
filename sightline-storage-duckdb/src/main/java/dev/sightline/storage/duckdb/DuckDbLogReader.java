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
    String textFilter = "";
    List<Object> textParams = new ArrayList<>();
    if (query.text() != null && !query.text().isEmpty()) {
      String lower = query.text().toLowerCase(Locale.ROOT);
      // contains() matches literally: no LIKE wildcards to escape
      textFilter = " AND contains(lower(body_text), ?)";
      textParams.add(lower);
      if (!byTrace) textKeys = LogTextKeys.ofQuery(lower);
    }
    long[] keys = textKeys;
    boolean trace = byTrace;
    String text = textFilter;
    return connections.runOnStored(
        c -> {
          if (keys.length > 0) {
            List<long[]> candidates =
                LogTextIndex.candidateRanges(
                    c, query.tenant(), query.startUnixNano(), query.endUnixNano(), keys);
            if (candidates != null) {
              if (candidates.isEmpty()) return List.<LogRecord>of();
              return readRanges(c, query, candidates, filters.toString(), params, text, textParams);
            }
          }
          return read(c, query, trace, filters.toString(), params, text, textParams);
        });
  }

  /** The whole range in one scan: newest first, DuckDB's top-N prunes the older row groups. */
  private static List<LogRecord> read(
      Connection c,
      LogQuery query,
      boolean byTrace,
      String filters,
      List<Object> filterParams,
      String textFilter,
      List<Object> textParams)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    if (byTrace) {
      sql.append("WITH by_trace AS MATERIALIZED (SELECT * FROM logs WHERE trace_id = ?::HUGEINT) ");
      params.add(HexIds.traceIdParameter(query.traceId()));
    }
    sql.append("SELECT ")
        .append(LogRows.COLUMNS)
        .append(" FROM ")
        .append(byTrace ? "by_trace" : "logs")
        .append(" WHERE tenant = ? AND event_ns >= ? AND event_ns < ?")
        .append(filters)
        .append(textFilter)
        .append(" ORDER BY event_ns DESC, observed_ns DESC LIMIT ?");
    params.add(query.tenant());
    params.add(query.startUnixNano());
    params.add(query.endUnixNano());
    params.addAll(filterParams);
    params.addAll(textParams);
    params.add(query.limit());
    return run(c, sql.toString(), params);
  }

  /**
   * The candidate ranges of the text index: the row ids, times and bodies of the logs in the ranges
   * (one plain range per scan, so zone maps prune each) are gathered first, the text filter and the
   * top-N run on those alone, and only the rows kept are read whole (by row id, in the same
   * statement). Evaluating the text in the range scans themselves cost about three times as much:
   * DuckDB then lower-cases the bodies of whole row groups.
   */
  private static List<LogRecord> readRanges(
      Connection c,
      LogQuery query,
      List<long[]> ranges,
      String filters,
      List<Object> filterParams,
      String textFilter,
      List<Object> textParams)
      throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("WITH r AS MATERIALIZED (");
    for (int i = 0; i < ranges.size(); i++) {
      if (i > 0) sql.append(" UNION ALL ");
      sql.append(
              "SELECT rowid AS id, event_ns, observed_ns, body_text FROM logs"
                  + " WHERE tenant = ? AND event_ns >= ? AND event_ns < ?")
          .append(filters);
      params.add(query.tenant());
      params.add(ranges.get(i)[0]);
      params.add(ranges.get(i)[1]);
      params.addAll(filterParams);
    }
    sql.append("), m AS (SELECT id FROM r WHERE true")
        .append(textFilter)
        .append(" ORDER BY event_ns DESC, observed_ns DESC LIMIT ?) SELECT ")
        .append(LogRows.COLUMNS)
        .append(" FROM logs WHERE rowid IN (SELECT id FROM m)")
        .append(" ORDER BY event_ns DESC, observed_ns DESC");
    params.addAll(textParams);
    params.add(query.limit());
    return run(c, sql.toString(), params);
  }

  private static List<LogRecord> run(Connection c, String sql, List<Object> params)
      throws SQLException {
    List<LogRecord> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(LogRows.read(rs));
      }
    }
    return out;
  }
}
