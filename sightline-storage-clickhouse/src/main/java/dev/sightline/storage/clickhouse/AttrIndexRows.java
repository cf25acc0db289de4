package dev.sightline.storage.clickhouse;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of {@code attr_index} for one batch of spans, computed by the writer (schema version 3)
 * instead of the {@code ARRAY JOIN} views of version 2: one row per (day, tenant, trace, key, text
 * value) of the batch with the first and last start of the spans holding it, for every span
 * attribute and every resource attribute of the spans lacking that key (the span's own value wins,
 * as in the search filters' SQL), of the {@link IndexedKeys} only. A trace's spans share most
 * resource attributes and many span values, so deduplicating per batch leaves far fewer rows than
 * one per attribute of every span.
 *
 * <p>The rows go as {@code RowBinary} into {@code attr_index_in}, a {@code Null} table whose
 * materialized view hashes value and trace id ({@code cityHash64}, as the readers do) into {@code
 * attr_index}: the hashes are ClickHouse's own, never recomputed here.
 */
final class AttrIndexRows {
  private AttrIndexRows() {}

  /** The {@code INSERT}: the columns in the order {@link #encode} writes them. */
  static final String INSERT =
      "INSERT INTO attr_index_in (day, tenant, trace_id, key, value, first_ns, last_ns)"
          + " FORMAT RowBinary";

  /** One index row's identity; a hand-written class: one per attribute of every span, hot path. */
  private static final class Key {
    final long day;
    final String tenant;
    final String traceId;
    final String key;
    final String value;
    final int hash;

    Key(long day, String tenant, String traceId, String key, String value) {
      this.day = day;
      this.tenant = tenant;
      this.traceId = traceId;
      this.key = key;
      this.value = value;
      int h = Long.hashCode(day);
      h = 31 * h + tenant.hashCode();
      h = 31 * h + traceId.hashCode();
      h = 31 * h + key.hashCode();
      this.hash = 31 * h + value.hashCode();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.hash == hash
          && k.day == day
          && k.traceId.equals(traceId)
          && k.key.equals(key)
          && k.value.equals(value)
          && k.tenant.equals(tenant);
    }
  }

  private static Map<Key, long[]> collect(List<Span> spans, IndexedKeys keys) {
    boolean all = keys.all();
    Map<Key, long[]> rows = new LinkedHashMap<>(spans.size() * 8);
    // the resource rows of the previous span: a run of spans of one resource and trace (as the
    // OTLP mapper hands them out) updates them in place instead of hashing them again
    Resource lastResource = null;
    String lastTrace = null;
    String lastTenant = null;
    long lastDay = -1;
    List<long[]> lastRanges = new ArrayList<>();
    for (Span s : spans) {
      long start = s.startTimeUnixNano();
      long day = Days.epochDay(start);
      Attributes own = s.attributes();
      for (int i = 0; i < own.size(); i++) {
        String key = own.keyAt(i);
        if (!all && !keys.contains(key)) continue;
        add(rows, new Key(day, s.tenant(), s.traceId(), key, own.valueAt(i).asString()), start);
      }
      Attributes resource = s.resource().attributes();
      boolean overrides = false; // does the span hide one of its resource's attributes?
      for (int i = 0; i < own.size(); i++) overrides |= resource.get(own.keyAt(i)) != null;
      if (!overrides
          && s.resource() == lastResource
          && day == lastDay
          && s.traceId().equals(lastTrace)
          && s.tenant().equals(lastTenant)) {
        for (long[] range : lastRanges) widen(range, start);
        continue;
      }
      List<long[]> ranges = new ArrayList<>(resource.size());
      for (int i = 0; i < resource.size(); i++) {
        String key = resource.keyAt(i);
        if (own.get(key) != null) continue; // the span's own value wins
        if (!all && !keys.contains(key)) continue;
        ranges.add(
            add(
                rows,
                new Key(day, s.tenant(), s.traceId(), key, resource.valueAt(i).asString()),
                start));
      }
      if (overrides) {
        lastResource = null; // its rows lack the hidden keys: not for the next span
      } else {
        lastResource = s.resource();
        lastTrace = s.traceId();
        lastTenant = s.tenant();
        lastDay = day;
        lastRanges = ranges;
      }
    }
    return rows;
  }

  private static void widen(long[] range, long start) {
    if (start < range[0]) range[0] = start;
    if (start > range[1]) range[1] = start;
  }

  /** Adds or widens the row of {@code key}; returns its range. */
  private static long[] add(Map<Key, long[]> rows, Key key, long start) {
    long[] range = rows.get(key);
    if (range == null) {
      range = new long[] {start, start};
      rows.put(key, range);
    } else {
      widen(range, start);
    }
    return range;
  }

  /**
   * The {@code RowBinary} body of {@link #INSERT} for the attributes of {@code keys} of {@code
   * spans} (already checked by {@link SpanRowBinary#encode}: valid ids and times).
   */
  static byte[] encode(List<Span> spans, IndexedKeys keys) {
    Map<Key, long[]> rows = collect(spans, keys);
    RowBinary out = new RowBinary(rows.size() * 64);
    for (Map.Entry<Key, long[]> e : rows.entrySet()) {
      Key k = e.getKey();
      out.date(k.day);
      out.string(k.tenant);
      out.string(k.traceId);
      out.string(k.key);
      out.string(k.value);
      out.int64(e.getValue()[0]);
      out.int64(e.getValue()[1]);
    }
    return out.toByteArray();
  }

  /** One row as {@link #encode} writes it (tests, and counting rows per span). */
  record Row(
      long day, String tenant, String traceId, String key, String value, long first, long last) {}

  /** The rows {@link #encode} writes for {@code spans}, in its order. */
  static List<Row> rows(List<Span> spans, IndexedKeys keys) {
    List<Row> out = new ArrayList<>();
    for (Map.Entry<Key, long[]> e : collect(spans, keys).entrySet()) {
      Key k = e.getKey();
      out.add(
          new Row(k.day, k.tenant, k.traceId, k.key, k.value, e.getValue()[0], e.getValue()[1]));
    }
    return out;
  }
}
