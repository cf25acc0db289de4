package dev.sightline.storage.duckdb;

import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Trace search ({@link DuckDbTraceReader#searchTraces}): newest first and exact, through the
 * attribute index when a filter's key is indexed, otherwise by slices of time read newest first,
 * narrowed by the span block index; summaries come from {@code trace_summaries}. The design and its
 * exactness argument: the module README, "Trace summaries, maintained at ingest" onwards.
 */
final class TraceSearch {
  /** How far outside the searched range spans of a matching trace are still summarised. */
  static final long TRACE_WINDOW_SLACK_NANOS = 3_600_000_000_000L;

  private final ReaderConnections connections;

  /** {@link DuckDbStorageBuilder#indexedAttributes}. */
  private final Set<String> indexedAttributes;

  /** Tests only: false reads every slice whole, the answer the span block index must match. */
  volatile boolean useSpanBlocks = true;

  /**
   * With attribute filters, about the most spans the first slice cut by its spans holds ({@link
   * #FIRST_SLICE_SPANS}; tests set it). 0: slices by time only, whatever they hold.
   */
  volatile long sliceSpans = FIRST_SLICE_SPANS;

  TraceSearch(ReaderConnections connections, Set<String> indexedAttributes) {
    this.connections = connections;
    this.indexedAttributes = indexedAttributes;
  }

  /**
   * The {@link SpanAttributeKeys} of the query's attribute filters, or null when it has none or one
   * whose text the index does not vouch for (the search then reads slices whole).
   */
  static long @Nullable [] blockKeys(TraceQuery query) {
    if (query.attributes().isEmpty()) return null;
    long[] keys = new long[query.attributes().size()];
    int i = 0;
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      if (e.getKey().isEmpty()
          || !SpanAttributeKeys.safe(e.getKey())
          || !SpanAttributeKeys.safe(e.getValue())) {
        return null;
      }
      keys[i++] = SpanAttributeKeys.hash(e.getKey(), e.getValue());
    }
    return keys;
  }

  List<TraceSummary> searchTraces(TraceQuery query) {
    Filter filter = Filter.of(query);
    String where = filter.where();
    List<Object> params = filter.params();
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      if (!indexedAttributes.contains(e.getKey())) continue;
      List<TraceSummary> viaIndex = searchByIndex(query, where, params, e);
      if (viaIndex != null) return viaIndex;
      break; // a value held by many traces: the newest slices find them sooner
    }
    // Two phases per slice of time, newest first, exact. Slices are disjoint, [from, to), the
    // last minute of the range first, each older one four times wider. With attribute filters a
    // slice also holds about FIRST_SLICE_SPANS spans of the tenant at most (by the span blocks'
    // counts, SpanBlockIndex.newestSpansFrom), four times more than the last slice cut so, the next
    // slice then four times its width at most: such a slice is read through a join with the
    // resources, which keeps the top-N's threshold from skipping older row groups, so its cost
    // follows the spans it holds (a busy store holds millions in a minute). Any slice boundaries
    // give the same answer. (1) Candidates: the k newest matching spans of the slice (DuckDB's
    // top-N pushes its running threshold into the scan, so on time-ordered data it reads the newest
    // row groups only) and their traces. (2) Summaries of those traces only, the newest `limit` of
    // them. A trace starts at or before each of its matching spans, so a trace with no matching
    // span from `from` on starts before `from`;
    // and when the slice holds k matching spans or more, a trace that is not a candidate has all
    // its matching spans there at or before the k-th newest (the bound), so it starts at or before
    // it. The newest `limit` of the slices read so far are the answer once the limit-th of them
    // starts after that bound; otherwise k grows (a saturated slice) or the next, older slice is
    // read. Grouping every matching span of a slice by trace first, as the previous version did,
    // read the whole slice (seconds with an attribute filter); summarising every matching trace of
    // the range, as the first one did, cost seconds for a busy service over 24 hours.
    //
    // With attribute filters, each slice first asks the span block index (span_blocks) which
    // start-time ranges of the slice may hold a matching span; the slice then reads only those
    // ranges (a UNION ALL of plain range scans, so zone maps prune each), none at all when there
    // are none. A gap between the ranges holds no matching span, so the slice's bounds stay exact.
    // A window with more than SLICE_RANGES ranges is read as several slices of that many ranges,
    // newest first, each ending where its oldest range starts. A slice whose ranges cover more
    // than half of it is read whole; a window with more than SpanBlockIndex.MAX_RANGES ranges (a
    // frequent value) too, and so is every older slice.
    int limit = query.limit();
    String tenant = query.tenant();
    long start = query.startUnixNano();
    long to = query.endUnixNano();
    // candidate spans per round: an attribute filter often matches every span of a trace (a
    // resource's attribute, a tenant set on every span), a service a few spans per trace
    long k =
        query.attributes().isEmpty()
            ? Math.max(8L * limit, limit + 100L)
            : Math.max(32L * limit, limit + 400L);
    long width = FIRST_SLICE_NANOS;
    // with attribute filters, a slice holds at most about this many spans of the tenant, four times
    // more each time it did (without, the top-N's threshold already skips older row groups)
    long spanBound = query.attributes().isEmpty() ? 0 : sliceSpans;
    boolean sized = false;
    Map<String, TraceSummary> found = new LinkedHashMap<>();
    long[] blockKeys = useSpanBlocks ? blockKeys(query) : null;
    // candidate ranges of [knownFrom, to) fetched for a wider window and not read yet, ascending
    List<long[]> known = null;
    long knownFrom = 0;
    long sliceFrom = 0, sliceTo = 0;
    List<long[]> slice = null;
    boolean first = true;
    while (true) {
      if (first || sliceTo != to) { // a new slice (not the same one again with a larger k)
        first = false;
        long from = to - start <= width ? start : to - width;
        sized = false;
        if (spanBound > 0 && known == null) {
          // at most about spanBound spans of the tenant (candidate ranges are then sought there)
          long f = from, t = to, n = spanBound;
          long newest = connections.run(c -> SpanBlockIndex.newestSpansFrom(c, tenant, f, t, n));
          if (newest > from) {
            from = newest;
            sized = true;
          }
        }
        slice = null;
        if (blockKeys != null) {
          if (known == null) {
            long[] keys = blockKeys;
            long f = from, t = to;
            known =
                connections.run(c -> SpanBlockIndex.candidateRanges(c, query.tenant(), f, t, keys));
            knownFrom = from;
            if (known == null) blockKeys = null; // frequent: this and older slices read whole
          } else {
            from = knownFrom;
          }
        }
        if (known != null) {
          if (known.size() > SLICE_RANGES) {
            // the newest ranges only; the slice ends where the oldest of them starts
            slice = new ArrayList<>(known.subList(known.size() - SLICE_RANGES, known.size()));
            known = new ArrayList<>(known.subList(0, known.size() - SLICE_RANGES));
            from = slice.get(0)[0];
          } else {
            slice = known;
            known = null;
          }
          // ranges covering most of the slice save nothing over reading it whole in place
          if (2 * covered(slice) > to - from) slice = null;
        }
        sliceFrom = from;
        sliceTo = to;
      }
      long from = sliceFrom;
      List<Object> sliced = new ArrayList<>(params);
      sliced.set(1, from);
      sliced.set(2, to);
      boolean unbounded = k >= MAX_CANDIDATE_SPANS;
      Page page =
          slice != null && slice.isEmpty()
              ? new Page(List.of(), 0, Long.MIN_VALUE)
              : page(where, sliced, query, unbounded ? Long.MAX_VALUE : k, from, to, slice);
      boolean saturated = !unbounded && page.spans() >= k;
      List<TraceSummary> newest = page.summaries();
      if (saturated
          && (newest.size() < limit || newest.get(limit - 1).startTimeUnixNano() <= page.bound())) {
        k = Math.min(MAX_CANDIDATE_SPANS, k * 8); // more matching spans than the candidates
        continue;
      }
      for (TraceSummary t : newest) found.putIfAbsent(t.traceId(), t);
      List<TraceSummary> ranked = new ArrayList<>(found.values());
      ranked.sort(NEWEST_TRACE_FIRST);
      if (ranked.size() > limit) ranked = ranked.subList(0, limit);
      long bound = from == start ? Long.MIN_VALUE : from - 1;
      if (saturated) bound = Math.max(bound, page.bound());
      if (from == start
          || (ranked.size() == limit && ranked.get(limit - 1).startTimeUnixNano() > bound)) {
        return List.copyOf(ranked);
      }
      if (sized) {
        width = to - from; // the next slice: four times this one's time or spans at most
        spanBound = Math.min(spanBound, 1L << 40) * 4; // (bounded: no overflow)
      }
      to = from;
      width = width > (to - start) / 4 ? to - start : width * 4;
    }
  }

  /**
   * Candidate ranges of the span block index one slice reads at most; a window holding more is read
   * in several slices, newest first, so a search stops after the ranges it needs.
   */
  static final int SLICE_RANGES = 16;

  /** The nanoseconds the ranges [from, to) cover, which are disjoint. */
  private static long covered(List<long[]> ranges) {
    long sum = 0;
    for (long[] r : ranges) sum += r[1] - r[0];
    return sum;
  }

  /** Above this many traces holding an indexed value, search reads slices of spans instead. */
  static final int MAX_INDEXED_CANDIDATES = 1_000;

  /** Candidate traces whose spans one statement checks, each through the trace id index. */
  private static final int VERIFY_BATCH = 32;

  /**
   * Search through {@code attribute_index}: the traces holding the filter's value, latest holding
   * span first, are checked against every criterion on their own spans (read through the trace id
   * index), in batches, until the {@code limit} newest are known: a candidate not yet checked has
   * every span holding the value at or before its latest one, so it starts no later, and once the
   * {@code limit}-th trace found starts after the next candidate's latest span, none can be newer.
   * Null when more than {@link #MAX_INDEXED_CANDIDATES} traces hold the value in the range.
   */
  private @Nullable List<TraceSummary> searchByIndex(
      TraceQuery query, String where, List<Object> params, Map.Entry<String, String> filter) {
    List<AttributeIndex.Candidate> candidates =
        connections.run(
            c ->
                AttributeIndex.candidates(
                    c,
                    query.tenant(),
                    filter.getKey(),
                    filter.getValue(),
                    query.startUnixNano(),
                    query.endUnixNano(),
                    MAX_INDEXED_CANDIDATES + 1));
    if (candidates.size() > MAX_INDEXED_CANDIDATES) return null;
    int limit = query.limit();
    Map<String, TraceSummary> found = new LinkedHashMap<>();
    List<TraceSummary> ranked = List.of();
    for (int i = 0; i < candidates.size(); ) {
      List<AttributeIndex.Candidate> batch =
          candidates.subList(i, Math.min(candidates.size(), i + VERIFY_BATCH));
      i += batch.size();
      List<BigInteger> matching = matching(batch, where, params);
      if (!matching.isEmpty()) {
        for (TraceSummary t : summaries(query, matching)) found.putIfAbsent(t.traceId(), t);
        ranked = new ArrayList<>(found.values());
        ranked.sort(NEWEST_TRACE_FIRST);
        if (ranked.size() > limit) ranked = ranked.subList(0, limit);
      }
      if (i < candidates.size()
          && ranked.size() == limit
          && ranked.get(limit - 1).startTimeUnixNano() > candidates.get(i).lastStart()) {
        break;
      }
    }
    return List.copyOf(ranked);
  }

  /**
   * The candidates with a span matching every criterion. Each trace's spans are read by a scan
   * whose only filter is its id, so DuckDB uses the ART index; the criteria apply to those rows.
   */
  private List<BigInteger> matching(
      List<AttributeIndex.Candidate> batch, String where, List<Object> params) {
    StringBuilder sql = new StringBuilder("WITH c0 AS MATERIALIZED (");
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) sql.append(" UNION ALL ");
      // ids come from the database as numbers, so they are inlined safely
      sql.append(
              "SELECT tenant, trace_id, start_ns, service, name, duration_ns, status_code,"
                  + " attributes, resource_attributes, resource_id FROM spans WHERE trace_id = ")
          .append(batch.get(i).traceId().toString())
          .append("::HUGEINT");
    }
    // the resources of the rows read, by one join
    sql.append("), c AS (").append(SpanResources.resolve("c0")).append(")");
    sql.append(" SELECT DISTINCT trace_id FROM c WHERE ").append(where);
    return connections.run(
        c -> {
          List<BigInteger> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add((BigInteger) rs.getObject(1));
            }
          }
          return out;
        });
  }

  /** Summaries of the given traces over the parts within an hour of the searched range. */
  private List<TraceSummary> summaries(TraceQuery query, List<BigInteger> traceIds) {
    StringBuilder ids = new StringBuilder();
    for (BigInteger id : traceIds) {
      if (ids.length() > 0) ids.append(", ");
      ids.append(id.toString()).append("::HUGEINT");
    }
    String sql =
        "SELECT "
            + TraceSummaries.MERGED_COLUMNS
            + " FROM trace_summaries t WHERE t.trace_id IN ("
            + ids
            + ") AND t.tenant = ? AND t.last_start_ns >= ? AND t.start_ns < ? GROUP BY t.trace_id";
    return connections.run(
        c -> {
          List<TraceSummary> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, query.tenant());
            ps.setLong(2, Sql.saturatedSubtract(query.startUnixNano(), TRACE_WINDOW_SLACK_NANOS));
            ps.setLong(3, Sql.saturatedAdd(query.endUnixNano(), TRACE_WINDOW_SLACK_NANOS));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(summary(rs));
            }
          }
          return out;
        });
  }

  /** A merged summary row ({@link TraceSummaries#MERGED_COLUMNS}). */
  private static TraceSummary summary(ResultSet rs) throws SQLException {
    return new TraceSummary(
        HexIds.traceIdHex(rs.getObject(1)),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getLong(5),
        rs.getInt(6),
        rs.getInt(7),
        Sql.strings(rs.getArray(8)));
  }

  /** Newest trace start first, then trace id: the order of search results. */
  private static final Comparator<TraceSummary> NEWEST_TRACE_FIRST =
      Comparator.comparingLong(TraceSummary::startTimeUnixNano)
          .reversed()
          .thenComparing(TraceSummary::traceId);

  /** The first slice a search looks at at most: the last minute of its range. */
  static final long FIRST_SLICE_NANOS = 60_000_000_000L;

  /**
   * The spans of a search's first slice holding spans at most, with attribute filters: about 10 ms
   * of reading and parsing attributes, and for a value one span in 100 holds, about the candidates
   * a search for 20 traces wants.
   */
  static final long FIRST_SLICE_SPANS = 16_384;

  /** Above this many matching spans in a slice a search ranks every matching trace there. */
  static final long MAX_CANDIDATE_SPANS = 200_000;

  /**
   * A search's criteria as a {@code WHERE} clause over the span columns, with its parameters: the
   * tenant and the range first (parameters 1 to 3, which each slice replaces), then service,
   * operation, duration bounds, errors only, and each attribute filter (the span's attribute, or
   * failing that its resource's, compared as text).
   */
  record Filter(String where, List<Object> params) {
    static Filter of(TraceQuery query) {
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
      attributes(where, params, query.attributes());
      return new Filter(where.toString(), List.copyOf(params));
    }

    /**
     * Appends one condition per attribute filter: the span's attribute, or failing that its
     * resource's, compared as text (trace search and span counts alike).
     */
    static void attributes(StringBuilder sql, List<Object> params, Map<String, String> filters) {
      for (Map.Entry<String, String> e : filters.entrySet()) {
        sql.append(
            " AND coalesce(json_extract_string(attributes, ?),"
                + " json_extract_string(resource_attributes, ?)) = ?");
        String pointer = AttributeColumns.pointer(e.getKey());
        params.add(pointer);
        params.add(pointer);
        params.add(e.getValue());
      }
    }
  }

  /**
   * One round of {@link #searchTraces}: summaries, how many matching spans were read (at most k),
   * and the start of the oldest of them (the bound when there were k).
   */
  private record Page(List<TraceSummary> summaries, long spans, long bound) {}

  private Page page(
      String where,
      List<Object> filterParams,
      TraceQuery query,
      long k,
      long from,
      long to,
      @Nullable List<long[]> ranges) {
    List<Object> params = new ArrayList<>();
    // the spans searched: the slice, or only its ranges that the span block index left
    StringBuilder source = new StringBuilder();
    if (ranges != null) {
      source.append("WITH r0 AS MATERIALIZED (");
      for (int i = 0; i < ranges.size(); i++) {
        if (i > 0) source.append(" UNION ALL ");
        source.append(
            "SELECT tenant, trace_id, start_ns, service, name, duration_ns, status_code,"
                + " attributes, resource_attributes, resource_id FROM spans"
                + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?");
        params.add(query.tenant());
        params.add(ranges.get(i)[0]);
        params.add(ranges.get(i)[1]);
      }
      // the resources of the rows read, by one join
      source.append("), r AS (").append(SpanResources.resolve("r0")).append("), ");
    } else {
      source.append("WITH ");
    }
    params.addAll(filterParams);
    boolean limited = k != Long.MAX_VALUE;
    if (limited) params.add(k);
    params.add(query.tenant());
    params.add(Sql.saturatedSubtract(from, TRACE_WINDOW_SLACK_NANOS));
    params.add(Sql.saturatedAdd(to, TRACE_WINDOW_SLACK_NANOS));
    params.add(query.limit());
    // Summaries come from trace_summaries, not from the spans: each merges the parts of its trace
    // (one per commit that stored spans of it) that hold a span starting within an hour of the
    // slice it was found in, so the join reads the summaries around the slice, never all retained
    // days, and about a tenth as many rows as the spans. Results newest first by trace start; a
    // span stored twice (an export retried after a slow acknowledgement) counts once.
    String sql =
        source
            + "top AS MATERIALIZED (SELECT trace_id, start_ns FROM "
            + (ranges != null
                ? "r"
                : query.attributes().isEmpty() ? "spans" : SpanResources.RESOLVED)
            + " WHERE "
            + where
            + (limited ? " ORDER BY start_ns DESC LIMIT ?" : "")
            + "), matched AS (SELECT DISTINCT trace_id FROM top), summaries AS (SELECT "
            + TraceSummaries.MERGED_COLUMNS
            + " FROM trace_summaries t WHERE t.trace_id IN (SELECT trace_id FROM matched)"
            + " AND t.tenant = ? AND t.last_start_ns >= ? AND t.start_ns < ?"
            + " GROUP BY t.trace_id)"
            + " SELECT *,"
            + " (SELECT count(*) FROM top), (SELECT min(start_ns) FROM top)"
            + " FROM summaries ORDER BY trace_start DESC, trace_id LIMIT ?";
    return connections.run(
        c -> {
          List<TraceSummary> out = new ArrayList<>();
          long spans = 0;
          long bound = Long.MIN_VALUE;
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(summary(rs));
                spans = rs.getLong(9);
                bound = rs.getLong(10);
              }
            }
          }
          return new Page(out, spans, bound);
        });
  }
}
