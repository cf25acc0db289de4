package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.testing.TestObjects;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service map by hour ({@link ServiceEdgeRollup}): read through stored hours, it answers
 * exactly what the query-time join answers, for ranges on and off hours; a span written into a
 * computed hour's window makes that hour joined again until the job recomputes it; retention
 * cutting an hour leaves the answers exact.
 */
class ClickHouseServiceMapRollupTest {
  static ClickHouseServer server;

  static final long HOUR = HourlyRollup.HOUR_NANOS;
  static final long MINUTE = 60_000_000_000L;
  static final long SECOND = 1_000_000_000L;

  /** 2025-11-02T00:00Z: the data's first hour. */
  static final long FROM = 1_762_041_600_000_000_000L;

  static final int HOURS = 6;

  @BeforeAll
  static void startServer() {
    server = ClickHouseServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  static ClickHouseStorage open(String database) {
    return ClickHouseStorage.builder()
        .url(server.url())
        .database(database)
        .serviceMapInterval(Duration.ZERO)
        .build();
  }

  /** A reader of the same database that always joins at query time: the oracle. */
  static ClickHouseSpanMetricsReader joinOnly(String database) {
    return ClickHouseHourlyRollupTest.oracle(server.url(), database);
  }

  /**
   * Traces every 41 s over {@link #HOURS} hours: web (SERVER, then a CLIENT call) → cart (SERVER,
   * then a PRODUCER) → mailer (CONSUMER up to 70 minutes later: across hours, and beyond the slack
   * for some), errors on either end now and then, and a callee that starts before its caller (clock
   * skew) around each hour boundary.
   */
  static List<Span> traffic(int seed) {
    Random random = new Random(seed);
    List<Span> out = new ArrayList<>();
    long n = seed * 10_000_000L;
    for (long t = FROM + 7 * SECOND; t < FROM + HOURS * HOUR; t += 41 * SECOND) {
      String trace = TestObjects.traceId(n);
      String root = TestObjects.spanId(n++);
      String call = TestObjects.spanId(n++);
      String cart = TestObjects.spanId(n++);
      String produce = TestObjects.spanId(n++);
      String consume = TestObjects.spanId(n++);
      boolean skew = Math.floorMod(t, HOUR) < 2 * MINUTE;
      out.add(span(trace, root, "", "web", "GET /", SpanKind.SERVER, t, 90, false));
      out.add(span(trace, call, root, "web", "POST cart", SpanKind.CLIENT, t + 1000, 80, false));
      out.add(
          span(
              trace,
              cart,
              call,
              "cart",
              "add",
              SpanKind.SERVER,
              skew ? t - 3 * MINUTE : t + 2000,
              1 + random.nextInt(5000),
              random.nextInt(23) == 0));
      out.add(span(trace, produce, cart, "cart", "publish", SpanKind.PRODUCER, t + 3000, 1, false));
      out.add(
          span(
              trace,
              consume,
              produce,
              "mailer",
              "send",
              SpanKind.CONSUMER,
              t + random.nextInt(70) * MINUTE,
              5 + random.nextInt(900),
              random.nextInt(31) == 0));
    }
    Collections.shuffle(out, random); // a pair's ends in different inserts, in either order
    return out;
  }

  static Span span(
      String trace,
      String id,
      String parent,
      String service,
      String name,
      SpanKind kind,
      long start,
      long millis,
      boolean error) {
    return TestObjects.span(
            TestObjects.TENANT, trace, id, parent, service, name, start, millis * 1_000_000L)
        .toBuilder()
        .kind(kind)
        .status(error ? StatusCode.ERROR : StatusCode.OK, error ? "failed" : "")
        .build();
  }

  static void write(ClickHouseStorage storage, List<Span> spans) throws Exception {
    for (int i = 0; i < spans.size(); i += 500) {
      storage
          .writer()
          .writeSpans(spans.subList(i, Math.min(spans.size(), i + 500)))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Ranges on hours, across them, inside one, and around the data. */
  static final long[][] RANGES = {
    {FROM, FROM + HOURS * HOUR},
    {FROM - HOUR, FROM + (HOURS + 2) * HOUR},
    {FROM + 1, FROM + HOURS * HOUR - 1},
    {FROM + 25 * MINUTE, FROM + 3 * HOUR + 7 * SECOND},
    {FROM + HOUR, FROM + 2 * HOUR},
    {FROM + 2 * HOUR, FROM + 5 * HOUR},
    {FROM + 3 * SECOND, FROM + HOUR + 3 * SECOND},
    {FROM + 4 * HOUR + 59 * MINUTE, FROM + 7 * HOUR},
  };

  static void assertAnswersAsTheJoin(
      ClickHouseStorage storage, ClickHouseSpanMetricsReader oracle) {
    for (long[] r : RANGES) {
      List<ServiceEdge> expected = oracle.serviceEdges(TestObjects.TENANT, r[0], r[1]);
      assertThat(
              storage
                  .spanMetricsReader()
                  .orElseThrow()
                  .serviceEdges(TestObjects.TENANT, r[0], r[1]))
          .as("range [%d, %d)", r[0] - FROM, r[1] - FROM)
          .isEqualTo(expected);
    }
  }

  /** A time by which every hour of the data (and the hour after it) is closed. */
  static long afterEverything() {
    return FROM + (HOURS + 4) * HOUR;
  }

  @Test
  void storedHours_answerAsTheJoin_aLateSpanMakesItsHoursJoinedUntilRecomputed() throws Exception {
    String database = server.newDatabase();
    try (ClickHouseStorage storage = open(database)) {
      List<Span> spans = traffic(1);
      write(storage, spans);
      ClickHouseSpanMetricsReader oracle = joinOnly(database);
      ServiceEdgeRollup rollup = storage.serviceEdges();
      List<ServiceEdge> all = oracle.serviceEdges(TestObjects.TENANT, FROM, FROM + HOURS * HOUR);
      assertThat(all)
          .extracting(e -> e.client() + ">" + e.server())
          .containsExactly("cart>mailer", "web>cart");
      assertThat(all.get(0).calls()).isLessThan(spans.size() / 5); // some beyond the slack
      assertThat(all.get(1).errors()).isPositive();

      // nothing computed yet: the whole range is joined
      assertThat(rollup.plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR).storedHours())
          .isEmpty();
      assertAnswersAsTheJoin(storage, oracle);

      // an hour whose window is still open is not computed; the ones before are: hours 0 and 1,
      // and the hour before the data (the skewed callees of hour 0's first traces)
      assertThat(rollup.refresh(FROM + 3 * HOUR + ServiceEdgeRollup.MARGIN)).isEqualTo(3);
      assertThat(rollup.refresh(afterEverything())).isGreaterThanOrEqualTo(HOURS - 2);
      assertThat(rollup.refresh(afterEverything())).isZero();
      ServiceEdgeRollup.Plan plan = rollup.plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR);
      assertThat(plan.storedHours()).hasSize(HOURS);
      assertThat(plan.joined()).isEmpty();
      assertAnswersAsTheJoin(storage, oracle);

      // a late pair whose child starts in hour 3: hours 2, 3 and 4 hold it in their windows
      long late = FROM + 3 * HOUR + 30 * MINUTE;
      String trace = TestObjects.traceId(99_000_000L);
      write(
          storage,
          List.of(
              span(
                  trace,
                  TestObjects.spanId(1),
                  "",
                  "web",
                  "GET /late",
                  SpanKind.CLIENT,
                  late,
                  9,
                  false),
              span(
                  trace,
                  TestObjects.spanId(2),
                  TestObjects.spanId(1),
                  "audit",
                  "record",
                  SpanKind.SERVER,
                  late + 1,
                  5,
                  true)));
      plan = rollup.plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR);
      assertThat(plan.storedHours().keySet())
          .containsExactlyInAnyOrder(FROM, FROM + HOUR, FROM + 5 * HOUR);
      assertThat(plan.joined()).hasSize(1);
      assertThat(plan.joined().get(0)).containsExactly(FROM + 2 * HOUR, FROM + 5 * HOUR);
      assertAnswersAsTheJoin(storage, oracle);
      assertThat(
              storage
                  .spanMetricsReader()
                  .orElseThrow()
                  .serviceEdges(TestObjects.TENANT, FROM, FROM + HOURS * HOUR))
          .extracting(e -> e.client() + ">" + e.server() + ":" + e.calls() + "/" + e.errors())
          .contains("web>audit:1/1");

      // computed a moment ago: a stale hour waits before it is recomputed (joined meanwhile)
      assertThat(rollup.refresh(afterEverything())).isZero();
      assertThat(rollup.refresh(afterEverything(), 0)).isEqualTo(3);
      plan = rollup.plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR);
      assertThat(plan.storedHours()).hasSize(HOURS);
      assertThat(plan.joined()).isEmpty();
      assertAnswersAsTheJoin(storage, oracle);
    }
  }

  @Test
  void severalServersComputingAtOnce_theLatestComputationIsRead_retentionCuttingAnHour()
      throws Exception {
    String database = server.newDatabase();
    try (ClickHouseStorage a = open(database);
        ClickHouseStorage b = open(database)) {
      write(a, traffic(2));
      write(b, traffic(3));
      ClickHouseSpanMetricsReader oracle = joinOnly(database);
      // two servers' jobs at once: some hours computed twice, every hour at least once
      CompletableFuture<Integer> byA =
          CompletableFuture.supplyAsync(() -> a.serviceEdges().refresh(afterEverything()));
      int byB = b.serviceEdges().refresh(afterEverything());
      assertThat(byA.get(60, TimeUnit.SECONDS) + byB).isGreaterThanOrEqualTo(HOURS);
      assertThat(a.serviceEdges().refresh(afterEverything())).isZero();
      assertAnswersAsTheJoin(a, oracle);

      // an earlier computation of every hour with the same window but other sums: never read
      server.execute(
          "INSERT INTO "
              + database
              + ".service_edges_hourly SELECT day, tenant, bucket_ns, computed_ns - 1, client,"
              + " server, caller_kind, calls * 2 + 1, errors, duration_sum_ns"
              + ClickHouseSchema.histogramColumns("")
              + " FROM "
              + database
              + ".service_edges_hourly");
      server.execute(
          "INSERT INTO "
              + database
              + ".service_edges_runs SELECT day, tenant, bucket_ns, computed_ns - 1,"
              + " window_spans, edges FROM "
              + database
              + ".service_edges_runs");
      assertAnswersAsTheJoin(a, oracle);
      assertThat(a.serviceEdges().plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR).joined())
          .isEmpty();

      long cutoff = FROM + 2 * HOUR + 20 * MINUTE;
      a.deleteBefore(cutoff);
      ServiceEdgeRollup.Plan plan =
          a.serviceEdges().plan(TestObjects.TENANT, FROM, FROM + HOURS * HOUR);
      // the cut hour and the one after it (whose window holds it) are joined
      assertThat(plan.storedHours()).isNotEmpty();
      assertThat(plan.storedHours().keySet()).allMatch(h -> h >= FROM + 4 * HOUR);
      assertAnswersAsTheJoin(a, oracle);
      // and so on the other server, which did not run the retention: it reads the raised hour
      assertAnswersAsTheJoin(b, oracle);
    }
  }
}
