package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.storage.TraceQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The ranking step of a trace search with attribute filters, through {@code attr_index} (see {@link
 * TraceLookups}) instead of a scan of every span in the range. Exactly the ranking of the scan: the
 * newest {@code limit} traces having a span that matches every criterion in the range, by the
 * earliest start of their spans within an hour of the range, ties by trace id.
 *
 * <ol>
 *   <li><b>Candidates</b>: the traces having, in the range, a span with the first filter's key and
 *       value hash (span attribute, or resource attribute of a span without that key), among those
 *       having each other filter's, each with an upper bound of its start: the latest start of its
 *       indexed spans, clipped to the range. Every trace the scan finds is among them (its matching
 *       span is indexed under every filter), and its start is at most that bound (the matching span
 *       is inside the window the start is taken over).
 *   <li><b>Exact check</b>, newest bound first, in growing batches: the scan's own criteria,
 *       evaluated on {@code spans_by_trace} over the candidates' spans only (a primary-key range
 *       each), giving each confirmed trace its exact start.
 *   <li>Stop once {@code limit} traces are confirmed and the next candidate's bound is below the
 *       last of them: no unchecked trace can rank before it.
 * </ol>
 *
 * <p>More than {@code maxCandidates} ({@link #MAX_CANDIDATES} by default) candidates without the
 * ranking settled: {@code null}, the caller scans as before.
 */
final class IndexedTraceRanking {
  /** Candidates read from the index at most, by default; beyond them an unsettled search scans. */
  static final int MAX_CANDIDATES = 20_000;

  /** Trace ids per exact-check query at most (the query text stays far below 256 KB). */
  private static final int MAX_BATCH = 2_000;

  private static final Comparator<Ranked> NEWEST_FIRST =
      Comparator.comparingLong(Ranked::start).reversed().thenComparing(Ranked::traceId);

  private final ClickHouseHttp http;
  private final int maxCandidates;
  private final IndexedKeys keys;

  IndexedTraceRanking(ClickHouseHttp http, int maxCandidates, IndexedKeys keys) {
    if (maxCandidates <= 0) throw new IllegalArgumentException("maxCandidates must be positive");
    this.http = http;
    this.maxCandidates = maxCandidates;
    this.keys = keys;
  }

  /**
   * A trace from the index, by {@code cityHash64} of its id (decimal text, as ClickHouse wrote it:
   * a {@code UInt64} may exceed a Java long), and an upper bound of its start. Two traces sharing a
   * hash are both checked.
   */
  record Candidate(String traceHash, long bound) {}

  /** A confirmed trace and its start (as the scan computes it). */
  record Ranked(String traceId, long start) {}

  /**
   * The trace ids of the search's answer, newest first, or {@code null} when no filter's key is
   * indexed or the candidates are too many to settle the ranking (then scan). Candidates come from
   * the indexed filters only; the exact check applies every criterion.
   *
   * @param criteria the scan's {@code AND} clauses for every criterion but the time range
   */
  @Nullable List<String> rank(TraceQuery q, String criteria) {
    if (q.attributes().isEmpty()) throw new IllegalArgumentException("no attribute filter");
    List<Map.Entry<String, String>> filters = new ArrayList<>();
    for (Map.Entry<String, String> f : q.attributes().entrySet()) {
      if (keys.contains(f.getKey())) filters.add(f);
    }
    if (filters.isEmpty()) return null;
    long from = Days.bound(q.startUnixNano());
    long end = q.endUnixNano();
    if (end <= from) return List.of();
    List<Candidate> candidates = candidates(q, filters, from, end);
    boolean truncated = candidates.size() > maxCandidates;
    if (truncated) candidates = candidates.subList(0, maxCandidates);
    List<Ranked> found = new ArrayList<>();
    int next = 0;
    int batch = Math.max(2 * q.limit(), 50);
    boolean settled = false;
    while (next < candidates.size()) {
      int to = Math.min(candidates.size(), next + batch);
      found.addAll(confirm(q, criteria, candidates.subList(next, to)));
      next = to;
      batch = Math.min(2 * batch, MAX_BATCH);
      found.sort(NEWEST_FIRST);
      if (found.size() >= q.limit()
          && next < candidates.size()
          && candidates.get(next).bound() < found.get(q.limit() - 1).start()) {
        settled = true; // every later candidate's bound is at most this one
        break;
      }
    }
    if (!settled && truncated) return null;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(q.limit(), found.size()); i++) out.add(found.get(i).traceId());
    return out;
  }

  /** The candidates, highest bound first (ties by trace id), at most one more than the cap. */
  private List<Candidate> candidates(
      TraceQuery q, List<Map.Entry<String, String>> filters, long from, long end) {
    StringBuilder sql =
        new StringBuilder("SELECT toString(trace_hash) AS th, max(least(last_ns, toUInt64(")
            .append(end - 1)
            .append("))) AS u FROM attr_index WHERE ")
            .append(filter(q.tenant(), filters.get(0), from, end));
    for (int i = 1; i < filters.size(); i++) {
      sql.append(" AND trace_hash IN (SELECT trace_hash FROM attr_index WHERE ")
          .append(filter(q.tenant(), filters.get(i), from, end))
          .append(')');
    }
    sql.append(" GROUP BY trace_hash ORDER BY u DESC, th LIMIT ").append(maxCandidates + 1);
    List<Candidate> out = new ArrayList<>();
    for (JsonNode r : http.query(sql.toString())) {
      String hash = r.get("th").asText();
      if (!hash.matches("[0-9]{1,20}")) throw new IllegalStateException("bad trace hash " + hash);
      out.add(new Candidate(hash, r.get("u").asLong()));
    }
    return out;
  }

  /** Index rows of one filter's key and value whose spans overlap {@code [from, end)}. */
  static String filter(String tenant, Map.Entry<String, String> kv, long from, long end) {
    StringBuilder sb =
        new StringBuilder("tenant = ")
            .append(Sql.literal(tenant))
            .append(" AND key = ")
            .append(Sql.literal(kv.getKey()))
            .append(" AND value_hash = cityHash64(")
            .append(Sql.literal(kv.getValue()))
            .append(") AND day >= ")
            .append(Sql.literal(Days.of(from)));
    if (Days.inDateRange(end - 1)) sb.append(" AND day <= ").append(Sql.literal(Days.of(end - 1)));
    return sb.append(" AND first_ns < ")
        .append(end)
        .append(" AND last_ns >= ")
        .append(from)
        .toString();
  }

  /**
   * The candidates having a span that matches every criterion in the range, each with its start:
   * the minimum start of its spans within an hour of the range, as the scan ranks them.
   */
  private List<Ranked> confirm(TraceQuery q, String criteria, List<Candidate> batch) {
    List<String> ids = new ArrayList<>(batch.size());
    for (Candidate c : batch) ids.add(c.traceHash());
    long lo =
        Days.bound(
            Days.saturatedAdd(q.startUnixNano(), -ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS));
    long hi = Days.saturatedAdd(q.endUnixNano(), ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS);
    String sql =
        "SELECT trace_id AS tid, min(start_ns) AS t_start FROM spans_by_trace WHERE tenant = "
            + Sql.literal(q.tenant())
            + " AND cityHash64(trace_id) IN ("
            + String.join(", ", ids)
            + ")"
            + ClickHouseTraceReader.timeRange("start_ns", lo, hi)
            + " GROUP BY trace_id HAVING countIf(1"
            + ClickHouseTraceReader.timeRange("start_ns", q.startUnixNano(), q.endUnixNano())
            + criteria
            + ") > 0";
    List<Ranked> out = new ArrayList<>();
    for (JsonNode r : http.query(sql)) {
      out.add(new Ranked(r.get("tid").asText(), r.get("t_start").asLong()));
    }
    return out;
  }
}
