package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Trace queries. Each method runs one prepared statement on a pooled reader connection. */
final class DuckDbTraceReader implements TraceReader, ServiceVersionReader {
  private static final Comparator<Span> TRACE_ORDER =
      Comparator.comparingLong(Span::startTimeUnixNano).thenComparing(Span::spanId);

  /**
   * By trace id only: DuckDB uses the ART index for a scan whose only filter is an equality on the
   * indexed column, and falls back to a full scan when other filters are pushed into the same scan.
   * The tenant is therefore checked here, on the handful of rows found.
   */
  private static final String GET_TRACE =
      "SELECT " + SpanRows.COLUMNS + ", resource_id FROM spans WHERE trace_id = ?::HUGEINT";

  /** The resource ids' column in {@link #GET_TRACE}. */
  private static final int RESOURCE_ID_COLUMN = 26;

  /** Stands for a resource read after the spans (never returned). */
  private static final SpanResources.Stored PENDING =
      new SpanResources.Stored(
          dev.sightline.core.model.Resource.empty(),
          dev.sightline.core.model.InstrumentationScope.empty());

  /** Resources of the spans read by id (rows that hold theirs by id). */
  private final SpanResources.Cache resources = new SpanResources.Cache();

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

  DuckDbTraceReader(ReaderConnections connections, Set<String> indexedAttributes) {
    this.connections = connections;
    this.indexedAttributes = indexedAttributes;
  }

