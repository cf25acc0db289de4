package dev.sightline.storage.duckdb;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Span;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * Rows of {@code attribute_index} for one commit group: for each indexed key, each trace and each
 * value a span of the group holds for it (the span's attribute, or failing that its resource's, as
 * trace search compares it: the text form), the earliest and latest start of those spans. Computed
 * per batch on the caller's thread ({@link SpanAggregates}), merged per group on the writer thread
 * and written behind the spans ({@link DerivedBacklog}).
 */
final class AttributeIndexRows {
  private final Set<String> keys;
  private final Map<Key, long[]> rows = new HashMap<>();

  private record Key(String tenant, long traceIdHigh, long traceIdLow, String key, String value) {}

  AttributeIndexRows(Set<String> keys) {
    this.keys = keys;
  }

  void add(SpanRows.Row r) {
    if (keys.isEmpty()) return;
    Span s = r.span();
    for (String key : keys) {
      String value = effectiveValue(s, key);
      if (value == null) continue;
      Key k = new Key(s.tenant(), r.traceIdHigh(), r.traceIdLow(), key, value);
      long start = s.startTimeUnixNano();
      long[] range = rows.get(k);
      if (range == null) {
        rows.put(k, new long[] {start, start});
      } else {
        range[0] = Math.min(range[0], start);
        range[1] = Math.max(range[1], start);
      }
    }
  }

  /** The span's attribute, else its resource's, as text: what a search filter compares. */
  static @Nullable String effectiveValue(Span s, String key) {
    AnyValue v = s.attributes().get(key);
    if (v == null) v = s.resource().attributes().get(key);
    return v == null ? null : v.asString();
  }

  /** Widens this one's ranges by {@code other}'s, leaving {@code other} as it was. */
  void mergeFrom(AttributeIndexRows other) {
    SpanAggregates.mergeRanges(rows, other.rows);
  }

  /** Appends one row per (tenant, trace, key, value), in the order of {@code attribute_index}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      a.beginRow();
      a.append(k.tenant());
      a.append(k.key());
      a.append(k.value());
      a.appendHugeInt(k.traceIdLow(), k.traceIdHigh());
      a.append(e.getValue()[0]);
      a.append(e.getValue()[1]);
      a.endRow();
    }
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }
}
