package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * The (service, operation, kind) triples of one commit group's spans per tenant and hour of span
 * start, with the earliest and latest start of each, as rows of {@code service_operations}.
 * Computed per batch on the caller's thread ({@link SpanAggregates}), merged per group on the
 * writer thread and appended in the transaction that appends the spans, so the rows are durable
 * with them.
 */
final class ServiceOperationRows {
  private final Map<Key, long[]> rows = new HashMap<>();

  private record Key(String tenant, long hour, String service, String operation, byte kind) {}

  void add(SpanRows.Row r) {
    Span s = r.span();
    long start = s.startTimeUnixNano();
    Key key =
        new Key(
            s.tenant(),
            ServiceOperationHours.hourOf(start),
            r.resource().service(),
            s.name(),
            (byte) s.kind().ordinal());
    long[] range = rows.get(key);
    if (range == null) {
      rows.put(key, new long[] {start, start});
    } else {
      range[0] = Math.min(range[0], start);
      range[1] = Math.max(range[1], start);
    }
  }

  /** Widens this one's ranges by {@code other}'s, leaving {@code other} as it was. */
  void mergeFrom(ServiceOperationRows other) {
    SpanAggregates.mergeRanges(rows, other.rows);
  }

  /** Appends one row per key, in the order of {@link Schema}'s {@code service_operations}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      a.beginRow();
      a.append(k.tenant());
      a.append(k.hour());
      a.append(k.service());
      a.append(k.operation());
      a.append(k.kind());
      a.append(e.getValue()[0]);
      a.append(e.getValue()[1]);
      a.endRow();
    }
  }
}
