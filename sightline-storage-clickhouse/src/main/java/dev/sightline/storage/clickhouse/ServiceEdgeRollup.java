package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service map by hour. Edges are pairs of spans (a child and its CLIENT or PRODUCER parent of
 * another service, starting within {@link #SLACK} of each other), which no materialized view can
 * form: the two ends usually arrive in different INSERTs, and with several Sightline servers on one
 * cluster at different servers. So a periodic job ({@link #refresh}) joins the spans of each closed
 * hour once and stores that hour's edges; the map reads stored hours where they are still exact and
 * joins the rest at query time.
 *
 * <p><b>Exact, not eventually.</b> The edges of children starting in hour H depend only on the
 * spans starting in [H − 1 h, H + 2 h) (the parent is within an hour of its child). Every
 * computation of an hour records the number of spans in that window as {@code span_metrics_hourly}
 * counted them <i>before</i> the join read the spans ({@code service_edges_runs}). A reader trusts
 * an hour's latest computation only while that count is unchanged; a span written later into the
 * window (late data, a retried batch, a backfill) changes it, and the hour is joined at query time
 * again until the job recomputes it. The count comes from the same view-maintained table that RED
 * reads, so the check costs one small query, not a scan. Hours before {@link HourlyRollup#since}
 * (where that table is incomplete) and hours retention has cut are always joined.
 *
 * <p><b>Several servers.</b> Every Sightline server runs the job; nothing is leased. Two servers
 * computing the same hour both store correct rows, each under its own {@code computed_ns}, and
 * readers take the latest computation of each hour; a computation whose run row is missing (a
 * server stopped between the two inserts) is never read. Superseded rows stay until retention drops
 * their hour: a few edge rows per recomputation.
 *
 * <p>What the reader still joins: the partial hours at the range's ends, and the hours whose window
 * is not closed yet (the last two to three hours while spans keep arriving), so the cost of a map
 * grows with those hours' spans, not with the range.
 */
final class ServiceEdgeRollup {
  static final String EDGES = "service_edges_hourly";
  static final String RUNS = "service_edges_runs";

  static final long HOUR = HourlyRollup.HOUR_NANOS;

  /** A parent pairs with a child starting within this of it, as DuckDB's pairer: one hour. */
  static final long SLACK = ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS;

  /** How long after an hour's window closed the job first computes it (late spans). */
  static final long MARGIN = 10 * 60 * 1_000_000_000L;

  /** How far back the job computes hours (a week and a day: the default retention's). */
  static final long LOOKBACK = 8 * 24 * HOUR;

  /**
   * How long a stale hour waits after its latest computation before the job recomputes it: an hour
   * that keeps receiving spans (a backfill) is joined at read time meanwhile, and its computations
   * (a run row and a copy of its edges each, kept until retention) stay few.
   */
  static final long RECOMPUTE_AFTER = 10 * 60 * 1_000_000_000L;

  /** Separate query-time joins a read makes at most; beyond, it joins its whole range once. */
  static final int MAX_JOINS = 8;

  /** Joins per {@link #refresh}, newest hours first: bounds one pass of a large backlog. */
  static final int MAX_HOURS_PER_REFRESH = 24;

  private static final String SHARDING_KEY = "cityHash64(tenant, bucket_ns)";
  private static final JsonFactory JSON = JsonFactory.builder().build();

  static {
    if (SLACK % HOUR != 0) throw new AssertionError("the slack must be whole hours");
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServiceEdgeRollup.class);

  private final ClickHouseHttp http;
  private final AtomicLong hourlySince;
  private final boolean enabled;

  /**
   * @param http the storage's client (its settings: a cluster's synchronous distributed inserts)
   * @param hourlySince {@link ClickHouseSchema#hourlySince}: the span counts are complete from it
   * @param enabled false: never store nor read stored hours, join every range (replicated tables,
   *     where the count and the join of one computation, or a run and its edges, may come from
   *     replicas at different points of their replication: the count check would not hold)
   */
  ServiceEdgeRollup(ClickHouseHttp http, AtomicLong hourlySince, boolean enabled) {
    this.http = http;
    this.hourlySince = hourlySince;
    this.enabled = enabled;
  }

  /** The two tables (and, in a cluster, their {@code Distributed} tables), in creation order. */
  static List<String> statements(TableLayout layout, String lowCardinality) {
    String edges =
        "CREATE TABLE IF NOT EXISTS "
            + layout.local(EDGES)
            + " (day Date, tenant "
            + lowCardinality
            + ", bucket_ns UInt64, computed_ns UInt64, client "
            + lowCardinality
            + ", server "
            + lowCardinality
            + ", caller_kind UInt8, calls UInt64, errors UInt64, duration_sum_ns Int64"
            + ClickHouseSchema.histogramColumns(" UInt64")
            + ") ENGINE = "
            + layout.engine(EDGES, "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, bucket_ns, computed_ns, client, server,"
            + " caller_kind)";
    String runs =
        "CREATE TABLE IF NOT EXISTS "
            + layout.local(RUNS)
            + " (day Date, tenant "
            + lowCardinality
            + ", bucket_ns UInt64, computed_ns UInt64, window_spans UInt64, edges UInt64)"
            + " ENGINE = "
            + layout.engine(RUNS, "MergeTree", "")
            + " PARTITION BY day ORDER BY (tenant, bucket_ns, computed_ns)";
    if (!layout.clustered()) return List.of(edges, runs);
    return List.of(
        edges,
        runs,
        layout.distributed(EDGES, SHARDING_KEY),
        layout.distributed(RUNS, SHARDING_KEY));
  }

  // ---------------------------------------------------------------- reading

  /** How a range is answered: stored hours (with the computation to read) and ranges to join. */
  record Plan(Map<Long, Long> storedHours, List<long[]> joined) {}

  List<ServiceEdge> read(String tenant, long start, long end) {
    Plan plan = plan(tenant, start, end);
    Map<EdgeKey, Sums> sums = new TreeMap<>(EdgeKey.ORDER);
    if (!plan.storedHours().isEmpty()) add(sums, http.query(storedSql(tenant, plan.storedHours())));
    for (long[] r : plan.joined()) add(sums, http.query(joinSql(tenant, r[0], r[1])));
    List<ServiceEdge> out = new ArrayList<>(sums.size());
    sums.forEach((k, s) -> out.add(s.edge(k)));
    return out;
  }

  /** The range's whole hours that stored edges answer exactly; the rest, as ranges to join. */
  Plan plan(String tenant, long start, long end) {
    Plan joinAll = new Plan(Map.of(), end > start ? List.of(new long[] {start, end}) : List.of());
    if (!enabled) return joinAll;
    long[] whole = HourlyRollup.wholeHours(start, end, Days.saturatedAdd(hourlySince.get(), SLACK));
    if (whole == null) return joinAll;
    TreeMap<Long, Long> counts = new TreeMap<>();
    for (JsonNode r :
        http.query(countsSql(tenant, whole[0] - SLACK, Days.saturatedAdd(whole[1], SLACK)))) {
      counts.put(r.get("bucket_ns").asLong(), r.get("n").asLong());
    }
    // after the counts: retention (by any server) raises this before deleting, so counts read
    // after a delete are seen with the raised hour, and an hour it cut is never taken as empty
    long since = recordedSince();
    whole = HourlyRollup.wholeHours(start, end, Days.saturatedAdd(since, SLACK));
    if (whole == null) return joinAll;
    Map<Long, long[]> runs = new HashMap<>();
    for (JsonNode r : http.query(runsSql(tenant, whole[0], whole[1]))) {
      runs.put(r.get("bucket_ns").asLong(), new long[] {r.get("at").asLong(), r.get("w").asLong()});
    }
    Map<Long, Long> stored = new TreeMap<>();
    List<long[]> joined = new ArrayList<>();
    if (start < whole[0]) joined.add(new long[] {start, whole[0]});
    // only hours holding spans: an hour without any has no child, so no edge
    for (Map.Entry<Long, Long> e : counts.subMap(whole[0], whole[1]).entrySet()) {
      long h = e.getKey();
      if (e.getValue() == 0) continue;
      long[] run = runs.get(h);
      if (run != null && run[1] == window(counts, h)) {
        stored.put(h, run[0]);
      } else if (!joined.isEmpty() && joined.get(joined.size() - 1)[1] == h) {
        joined.get(joined.size() - 1)[1] = h + HOUR; // adjacent: one join
      } else {
        joined.add(new long[] {h, h + HOUR});
      }
    }
    if (whole[1] < end) {
      if (!joined.isEmpty() && joined.get(joined.size() - 1)[1] == whole[1]) {
        joined.get(joined.size() - 1)[1] = end;
      } else {
        joined.add(new long[] {whole[1], end});
      }
    }
    // many scattered stale hours: one join of the whole range costs less than a query each
    if (joined.size() > MAX_JOINS) return new Plan(Map.of(), List.of(new long[] {start, end}));
    return new Plan(stored, joined);
  }

  /**
   * The hour {@code span_metrics_hourly} is complete from, as recorded in the database: raised by
   * retention on whichever server runs it ({@link HourlyRollup#raiseForRetention}). Also raises
   * this server's copy, which its RED readers use.
   */
  private long recordedSince() {
    List<JsonNode> rows =
        http.query(
            "SELECT max(since_ns) AS s FROM rollup_since WHERE table_name = "
                + Sql.literal(HourlyRollup.TABLE));
    long recorded = rows.isEmpty() ? 0 : rows.get(0).get("s").asLong();
    return hourlySince.accumulateAndGet(recorded, Math::max);
  }

  /** The spans starting in the hours an hour's edges depend on. */
  private static long window(Map<Long, Long> counts, long hour) {
    long n = 0;
    long end = Days.saturatedAdd(hour, HOUR + SLACK);
    for (long h = hour - SLACK; h < end && h >= hour - SLACK; h += HOUR) {
      n += counts.getOrDefault(h, 0L);
    }
    return n;
  }

  private static String countsSql(String tenant, long from, long to) {
    return "SELECT bucket_ns, sum(requests) AS n FROM "
        + HourlyRollup.TABLE
        + " WHERE tenant = "
        + Sql.literal(tenant)
        + ClickHouseTraceReader.timeRange("bucket_ns", from, to)
        + " GROUP BY bucket_ns";
  }

  private static String runsSql(String tenant, long from, long to) {
    return "SELECT bucket_ns, max(computed_ns) AS at, argMax(window_spans, computed_ns) AS w FROM "
        + RUNS
        + " WHERE tenant = "
        + Sql.literal(tenant)
        + ClickHouseTraceReader.timeRange("bucket_ns", from, to)
        + " GROUP BY bucket_ns";
  }

  private static String storedSql(String tenant, Map<Long, Long> hours) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    StringBuilder in = new StringBuilder();
    for (Map.Entry<Long, Long> e : hours.entrySet()) {
      first = Math.min(first, e.getKey());
      last = Math.max(last, e.getKey());
      if (in.length() > 0) in.append(", ");
      in.append('(').append(e.getKey()).append(", ").append(e.getValue()).append(')');
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT client AS p_service, server AS c_service, caller_kind AS p_kind,"
                + " sum(calls) AS n_calls, sum(errors) AS n_errors, sum(duration_sum_ns) AS n_sum");
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      sql.append(", sum(d").append(i).append(") AS h").append(i);
    }
    return sql.append(" FROM ")
        .append(EDGES)
        .append(" WHERE tenant = ")
        .append(Sql.literal(tenant))
        .append(ClickHouseTraceReader.timeRange("bucket_ns", first, last + HOUR))
        .append(" AND (bucket_ns, computed_ns) IN (")
        .append(in)
        .append(") GROUP BY p_service, c_service, p_kind")
        .toString();
  }

  /**
   * The edges of the children starting in {@code [start, end)}: joined with the CLIENT and PRODUCER
   * spans starting within {@link #SLACK} of each child. The join key is a 64-bit hash of (trace id,
   * span id) — hashing and comparing one number instead of two strings: the service map of 24 hours
   * at 10 M spans 6.7 → 3.4 s (module README) — and each pair it makes is checked on the span id,
   * so a false edge needs two spans of different traces with equal span ids whose 64-bit hashes
   * with their trace ids also collide (negligible; the trace id itself is not compared, to keep the
   * strings out of the join's table). Each child's histogram bucket is computed in the join's left
   * side.
   */
  static String joinSql(String tenant, long start, long end) {
    String t = "tenant = " + Sql.literal(tenant);
    String children =
        "SELECT cityHash64(trace_id, parent_span_id) AS k, parent_span_id AS c_parent,"
            + " service AS c_service, status_code AS c_status, duration_ns AS c_duration,"
            + " start_ns AS c_start, "
            + ClickHouseSchema.histogramBucket("duration_ns")
            + " AS c_bucket FROM spans WHERE "
            + t
            + ClickHouseTraceReader.timeRange("start_ns", start, end)
            + " AND parent_span_id != ''";
    String parents =
        "SELECT cityHash64(trace_id, span_id) AS k, span_id AS p_span, service AS p_service,"
            + " kind AS p_kind, status_code AS p_status, start_ns AS p_start FROM spans WHERE "
            + t
            + ClickHouseTraceReader.timeRange(
                "start_ns",
                Days.bound(Days.saturatedAdd(start, -SLACK)),
                Days.saturatedAdd(end, SLACK))
            + " AND kind IN ("
            + SpanKind.CLIENT.ordinal()
            + ", "
            + SpanKind.PRODUCER.ordinal()
            + ")";
    StringBuilder histogram = new StringBuilder();
    for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
      histogram.append(", countIf(c_bucket = ").append(i).append(") AS h").append(i);
    }
    // the pair's starts within the slack, written without subtraction (UInt64 would wrap)
    return "SELECT p_service, c_service, p_kind, count() AS n_calls,"
        + " countIf(c_status = 2 OR p_status = 2) AS n_errors, sum(c_duration) AS n_sum"
        + histogram
        + " FROM ("
        + children
        + ") ALL INNER JOIN ("
        + parents
        + ") USING (k) WHERE c_parent = p_span AND p_service != c_service"
        + " AND p_start + "
        + SLACK
        + " >= c_start AND p_start <= c_start + "
        + SLACK
        + " GROUP BY p_service, c_service, p_kind ORDER BY p_service, c_service, p_kind";
  }

  // ---------------------------------------------------------------- the job

  /**
   * Computes the edges of every hour whose window closed at least {@link #MARGIN} before {@code
   * nowNanos} and has no exact computation yet (never computed, or spans written into its window
   * since), newest first, at most {@link #MAX_HOURS_PER_REFRESH}, for every tenant. Safe to run on
   * several servers at once.
   *
   * @return the hours computed
   */
  int refresh(long nowNanos) {
    return refresh(nowNanos, RECOMPUTE_AFTER);
  }

  /**
   * {@link #refresh(long)}, recomputing a stale hour only once its latest computation is {@code
   * recomputeAfterNanos} old (by this server's clock).
   */
  int refresh(long nowNanos, long recomputeAfterNanos) {
    if (!enabled) return 0;
    long last = Math.floorDiv(nowNanos - MARGIN - SLACK - HOUR, HOUR) * HOUR;
    long first =
        Math.max(
            Days.saturatedAdd(recordedSince(), SLACK),
            Math.floorDiv(nowNanos - LOOKBACK, HOUR) * HOUR);
    if (first > last) return 0;
    // the counts first: a span the join below reads but these miss makes the hour stale, never
    // wrong (see the class doc)
    Map<String, Map<Long, Long>> counts = new HashMap<>();
    for (JsonNode r :
        http.query(
            "SELECT tenant, bucket_ns, sum(requests) AS n FROM "
                + HourlyRollup.TABLE
                + " WHERE 1"
                + ClickHouseTraceReader.timeRange("bucket_ns", first - SLACK, last + HOUR + SLACK)
                + " GROUP BY tenant, bucket_ns")) {
      counts
          .computeIfAbsent(r.get("tenant").asText(), t -> new HashMap<>())
          .put(r.get("bucket_ns").asLong(), r.get("n").asLong());
    }
    Map<String, Map<Long, long[]>> computed = new HashMap<>();
    for (JsonNode r :
        http.query(
            "SELECT tenant, bucket_ns, argMax(window_spans, computed_ns) AS w,"
                + " max(computed_ns) AS at FROM "
                + RUNS
                + " WHERE 1"
                + ClickHouseTraceReader.timeRange("bucket_ns", first, last + HOUR)
                + " GROUP BY tenant, bucket_ns")) {
      computed
          .computeIfAbsent(r.get("tenant").asText(), t -> new HashMap<>())
          .put(r.get("bucket_ns").asLong(), new long[] {r.get("w").asLong(), r.get("at").asLong()});
    }
    long recent = System.currentTimeMillis() * 1_000_000L - recomputeAfterNanos;
    record Due(String tenant, long hour, long window) {}
    List<Due> due = new ArrayList<>();
    counts.forEach(
        (tenant, byHour) -> {
          Map<Long, long[]> done = computed.getOrDefault(tenant, Map.of());
          for (Map.Entry<Long, Long> e : byHour.entrySet()) {
            long h = e.getKey();
            if (h < first || h > last || e.getValue() == 0) continue;
            long window = window(byHour, h);
            long[] run = done.get(h);
            if (run == null || (run[0] != window && run[1] <= recent)) {
              due.add(new Due(tenant, h, window));
            }
          }
        });
    due.sort(Comparator.comparingLong(Due::hour).reversed());
    int n = 0;
    for (Due d : due) {
      if (n == MAX_HOURS_PER_REFRESH) break;
      try {
        compute(d.tenant(), d.hour(), d.window());
        n++;
      } catch (ClickHouseException e) {
        // one hour failing (a join over the memory limit) must not stop the others: it stays
        // joined at read time and is tried again next pass
        LOG.warn(
            "service map: hour {} of tenant {} not stored: {}",
            d.hour(),
            d.tenant(),
            e.getMessage());
      }
    }
    return n;
  }

  /** Joins one hour of one tenant and stores its edges, then the run that makes them readable. */
  private void compute(String tenant, long hour, long window) {
    List<JsonNode> edges = http.query(joinSql(tenant, hour, hour + HOUR));
    // the millisecond, and a random nanosecond part: two servers computing the same hour in the
    // same millisecond (their jobs start together) still get distinct computations (odds of a tie
    // one in a million then), which readers never mix
    long at =
        System.currentTimeMillis() * 1_000_000L + ThreadLocalRandom.current().nextLong(1_000_000L);
    String day = Days.of(hour);
    if (!edges.isEmpty()) {
      http.insert(
          "INSERT INTO " + EDGES + " FORMAT JSONEachRow",
          List.of(
              json(
                  g -> {
                    for (JsonNode r : edges) {
                      g.writeStartObject();
                      g.writeStringField("day", day);
                      g.writeStringField("tenant", tenant);
                      g.writeNumberField("bucket_ns", hour);
                      g.writeNumberField("computed_ns", at);
                      g.writeStringField("client", r.get("p_service").asText());
                      g.writeStringField("server", r.get("c_service").asText());
                      g.writeNumberField("caller_kind", r.get("p_kind").asInt());
                      g.writeNumberField("calls", r.get("n_calls").asLong());
                      g.writeNumberField("errors", r.get("n_errors").asLong());
                      g.writeNumberField("duration_sum_ns", r.get("n_sum").asLong());
                      for (int i = 0; i < DurationHistogram.BUCKETS; i++) {
                        g.writeNumberField("d" + i, r.get("h" + i).asLong());
                      }
                      g.writeEndObject();
                      g.writeRaw('\n');
                    }
                  })));
    }
    http.insert(
        "INSERT INTO " + RUNS + " FORMAT JSONEachRow",
        List.of(
            json(
                g -> {
                  g.writeStartObject();
                  g.writeStringField("day", day);
                  g.writeStringField("tenant", tenant);
                  g.writeNumberField("bucket_ns", hour);
                  g.writeNumberField("computed_ns", at);
                  g.writeNumberField("window_spans", window);
                  g.writeNumberField("edges", edges.size());
                  g.writeEndObject();
                  g.writeRaw('\n');
                })));
  }

  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- sums

  private record EdgeKey(String client, String server, int kind) {
    static final Comparator<EdgeKey> ORDER =
        Comparator.comparing(EdgeKey::client)
            .thenComparing(EdgeKey::server)
            .thenComparingInt(EdgeKey::kind);
  }

  private static final class Sums {
    long calls;
    long errors;
    long durationSum;
    final long[] histogram = new long[DurationHistogram.BUCKETS];

    ServiceEdge edge(EdgeKey k) {
      return new ServiceEdge(
          k.client(),
          k.server(),
          SpanKind.fromNumber(k.kind()),
          calls,
          errors,
          durationSum,
          DurationHistogram.of(histogram));
    }
  }

  private static void add(Map<EdgeKey, Sums> sums, List<JsonNode> rows) {
    for (JsonNode r : rows) {
      Sums s =
          sums.computeIfAbsent(
              new EdgeKey(
                  r.get("p_service").asText(),
                  r.get("c_service").asText(),
                  r.get("p_kind").asInt()),
              k -> new Sums());
      s.calls += r.get("n_calls").asLong();
      s.errors += r.get("n_errors").asLong();
      s.durationSum += r.get("n_sum").asLong();
      for (int i = 0; i < s.histogram.length; i++) s.histogram[i] += r.get("h" + i).asLong();
    }
  }
}