  @Override
  public List<Span> getTrace(String tenant, String traceId) {
    Objects.requireNonNull(tenant, "tenant");
    if (!HexIds.isHex(traceId, 32)) return List.of();
    String parameter = HexIds.traceIdParameter(traceId);
    String id = traceId.toLowerCase(java.util.Locale.ROOT);
    List<Span> spans =
        connections.runOnStored(
            c -> {
              List<Span> out = new ArrayList<>();
              // spans whose resource was not cached yet, by index in out, with its id
              Map<Integer, Long> unresolved = null;
              // kept prepared on the connection: preparing it cost as much as the lookup
              PreparedStatement ps = connections.prepared(c, GET_TRACE);
              ps.setString(1, parameter);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  if (!tenant.equals(rs.getString(1))) continue;
                  long resourceId = rs.getLong(RESOURCE_ID_COLUMN);
                  if (rs.wasNull()) {
                    out.add(SpanRows.read(rs, id)); // stored with its resource columns
                    continue;
                  }
                  SpanResources.Stored stored = resources.get(tenant, resourceId);
                  if (stored == null) {
                    if (unresolved == null) unresolved = new HashMap<>();
                    unresolved.put(out.size(), resourceId);
                    stored = PENDING;
                  }
                  out.add(SpanRows.read(rs, id, stored));
                }
              }
              if (unresolved != null) {
                Map<Long, SpanResources.Stored> read =
                    resources.load(c, tenant, new HashSet<>(unresolved.values()));
                for (Map.Entry<Integer, Long> e : unresolved.entrySet()) {
                  SpanResources.Stored stored = read.get(e.getValue());
                  if (stored == null) {
                    throw new IllegalStateException(
                        "span resource " + e.getValue() + " missing from " + SpanResources.TABLE);
                  }
                  Span s = out.get(e.getKey());
                  out.set(
                      e.getKey(),
                      s.toBuilder().resource(stored.resource()).scope(stored.scope()).build());
                }
              }
              return out;
            });
    spans.sort(TRACE_ORDER);
    return withoutDuplicates(spans);
  }

  @Override
  public List<TraceSummary> searchTraces(TraceQuery query) {
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
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      // the span's attribute, or failing that its resource's, compared as text
      where.append(
          " AND coalesce(json_extract_string(attributes, ?),"
              + " json_extract_string(resource_attributes, ?)) = ?");
      String pointer = AttributeColumns.pointer(e.getKey());
      params.add(pointer);
      params.add(pointer);
      params.add(e.getValue());
    }
    for (Map.Entry<String, String> e : query.attributes().entrySet()) {
      if (!indexedAttributes.contains(e.getKey())) continue;
      List<TraceSummary> viaIndex = searchByIndex(query, where.toString(), params, e);
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
              : page(
                  where.toString(), sliced, query, unbounded ? Long.MAX_VALUE : k, from, to, slice);
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
            bind(ps, params);
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
            ps.setLong(2, saturatedSubtract(query.startUnixNano(), TRACE_WINDOW_SLACK_NANOS));
            ps.setLong(3, saturatedAdd(query.endUnixNano(), TRACE_WINDOW_SLACK_NANOS));
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
        strings(rs.getArray(8)));
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
    params.add(saturatedSubtract(from, TRACE_WINDOW_SLACK_NANOS));
    params.add(saturatedAdd(to, TRACE_WINDOW_SLACK_NANOS));
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
            bind(ps, params);
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

  @Override
  public List<ServiceVersion> serviceVersions(String tenant, long startUnixNano, long endUnixNano) {
    // grouped by resource first, so service.version is read once per resource, not per span (a
    // span of an older store holds its resource columns itself: read from them)
    String sql =
        "WITH g AS (SELECT service, resource_id, CASE WHEN resource_id IS NULL THEN"
            + " json_extract_string(resource_attributes, $1) END AS inline_version,"
            + " min(start_ns) AS lo, max(start_ns) AS hi, count(*) AS n FROM spans"
            + " WHERE tenant = $2 AND start_ns >= $3 AND start_ns < $4 GROUP BY 1, 2, 3)"
            + " SELECT g.service, coalesce(CASE WHEN g.resource_id IS NULL THEN g.inline_version"
            + " ELSE json_extract_string(r.attributes, $1) END, '') AS version,"
            + " min(g.lo), max(g.hi), sum(g.n)::BIGINT FROM g LEFT JOIN (SELECT DISTINCT ON"
            + " (resource_id) resource_id, attributes FROM span_resources WHERE tenant = $2) r"
            + " ON r.resource_id = g.resource_id GROUP BY 1, 2 ORDER BY 1, 3, 2";
    return connections.run(
        c -> {
          List<ServiceVersion> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, AttributeColumns.pointer("service.version"));
            ps.setString(2, tenant);
            ps.setLong(3, startUnixNano);
            ps.setLong(4, endUnixNano);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ServiceVersion(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5)));
              }
            }
          }
          return out;
        });
  }

  /**
   * From {@code service_operations} (a row per key and hour with the earliest and latest span
   * start, see {@link ServiceOperationHours}): exact for any range that does not lie inside one
   * hour, at a cost that follows the hours of the range × the keys. A range inside one hour and not
   * starting on it is answered from the RED buckets ({@code span_metrics}) for its whole 10-second
   * buckets and from {@code spans} for the partial buckets at its edges.
   */
  @Override
  public List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano) {
    record Row(String service, String name, String kind) {}
    List<Row> rows =
        connections.run(
            c -> {
              List<Row> out = new ArrayList<>();
              List<ServiceOperationHours.Triple> byHour =
                  ServiceOperationHours.read(c, tenant, startUnixNano, endUnixNano);
              if (byHour != null) {
                for (var t : byHour) {
                  out.add(
                      new Row(t.service(), t.operation(), SpanKind.fromNumber(t.kind()).name()));
                }
                return out;
              }
              // inside one hour: whole 10 s buckets from the RED rows, one plain range per
              // partial bucket at the edges from the spans, so zone maps prune each scan
              long bucket = dev.sightline.core.storage.SpanMetricsReader.BUCKET_NANOS;
              long firstWhole = saturatedAdd(startUnixNano, Math.floorMod(-startUnixNano, bucket));
              long endWhole = endUnixNano - Math.floorMod(endUnixNano, bucket);
              List<Object> params = new ArrayList<>();
              String sql;
              if (firstWhole < endWhole) {
                sql =
                    "SELECT DISTINCT service, operation, kind FROM span_metrics"
                        + " WHERE tenant = ? AND bucket_ns >= ? AND bucket_ns < ?"
                        + " UNION SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?"
                        + " UNION SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?";
                params.addAll(List.of(tenant, firstWhole, endWhole));
                params.addAll(
                    List.of(tenant, startUnixNano, firstWhole, tenant, endWhole, endUnixNano));
              } else {
                sql =
                    "SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?";
                params.addAll(List.of(tenant, startUnixNano, endUnixNano));
              }
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new Row(
                            rs.getString(1),
                            rs.getString(2),
                            SpanKind.fromNumber(rs.getByte(3)).name()));
                  }
                }
              }
              return out;
            });
    rows.sort(Comparator.comparing(Row::service).thenComparing(Row::name).thenComparing(Row::kind));
    Map<String, List<ServiceOperations.Operation>> byService = new LinkedHashMap<>();
    for (Row r : rows) {
      byService
          .computeIfAbsent(r.service(), s -> new ArrayList<>())
          .add(new ServiceOperations.Operation(r.name(), r.kind()));
    }
    List<ServiceOperations> out = new ArrayList<>(byService.size());
    byService.forEach((service, ops) -> out.add(new ServiceOperations(service, ops)));
    return out;
  }

  /**
   * A span stored twice (a client retried an export whose acknowledgement it did not see) is
   * returned once.
   */
  private static List<Span> withoutDuplicates(List<Span> spans) {
    Map<String, Span> bySpanId = new LinkedHashMap<>();
    for (Span s : spans) bySpanId.putIfAbsent(s.spanId(), s);
    return bySpanId.size() == spans.size() ? spans : new ArrayList<>(bySpanId.values());
  }

  private static long saturatedSubtract(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) ps.setLong(i + 1, l);
      else if (p instanceof Integer n) ps.setInt(i + 1, n);
      else ps.setString(i + 1, (String) p);
    }
  }

  static List<String> strings(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) out.add((String) v);
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
