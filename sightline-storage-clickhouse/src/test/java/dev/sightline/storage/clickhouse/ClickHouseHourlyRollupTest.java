package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.testing.TestObjects;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code span_metrics_hourly} ({@link HourlyRollup}): RED and the services list read through it
 * answer exactly what the 10-second rows answer, for totals, hourly steps and ranges cutting hours;
 * a store from before the table (schema version 3) reads its earlier hours from the 10-second rows,
 * since the view never saw those spans.
 */
class ClickHouseHourlyRollupTest {
  static ClickHouseServer server;

  static final long HOUR = HourlyRollup.HOUR_NANOS;
  static final long SECOND = 1_000_000_000L;

  @BeforeAll
  static void startServer() {
    server = ClickHouseServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  static ClickHouseStorage open(String database) {
    return ClickHouseStorage.builder().url(server.url()).database(database).build();
  }

  /** A reader of the same database that never uses the hourly rows: the oracle. */
  static ClickHouseSpanMetricsReader tenSecondsOnly(String database) {
    return oracle(server.url(), database);
  }

  /**
   * A reader of {@code database} at {@code url} that never reads an hourly table (RED by hour, the
   * service map's stored hours): it answers from the 10-second rows and joins spans at query time.
   */
  static ClickHouseSpanMetricsReader oracle(String url, String database) {
    return new ClickHouseSpanMetricsReader(
        ClickHouseHttp.create(URI.create(url), database, null, null, Duration.ofSeconds(60)),
        new AtomicLong(Long.MAX_VALUE));
  }

  /**
   * Spans every 97 seconds over {@code hours} hours from {@code from}, three services, errors and
   * durations varying, plus one span a nanosecond either side of each hour boundary.
   */
  static List<Span> spans(long from, int hours, int seed) {
    List<Span> out = new ArrayList<>();
    String[] services = {"cart", "checkout", "email"};
    int n = 0;
    for (long t = from; t < from + hours * HOUR; t += 97 * SECOND) {
      out.add(span(seed, n++, services[n % 3], "op" + (n % 4), t, n % 7 == 0, (n % 13) * 3));
    }
    for (long h = from; h <= from + hours * HOUR; h += HOUR) {
      out.add(span(seed, n++, "edge", "before", h - 1, false, 1));
      out.add(span(seed, n++, "edge", "after", h, true, 2));
    }
    return out;
  }

  static Span span(
      int seed, int n, String service, String op, long start, boolean error, long millis) {
    long id = seed * 1_000_000L + n;
    return TestObjects.span(
            TestObjects.TENANT,
            TestObjects.traceId(id),
            TestObjects.spanId(id),
            "",
            service,
            op,
            start,
            millis * 1_000_000L + 1)
        .toBuilder()
        .kind(n % 5 == 0 ? SpanKind.CLIENT : SpanKind.SERVER)
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

  /** Totals, hourly steps and 10 s steps, grouped three ways, over ranges on and off hours. */
  static List<SpanMetricsQuery> queries(long from, int hours) {
    List<SpanMetricsQuery> out = new ArrayList<>();
    long[][] ranges = {
      {from, from + hours * HOUR},
      {from - HOUR, from + (hours + 1) * HOUR},
      {from + 1, from + hours * HOUR - 1},
      {from + 25 * 60 * SECOND, from + 2 * HOUR + 7 * SECOND},
      {from + HOUR, from + 2 * HOUR},
      {from + 3 * SECOND, from + HOUR + 3 * SECOND},
    };
    for (long[] r : ranges) {
      for (SpanMetricsQuery.GroupBy g : SpanMetricsQuery.GroupBy.values()) {
        out.add(new SpanMetricsQuery(TestObjects.TENANT, null, null, Set.of(), r[0], r[1], 0, g));
        out.add(
            new SpanMetricsQuery(TestObjects.TENANT, null, null, Set.of(), r[0], r[1], HOUR, g));
        out.add(
            new SpanMetricsQuery(
                TestObjects.TENANT, null, null, Set.of(), r[0], r[1], 2 * HOUR, g));
        out.add(
            new SpanMetricsQuery(
                TestObjects.TENANT, null, null, Set.of(), r[0], r[1], 600 * SECOND, g));
      }
      out.add(
          new SpanMetricsQuery(
              TestObjects.TENANT,
              "cart",
              null,
              Set.of(SpanKind.SERVER),
              r[0],
              r[1],
              0,
              SpanMetricsQuery.GroupBy.OPERATION));
      out.add(
          new SpanMetricsQuery(
              TestObjects.TENANT,
              null,
              "op1",
              Set.of(),
              r[0],
              r[1],
              HOUR,
              SpanMetricsQuery.GroupBy.SERVICE));
    }
    return out;
  }

  static long hoursAgo(int hours) {
    return (System.currentTimeMillis() * 1_000_000L / HOUR - hours) * HOUR;
  }

  @Test
  void newStore_everyHourRolledUp_answersAsTheTenSecondRows() throws Exception {
    String database = server.newDatabase();
    long from = hoursAgo(6);
    List<Span> spans = spans(from, 4, 1);
    try (ClickHouseStorage storage = open(database)) {
      write(storage, spans);
      assertThat(storage.schema().hourlySince().get()).isZero();
      assertThat(sum(database, HourlyRollup.TABLE)).isEqualTo(spans.size());

      SpanMetricsReader hourly = storage.spanMetricsReader().orElseThrow();
      ClickHouseSpanMetricsReader oracle = tenSecondsOnly(database);
      for (SpanMetricsQuery q : queries(from, 4)) {
        List<SpanMetricsPoint> expected = oracle.query(q);
        assertThat(hourly.query(q)).as(q.toString()).isEqualTo(expected);
      }
      assertThat(total(hourly, from - HOUR, from + 6 * HOUR)).isEqualTo(spans.size());

      List<ServiceOperations> services =
          storage.traceReader().services(TestObjects.TENANT, from - HOUR, from + 5 * HOUR);
      assertThat(services)
          .extracting(ServiceOperations::service)
          .containsExactly("cart", "checkout", "edge", "email");
      assertThat(operations(storage, from, from + HOUR))
          .containsExactlyInAnyOrderElementsOf(scanned(database, from, from + HOUR));
      assertThat(operations(storage, from - 1, from + 2 * HOUR + 1))
          .containsExactlyInAnyOrderElementsOf(scanned(database, from - 1, from + 2 * HOUR + 1));
    }
  }

  @Test
  void storeFromBeforeTheRollup_readsItsEarlierHoursFromTheTenSecondRows() throws Exception {
    String database = server.newDatabase();
    long from = hoursAgo(8);
    List<Span> before = spans(from, 3, 2);
    try (ClickHouseStorage storage = open(database)) {
      write(storage, before);
    }
    // make it a version-3 store: no hourly table, view or record
    for (String t : List.of("span_metrics_hourly_mv", "span_metrics_hourly", "rollup_since")) {
      server.execute("DROP TABLE " + database + "." + t);
    }
    server.execute("DROP TABLE " + database + ".schema_migrations");
    server.execute(
        "CREATE TABLE "
            + database
            + ".schema_migrations (version UInt32, applied_at DateTime, server_version String)"
            + " ENGINE = MergeTree ORDER BY version");
    server.execute("INSERT INTO " + database + ".schema_migrations VALUES (3, now(), 'test')");

    long now = System.currentTimeMillis() * 1_000_000L;
    List<Span> after = spans(hoursAgo(2), 2, 3);
    try (ClickHouseStorage storage = open(database)) {
      // complete from the hour after the next one: the spans written before are not in it
      long recorded = storage.schema().hourlySince().get();
      long later = System.currentTimeMillis() * 1_000_000L;
      assertThat(recorded).isIn((now / HOUR + 2) * HOUR, (later / HOUR + 2) * HOUR);
      assertThat(sum(database, HourlyRollup.TABLE)).isZero();
      write(storage, after);
      assertThat(sum(database, HourlyRollup.TABLE)).isEqualTo(after.size());

      SpanMetricsReader reader = storage.spanMetricsReader().orElseThrow();
      ClickHouseSpanMetricsReader oracle = tenSecondsOnly(database);
      for (SpanMetricsQuery q : queries(from, 8)) {
        assertThat(reader.query(q)).as(q.toString()).isEqualTo(oracle.query(q));
      }
      assertThat(total(reader, from - HOUR, now + HOUR)).isEqualTo(before.size() + after.size());
      assertThat(operations(storage, from, from + 3 * HOUR))
          .containsExactlyInAnyOrderElementsOf(scanned(database, from, from + 3 * HOUR));

      // two hours later, as it were: the hours written since the migration come from the hourly
      // table, the older ones still from the 10-second rows, in one answer
      storage.schema().hourlySince().set(hoursAgo(1));
      for (SpanMetricsQuery q : queries(hoursAgo(3), 3)) {
        assertThat(reader.query(q)).as(q.toString()).isEqualTo(oracle.query(q));
      }
      for (SpanMetricsQuery q : queries(from, 8)) {
        assertThat(reader.query(q)).as(q.toString()).isEqualTo(oracle.query(q));
      }
      assertThat(total(reader, from - HOUR, now + HOUR)).isEqualTo(before.size() + after.size());
      assertThat(operations(storage, hoursAgo(3), now + HOUR))
          .containsExactlyInAnyOrderElementsOf(scanned(database, hoursAgo(3), now + HOUR));
    }
    // a second start keeps the recorded hour
    try (ClickHouseStorage first = open(database);
        ClickHouseStorage second = open(database)) {
      assertThat(second.schema().hourlySince().get())
          .isEqualTo(first.schema().hourlySince().get())
          .isGreaterThan(now);
    }
  }

  @Test
  void retentionCuttingAnHour_readsThatHourFromTheTenSecondRows() throws Exception {
    String database = server.newDatabase();
    long from = hoursAgo(6);
    List<Span> spans = spans(from, 4, 4);
    try (ClickHouseStorage storage = open(database)) {
      write(storage, spans);
      long cutoff = from + HOUR + 25 * 60 * SECOND; // on a 10-second bucket, inside an hour
      storage.deleteBefore(cutoff);

      assertThat(storage.schema().hourlySince().get()).isEqualTo(from + 2 * HOUR);
      long kept = spans.stream().filter(s -> s.startTimeUnixNano() >= cutoff).count();
      SpanMetricsReader reader = storage.spanMetricsReader().orElseThrow();
      ClickHouseSpanMetricsReader oracle = tenSecondsOnly(database);
      assertThat(total(oracle, from - HOUR, from + 6 * HOUR)).isEqualTo(kept);
      assertThat(total(reader, from - HOUR, from + 6 * HOUR)).isEqualTo(kept);
      for (SpanMetricsQuery q : queries(from, 4)) {
        assertThat(reader.query(q)).as(q.toString()).isEqualTo(oracle.query(q));
      }
      assertThat(operations(storage, from, from + 5 * HOUR))
          .containsExactlyInAnyOrderElementsOf(scanned(database, from, from + 5 * HOUR));
    }
    // recorded: a restart keeps reading the cut hour from the 10-second rows
    try (ClickHouseStorage storage = open(database)) {
      assertThat(storage.schema().hourlySince().get()).isEqualTo(from + 2 * HOUR);
    }
  }

  static long total(SpanMetricsReader reader, long from, long to) {
    long n = 0;
    for (SpanMetricsPoint p :
        reader.query(
            new SpanMetricsQuery(
                TestObjects.TENANT,
                null,
                null,
                Set.of(),
                from,
                to,
                0,
                SpanMetricsQuery.GroupBy.NONE))) {
      n += p.requests();
    }
    return n;
  }

  static long sum(String database, String table) {
    return Long.parseLong(
        server.execute("SELECT sum(requests) FROM " + database + "." + table).strip());
  }

  /** "service/operation/kind" of a range, from the reader. */
  static List<String> operations(ClickHouseStorage storage, long from, long to) {
    List<String> out = new ArrayList<>();
    for (ServiceOperations s : storage.traceReader().services(TestObjects.TENANT, from, to)) {
      for (ServiceOperations.Operation o : s.operations()) {
        out.add(s.service() + "/" + o.name() + "/" + o.spanKind());
      }
    }
    return out;
  }

  /** The same from a scan of the spans. */
  static List<String> scanned(String database, long from, long to) {
    String rows =
        server
            .execute(
                "SELECT DISTINCT service, name, kind FROM "
                    + database
                    + ".spans WHERE start_ns >= "
                    + from
                    + " AND start_ns < "
                    + to
                    + " ORDER BY service, name, kind FORMAT TSV")
            .strip();
    List<String> out = new ArrayList<>();
    if (rows.isEmpty()) return out;
    for (String line : rows.split("\n")) {
      String[] f = line.split("\t");
      out.add(f[0] + "/" + f[1] + "/" + SpanKind.fromNumber(Integer.parseInt(f[2])).name());
    }
    return out;
  }
}
