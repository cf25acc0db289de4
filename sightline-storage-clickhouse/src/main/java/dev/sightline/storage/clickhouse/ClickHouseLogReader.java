package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.LogReader;
import java.util.ArrayList;
import java.util.List;

/** Log search over {@code logs}: one filtered scan, newest first, limited by ClickHouse. */
final class ClickHouseLogReader implements LogReader {
  private final ClickHouseHttp http;

  ClickHouseLogReader(ClickHouseHttp http) {
    this.http = http;
  }

  @Override
  public List<LogRecord> searchLogs(LogQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(LogRows.COLUMNS)
            .append(" FROM logs WHERE tenant = ")
            .append(Sql.literal(q.tenant()))
            .append(
                ClickHouseTraceReader.timeRange("event_ns", q.startUnixNano(), q.endUnixNano()));
    if (q.traceId() != null) sql.append(" AND trace_id = ").append(Sql.literal(q.traceId()));
    if (q.spanId() != null) sql.append(" AND span_id = ").append(Sql.literal(q.spanId()));
    if (q.service() != null) sql.append(" AND service = ").append(Sql.literal(q.service()));
    if (q.severityMin() != null) sql.append(" AND severity_number >= ").append(q.severityMin());
    if (q.text() != null) {
      sql.append(" AND positionCaseInsensitiveUTF8(body_text, ")
          .append(Sql.literal(q.text()))
          .append(") > 0");
    }
    sql.append(" ORDER BY event_ns DESC LIMIT ").append(q.limit());
    List<LogRecord> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) out.add(LogRows.read(r));
    return out;
  }
}
