package dev.sightline.storage.duckdb;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merging the RED rows of separate commit groups keeps every sum, histogram count and bucket, also
 * while spans are being written.
 */
class SpanMetricsCompactionTest {
  static final long SECOND = 1_000_000_000L;
  static final long T0 = NOW_NANOS - 30 * 60 * SECOND;

  @TempDir Path dir;
  final AtomicLong ids = new AtomicLong(1);

  DuckDbStorage open() {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .derivedFlushInterval(Duration.ZERO)
        .compactionInterval(Duration.ZERO)
        .build();
  }

  /** {@code n} spans of three series over two buckets, durations and errors varying. */
  List<Span> spans(int n, long start) {
    List<Span> out = new ArrayList<>();
    String[] ops = {"GET /a", "GET /b", "Query"};
    for (int i = 0; i < n; i++) {
      long id = ids.getAndIncrement();
      out.add(
          TestObjects.span(
                  TENANT,
                  TestObjects.traceId(id),
                  TestObjects.spanId(id),
                  "",
                  i % 3 == 2 ? "db" : "web",
                  ops[i % 3],
                  start + (i % 20) * SECOND,
                  (1 + i % 7) * 30 * MILLI)
              .toBuilder()
              .kind(i % 3 == 2 ? SpanKind.CLIENT : SpanKind.SERVER)
              .status(i % 5 == 0 ? StatusCode.ERROR : StatusCode.OK, "")
              .build());
    }
    return out;
  }

  static List<SpanMetricsPoint> red(DuckDbStorage storage) {
    return storage
        .spanMetricsReader()
        .orElseThrow()
        .query(
            new SpanMetricsQuery(
                TENANT,
                null,
                null,
                Set.of(),
                T0 - 60 * SECOND,
                T0 + 120 * SECOND,
                10 * SECOND,
                SpanMetricsQuery.GroupBy.OPERATION));
  }

  @Test
  void mergedRows_giveTheSameRed_andASecondPassHasNothingToMerge() throws Exception {
    try (DuckDbStorage storage = open()) {
      for (int w = 0; w < 40; w++)
        storage.writer().writeSpans(spans(30, T0)).get(30, TimeUnit.SECONDS);
      List<SpanMetricsPoint> before = red(storage);

      long fewer = storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE);

      // 40 commits wrote a row per series and bucket each: 39 of every 40 go
      assertThat(fewer).isPositive().isEqualTo(39L * (fewer / 39));
      assertThat(red(storage)).containsExactlyElementsOf(before);
      assertThat(storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
      // a late span for a merged bucket adds a row, merged by the next pass
      storage.writer().writeSpans(spans(3, T0)).get(30, TimeUnit.SECONDS);
      List<SpanMetricsPoint> withLate = red(storage);
      assertThat(storage.compactSpanMetrics(T0, T0 + 20 * SECOND)).isPositive();
      assertThat(storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
      assertThat(red(storage)).containsExactlyElementsOf(withLate);
    }
  }

  @Test
  void scheduledPasses_alsoMergeOldBucketsThatLateSpansTouched() throws Exception {
    // bucket-aligned, so each commit's three spans share one 10 s bucket
    long wallNow = System.currentTimeMillis() / 10_000 * 10_000 * 1_000_000L;
    try (DuckDbStorage storage =
        DuckDbStorage.builder()
            .dataDir(dir)
            .derivedFlushInterval(Duration.ZERO)
            .compactionInterval(Duration.ofMillis(50))
            .build()) {
      // two commits of recent spans; the first passes merge them, so later passes look back an
      // hour only
      for (int w = 0; w < 2; w++) {
        storage.writer().writeSpans(spans(3, wallNow - 5 * 60 * SECOND)).get(30, TimeUnit.SECONDS);
      }
      long recentSeries = 3;
      awaitRows(storage, recentSeries);

      // a back-fill two days old, in five commits: a row per series and commit at first
      long old = wallNow - 2 * 24 * 3600 * SECOND;
      for (int w = 0; w < 5; w++) {
        storage.writer().writeSpans(spans(3, old)).get(30, TimeUnit.SECONDS);
      }
      awaitRows(storage, recentSeries + 3);
    }
  }

  /** Waits until compaction has brought {@code span_metrics} down to {@code rows} rows. */
  static void awaitRows(DuckDbStorage storage, long rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (storage.spanMetricsRows() != rows) {
      assertThat(System.nanoTime())
          .as("span_metrics rows %d, expected %d after compaction", storage.spanMetricsRows(), rows)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void onlyTheGivenBucketsAreMerged() throws Exception {
    try (DuckDbStorage storage = open()) {
      for (int w = 0; w < 5; w++)
        storage.writer().writeSpans(spans(30, T0)).get(30, TimeUnit.SECONDS);

      List<SpanMetricsPoint> before = red(storage);
      // the first bucket only: its rows are merged, the second bucket's are left for later
      long first = storage.compactSpanMetrics(T0, T0 + 10 * SECOND);
      assertThat(first).isPositive().isEqualTo(4L * (first / 4)); // 5 rows per series → 1
      assertThat(storage.compactSpanMetrics(T0, T0 + 10 * SECOND)).isZero();
      assertThat(storage.compactSpanMetrics(T0 + 10 * SECOND, T0 + 20 * SECOND)).isPositive();
      assertThat(storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
      assertThat(red(storage)).containsExactlyElementsOf(before);
    }
  }

  @Test
  void compactingWhileWriting_losesAndDoublesNothing() throws Exception {
    try (DuckDbStorage storage = open()) {
      AtomicLong written = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int w = 0; w < 200; w++) {
                    storage.writer().writeSpans(spans(30, T0)).get(30, TimeUnit.SECONDS);
                    written.addAndGet(30);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      int passes = 0;
      int failed = 0;
      while (writer.isAlive()) {
        try {
          storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE);
          passes++;
        } catch (StorageException conflict) {
          failed++; // a conflict with a commit: the scheduled job retries at its next pass
        }
      }
      writer.join();
      storage.compactSpanMetrics(Long.MIN_VALUE, Long.MAX_VALUE);

      long requests = red(storage).stream().mapToLong(SpanMetricsPoint::requests).sum();
      assertThat(written.get()).isEqualTo(6000);
      assertThat(requests).as("passes %d, failed %d", passes, failed).isEqualTo(written.get());
      assertThat(passes).isPositive();
    }
  }
}
