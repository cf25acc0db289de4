package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code span_metrics_hourly}: RED read through the hourly roll-up (totals, and hour-multiple steps
 * from an hour) equals RED summed from the 10-second rows, for ranges cutting hours anywhere, after
 * out-of-order writes, compaction, retention and the derivation at open of an older directory.
 */
class SpanMetricsHourlyTest {
  private static final long HOUR = SpanMetricsHourly.HOUR_NANOS;
  private static final long BUCKET = SpanMetricsReader.BUCKET_NANOS;

  @TempDir Path dir;

  private final Random random = new Random(11);
  private final long base = (TestObjects.NOW_NANOS / HOUR - 6) * HOUR;

  private void write(DuckDbStorage storage, int n, int idOffset) throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      spans.add(
          TestObjects.span(
                  TestObjects.TENANT,
                  TestObjects.traceId(idOffset + i),
                  String.format("%016x", idOffset + i + 1),
                  "",
                  "svc-" + random.nextInt(3),
                  "op-" + random.nextInt(3),
                  base + (long) (random.nextDouble() * 5 * HOUR),
                  (1 + random.nextInt(5_000)) * TestObjects.MILLI)
              .toBuilder()
              .kind(random.nextBoolean() ? SpanKind.SERVER : SpanKind.CLIENT)
              .status(random.nextInt(10) == 0 ? StatusCode.ERROR : StatusCode.UNSET, "")
              .build());
    }
    for (int i = 0; i < n; i += 41) {
      storage.writer().writeSpans(spans.subList(i, Math.min(n, i + 41))).get(30, TimeUnit.SECONDS);
    }
  }

  private static String key(SpanMetricsPoint p, long time) {
    return p.service() + "/" + p.operation() + "/" + p.spanKind() + "@" + time;
  }

  private static String value(SpanMetricsPoint p) {
    return p.requests()
        + " "
        + p.errors()
        + " "
        + p.durationSumNanos()
        + " "
        + Arrays.toString(p.durations().counts());
  }

  /** The same question through the roll-up and through 10-second steps summed in Java. */
  private void assertSame(DuckDbStorage storage, long start, long end, long step) {
    // the concrete reader: independent of how the storage exposes its optional capabilities
    SpanMetricsReader reader = new DuckDbSpanMetricsReader(storage.readers(), true);
    for (SpanMetricsQuery.GroupBy groupBy : SpanMetricsQuery.GroupBy.values()) {
      Map<String, String> viaHours = new TreeMap<>();
      for (SpanMetricsPoint p :
          reader.query(
              new SpanMetricsQuery(
                  TestObjects.TENANT, null, null, Set.of(), start, end, step, groupBy))) {
        viaHours.put(key(p, p.timeUnixNano()), value(p));
      }
      Map<String, SpanMetricsPoint> summed = new TreeMap<>();
      for (SpanMetricsPoint p :
          reader.query(
              new SpanMetricsQuery(
                  TestObjects.TENANT, null, null, Set.of(), start, end, BUCKET, groupBy))) {
        long slot = step == 0 ? start : start + (p.timeUnixNano() - start) / step * step;
        summed.merge(key(p, slot), p, SpanMetricsHourlyTest::add);
      }
      Map<String, String> expected = new TreeMap<>();
      summed.forEach((k, p) -> expected.put(k, value(p)));
      assertThat(viaHours)
          .as("[%s, %s) step %s %s", start - base, end - base, step, groupBy)
          .isEqualTo(expected);
    }
  }

  private static SpanMetricsPoint add(SpanMetricsPoint a, SpanMetricsPoint b) {
    long[] counts = a.durations().counts().clone();
    long[] other = b.durations().counts();
    for (int i = 0; i < counts.length; i++) counts[i] += other[i];
    return new SpanMetricsPoint(
        a.service(),
        a.operation(),
        a.spanKind(),
        a.timeUnixNano(),
        a.requests() + b.requests(),
        a.errors() + b.errors(),
        a.durationSumNanos() + b.durationSumNanos(),
        dev.sightline.core.storage.DurationHistogram.of(counts));
  }

  private void assertExact(DuckDbStorage storage) {
    assertSame(storage, base - HOUR, base + 24 * HOUR, 0);
    assertSame(storage, base + 7 * BUCKET, base + 4 * HOUR + 13 * BUCKET, 0);
    assertSame(storage, base + HOUR, base + 5 * HOUR, HOUR);
    assertSame(storage, base, base + 6 * HOUR, 2 * HOUR);
    for (int i = 0; i < 10; i++) {
      long a = base + random.nextInt(300) * BUCKET;
      assertSame(storage, a, a + (1 + random.nextInt(1_500)) * BUCKET, 0);
    }
  }

  @Test
  void rollUp_answersAsTheTenSecondRows_throughCompactionAndLateSpans() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 500, 0);
      assertExact(storage);
      storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE);
      assertThat(storage.compactSpanMetricsHourly(Long.MIN_VALUE, Long.MAX_VALUE)).isPositive();
      assertExact(storage);
      write(storage, 100, 1_000);
      assertExact(storage);
    }
  }

  @Test
  void retentionCuttingAnHour_andAnOlderDirectory_stayExact() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 400, 0);
      storage.deleteBefore(base + 2 * HOUR + 17 * BUCKET + 3);
      assertExact(storage);
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE span_metrics_hourly");
      s.execute("DELETE FROM sightline_meta WHERE key = '" + SpanMetricsHourly.SINCE_KEY + "'");
    }
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
    }
    // as an earlier version opening the directory in between: it appends and cuts 10-second rows
    // only (same schema version, so it accepts the directory), which the next open notices
    StoreSql.execute(
        dir,
        "INSERT INTO span_metrics SELECT * FROM span_metrics WHERE bucket_ns >= "
            + (base + 4 * HOUR)
            + " LIMIT 20",
        "DELETE FROM span_metrics WHERE bucket_ns < " + (base + 2 * HOUR + 40 * BUCKET));
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
    }
  }
}
