package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.storage.TraceQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The newest traces having a matching span, found newest first instead of by ranking every matching
 * trace of the range: the matching spans of the range's last minutes are read first (in {@code
 * spans}, ordered by tenant, service and start, a time range prunes within each service), their
 * traces' starts looked up in {@code spans_by_trace}, and the slice widened only while the answer
 * is not certain. Exact, the same ranking as the scan of the whole range: by trace start (the
 * earliest span of the trace within the range and its slack), newest first, then trace id.
 *
 * <p>Why it is certain: a trace whose matching spans all start before a slice's lower bound {@code
 * L} starts before {@code L} (its start is no later than any of its spans'). So once {@code limit}
 * traces found in {@code [L, end)} start at or after {@code L}, no trace outside the slice can rank
 * among them. A slice is read with a {@code LIMIT} on its traces (by their latest matching span,
 * newest first); when that cut, the traces left out have no matching span after the cut's time
 * {@code T}, so only found traces starting strictly after {@code T} are certain.
 *
 * <p>Not used (null: the caller scans the range) for limits above {@link #MAX_LIMIT}, without the
 * lookup table {@code spans_by_trace}, or once a slice holds more than {@link #MAX_CANDIDATES}
 * traces or {@link #MAX_PASSES} slices were read without a certain answer (a rare match over a long
 * range: each pass re-reads its slice, so past that the scan reads less).
 */
final class NewestFirstRanking {
  static final int MAX_LIMIT = 100;
  static final int MAX_CANDIDATES = 2_000;
  static final int MAX_PASSES = 8;
  static final long FIRST_SLICE_NANOS = 5 * 60 * 1_000_000_000L;
  private static final long HOUR = 3_600_000_000_000L;

  private final ClickHouseHttp http;

  NewestFirstRanking(ClickHouseHttp http) {
    this.http = http;
  }

  /**
   * The ranked trace ids, or null when this ranking does not apply.
   *
   * @param criteria the query's {@code AND} clauses but the time range
   * @param lo the window's start (the range and its slack), for the traces' starts
   * @param hi the window's end
   */
  @Nullable List<String> rank(TraceQuery q, String criteria, long lo, long hi) {
    if (q.limit() > MAX_LIMIT) return null;
    long start = Days.bound(q.startUnixNano());
    long end = q.endUnixNano();
    if (end <= start) return List.of();
    int candidates = 2 * q.limit() + 20;
    // slices end at the range's end but are measured back from now when the range runs far into
    // the future (an open end): spans later than that are still in every slice
    long anchor = Math.min(end, Days.saturatedAdd(System.currentTimeMillis() * 1_000_000L, HOUR));
    long width = FIRST_SLICE_NANOS;
    long bound = Math.max(start, Days.saturatedAdd(anchor, -width));
    for (int pass = 1; pass <= MAX_PASSES; pass++) {
      List<JsonNode> found =
          http.query(
              "SELECT trace_id AS tid, max(start_ns) AS m FROM spans WHERE tenant = "
                  + Sql.literal(q.tenant())
                  + ClickHouseTraceReader.timeRange("start_ns", bound, end)
                  + criteria
                  + " GROUP BY trace_id ORDER BY m DESC, tid LIMIT "
                  + candidates);
      boolean cut = found.size() == candidates;
      boolean whole = !cut && bound == start;
      List<Ranked> ranked = found.isEmpty() ? List.of() : starts(q, found, lo, hi);
      long threshold = cut ? found.get(found.size() - 1).get("m").asLong() : bound;
      List<Ranked> certain = new ArrayList<>();
      for (Ranked r : ranked) {
        if (whole || (cut ? r.start > threshold : r.start >= threshold)) certain.add(r);
      }
      if (whole || certain.size() >= q.limit()) {
        certain.sort(Comparator.comparingLong(Ranked::start).reversed().thenComparing(Ranked::id));
        List<String> out = new ArrayList<>();
        for (Ranked r : certain.subList(0, Math.min(q.limit(), certain.size()))) out.add(r.id);
        return out;
      }
      if (cut) {
        candidates *= 2; // the slice holds more traces than were read: read more of it
        if (candidates > MAX_CANDIDATES) return null;
      } else {
        width = width > (anchor - start) / 4 ? anchor - start : 4 * width;
        bound = Math.max(start, anchor - width);
      }
    }
    return null;
  }

  private record Ranked(String id, long start) {}

  /** The found traces' starts: their earliest span in {@code [lo, hi)}. */
  private List<Ranked> starts(TraceQuery q, List<JsonNode> found, long lo, long hi) {
    List<String> ids = new ArrayList<>();
    for (JsonNode r : found) ids.add(r.get("tid").asText());
    List<Ranked> out = new ArrayList<>();
    for (JsonNode r :
        http.query(
            "SELECT trace_id AS tid, min(start_ns) AS t FROM spans_by_trace WHERE tenant = "
                + Sql.literal(q.tenant())
                + ClickHouseTraceReader.timeRange("start_ns", lo, hi)
                + " AND trace_id IN ("
                + Sql.literals(ids)
                + ") AND cityHash64(trace_id) IN ("
                + ClickHouseTraceReader.traceHashes(ids)
                + ") GROUP BY trace_id")) {
      out.add(new Ranked(r.get("tid").asText(), r.get("t").asLong()));
    }
    return out;
  }
}
