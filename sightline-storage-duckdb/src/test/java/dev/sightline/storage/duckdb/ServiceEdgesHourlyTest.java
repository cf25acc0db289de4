package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service_edges_hourly}: the service map over ranges with whole hours (read through the
 * roll-up) equals the same map summed from the 10-second rows and the query-time join over spans,
 * for ranges cutting hours anywhere, after late spans, compaction, retention cutting an hour, the
 * derivation at open of a directory of an earlier version and a flag switched off and on.
 */
class ServiceEdgesHourlyTest {
  private static final long HOUR = HourlyRollup.HOUR_NANOS;
  private static final long BUCKET = SpanMetricsReader.BUCKET_NANOS;
  private static final List<String> SERVICES = List.of("frontend", "order", "payment", "auth");

  @TempDir Path dir;

  private final Random random = new Random(17);
  private final long base = (TestObjects.NOW_NANOS / HOUR - 7) * HOUR;

  /** {@code n} two-span traces (a caller and its callee in another service) over five hours. */
  private void write(DuckDbStorage storage, int n, int traceOffset) throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int client = random.nextInt(SERVICES.size());
      int server = (client + 1 + random.nextInt(SERVICES.size() - 1)) % SERVICES.size();
      long start = base + (long) (random.nextDouble() * 5 * HOUR);
      long childDuration = (1 + random.nextInt(3_000)) * TestObjects.MILLI;
      String trace = TestObjects.traceId(traceOffset + i);
      boolean producer = random.nextInt(4) == 0;
      spans.add(
          TestObjects.span(
                  TestObjects.TENANT,
                  trace,
                  TestObjects.spanId(1),
                  "",
                  SERVICES.get(client),
                  "call",
                  start,
                  childDuration + 2 * TestObjects.MILLI)
              .toBuilder()
              .kind(producer ? SpanKind.PRODUCER : SpanKind.CLIENT)
              .status(random.nextInt(12) == 0 ? StatusCode.ERROR : StatusCode.UNSET, "")
              .build());
      spans.add(
          TestObjects.span(
                  TestObjects.TENANT,
                  trace,
                  TestObjects.spanId(2),
                  TestObjects.spanId(1),
                  SERVICES.get(server),
                  "handle",
                  start + TestObjects.MILLI,
                  childDuration)
              .toBuilder()
              .kind(producer ? SpanKind.CONSUMER : SpanKind.SERVER)
              .status(random.nextInt(9) == 0 ? StatusCode.ERROR : StatusCode.UNSET, "")
              .build());
    }
    // out of order across hours, and the two ends of a pair often in separate commits
    java.util.Collections.shuffle(spans, random);
    for (int i = 0; i < spans.size(); i += 41) {
      storage
          .writer()
          .writeSpans(spans.subList(i, Math.min(spans.size(), i + 41)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static String key(ServiceEdge e) {
    return e.client() + " -> " + e.server() + " " + e.callerKind();
  }

  private static long[] values(ServiceEdge e) {
    long[] v = new long[3 + e.durations().counts().length];
    v[0] = e.calls();
    v[1] = e.errors();
    v[2] = e.durationSumNanos();
    System.arraycopy(e.durations().counts(), 0, v, 3, e.durations().counts().length);
    return v;
  }

  private static Map<String, String> map(List<ServiceEdge> edges) {
    Map<String, long[]> sums = new TreeMap<>();
    for (ServiceEdge e : edges) {
      sums.merge(
          key(e),
          values(e),
          (a, b) -> {
            long[] s = a.clone();
            for (int i = 0; i < s.length; i++) s[i] += b[i];
            return s;
          });
    }
    Map<String, String> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, Arrays.toString(v)));
    return out;
  }

  /** The map through the roll-up, and summed from pieces of half an hour (no whole hour in any). */
  private void assertSame(DuckDbStorage storage, long start, long end) {
    SpanMetricsReader reader = new DuckDbSpanMetricsReader(storage.readers(), true);
    List<ServiceEdge> pieces = new ArrayList<>();
    for (long from = start; from < end; from += HOUR / 2) {
      pieces.addAll(reader.serviceEdges(TestObjects.TENANT, from, Math.min(end, from + HOUR / 2)));
    }
    Map<String, String> viaHours = map(reader.serviceEdges(TestObjects.TENANT, start, end));
    assertThat(viaHours).as("[%s, %s)", start - base, end - base).isEqualTo(map(pieces));
  }

  private void assertExact(DuckDbStorage storage) {
    assertSame(storage, base - HOUR, base + 24 * HOUR);
    assertSame(storage, base + 7 * BUCKET, base + 4 * HOUR + 13 * BUCKET);
    assertSame(storage, base + HOUR, base + 3 * HOUR);
    for (int i = 0; i < 8; i++) {
      long a = base + random.nextInt(300) * BUCKET;
      assertSame(storage, a, a + (1 + random.nextInt(1_800)) * BUCKET);
    }
  }

  /** The map the query-time join over stored spans gives. */
  private static Map<String, String> joined(DuckDbStorage storage, long start, long end) {
    return map(
        new DuckDbSpanMetricsReader(storage.readers(), false)
            .serviceEdges(TestObjects.TENANT, start, end));
  }

  /** The map the storage's own reader gives. */
  private static Map<String, String> stored(DuckDbStorage storage, long start, long end) {
    return map(
        storage.spanMetricsReader().orElseThrow().serviceEdges(TestObjects.TENANT, start, end));
  }

  /** Rows of {@code service_edges_hourly}, after checking that each starts on an hour. */
  private static long hourlyRows(DuckDbStorage storage) {
    return storage
        .readers()
        .run(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*), count(*) FILTER (WHERE bucket_ns % "
                              + HOUR
                              + " <> 0) FROM service_edges_hourly")) {
                rs.next();
                assertThat(rs.getLong(2)).as("hourly rows off the hour").isZero();
                return rs.getLong(1);
              }
            });
  }

  @Test
  void rollUp_answersAsTheTenSecondRowsAndTheJoin_throughCompactionAndLateSpans() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 400, 0);
      assertExact(storage);
      long all = base + 6 * HOUR;
      assertThat(stored(storage, base, all)).isNotEmpty().isEqualTo(joined(storage, base, all));
      long before = hourlyRows(storage);
      storage.compactServiceEdges(Long.MIN_VALUE, Long.MAX_VALUE);
      assertThat(storage.compactServiceEdgesHourly(Long.MIN_VALUE, Long.MAX_VALUE)).isPositive();
      assertThat(hourlyRows(storage)).isLessThan(before);
      assertExact(storage);
      write(storage, 100, 1_000);
      assertExact(storage);
      assertThat(stored(storage, base, all)).isEqualTo(joined(storage, base, all));
      // retention at the end of the time line takes the hours too
      storage.deleteBefore(Long.MAX_VALUE);
      assertThat(hourlyRows(storage)).isZero();
      assertThat(stored(storage, base, all)).isEmpty();
    }
  }

  @Test
  void retentionCuttingAnHour_anEarlierVersionsDirectory_andTheFlagOffThenOn_stayExact()
      throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 300, 0);
      storage.deleteBefore(base + 2 * HOUR + 17 * BUCKET + 3);
      assertExact(storage);
    }
    // as a directory of a version that kept service_edges without the hourly roll-up
    StoreSql.execute(
        dir,
        "DROP TABLE service_edges_hourly",
        "DELETE FROM sightline_meta WHERE key = '" + ServiceEdges.SERVICE_EDGES_HOURLY_SINCE + "'");
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertThat(hourlyRows(storage)).isPositive();
      assertExact(storage);
    }
    // as an earlier version opening the directory in between: it appends and cuts 10-second rows
    // only (same schema version, so it accepts the directory), which the next open notices
    StoreSql.execute(
        dir,
        "INSERT INTO service_edges SELECT * FROM service_edges WHERE bucket_ns >= "
            + (base + 4 * HOUR)
            + " LIMIT 20",
        "DELETE FROM service_edges WHERE bucket_ns < " + (base + 2 * HOUR + 40 * BUCKET));
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
    }
    try (DuckDbStorage storage = DuckDbStorageTest.openWithoutEdgesAtIngest(dir)) {
      write(storage, 50, 2_000);
      assertThat(hourlyRows(storage)).isZero();
    }
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertExact(storage);
      long from = base + 3 * HOUR;
      assertThat(stored(storage, from, base + 6 * HOUR))
          .isNotEmpty()
          .isEqualTo(joined(storage, from, base + 6 * HOUR));
    }
  }
}
