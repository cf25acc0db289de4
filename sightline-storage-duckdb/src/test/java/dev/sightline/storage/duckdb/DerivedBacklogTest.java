package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The derived tables written behind the spans ({@link DerivedBacklog}): whatever the moment the
 * backlog is written — every group, on a reader's demand, after a stop that left it unwritten and
 * the next open derived it again, around failed groups — they hold exactly what the stored spans
 * derive, once. Compared table by table, in canonical form, with a store that wrote them with every
 * group.
 */
class DerivedBacklogTest {
  @TempDir Path dir;

  private static final long START = TestObjects.NOW_NANOS - Duration.ofHours(2).toNanos();

  /** Traces of the generator: several services, attributes, errors; spread over two hours. */
  private static List<List<Span>> traces(int n, long seed) {
    TelemetryGenerator g =
        TelemetryGenerator.builder()
            .seed(seed)
            .tenant(TestObjects.TENANT)
            .startTimeUnixNano(START)
            .traceInterval(Duration.ofSeconds(37))
            .errorRate(0.1)
            .build();
    List<List<Span>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(g.nextTrace());
    return out;
  }

  private static DuckDbStorage open(Path dir, Duration flushInterval) {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .memoryLimit("1GB")
        .threads(2)
        .compactionInterval(Duration.ZERO)
        .derivedFlushInterval(flushInterval)
        .derivedFlushSpans(1_000_000)
        .build();
  }

  private static void write(DuckDbStorage storage, List<List<Span>> traces) throws Exception {
    for (List<Span> t : traces) storage.writer().writeSpans(t).get(30, TimeUnit.SECONDS);
  }

  private static int spans(List<List<Span>> traces) {
    return traces.stream().mapToInt(List::size).sum();
  }

  /** Every derived table in a form that does not depend on how its rows were grouped. */
  private static Map<String, List<String>> derived(Path dir) throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String table : List.of("span_metrics", "span_metrics_hourly")) {
      out.put(
          table,
          StoreSql.rows(
              dir,
              "SELECT tenant, bucket_ns, service, operation, kind, status_code, sum(requests),"
                  + " sum(errors), sum(duration_sum_ns), sum(list_sum(durations)) FROM "
                  + table
                  + " GROUP BY ALL ORDER BY ALL"));
    }
    out.put(
        "trace_summaries",
        StoreSql.rows(
            dir,
            "SELECT tenant, trace_id, min(start_ns), max(last_start_ns), max(end_ns),"
                + " list_sort(list_distinct(flatten(list(span_ids))))::VARCHAR,"
                + " list_sort(list_distinct(flatten(list(error_span_ids))))::VARCHAR,"
                + " list_sort(list_distinct(flatten(list(services))))::VARCHAR"
                + " FROM trace_summaries GROUP BY ALL ORDER BY ALL"));
    out.put(
        "attribute_index",
        StoreSql.rows(
            dir,
            "SELECT tenant, key, value, trace_id, min(first_ns), max(last_ns)"
                + " FROM attribute_index GROUP BY ALL ORDER BY ALL"));
    out.put(
        "service_operations",
        StoreSql.rows(
            dir,
            "SELECT tenant, hour, service, operation, kind, min(first_ns), max(last_ns)"
                + " FROM service_operations GROUP BY ALL ORDER BY ALL"));
    out.put(
        "span_blocks",
        StoreSql.rows(
            dir,
            "SELECT tenant, sum(spans) FROM (SELECT DISTINCT tenant, block, spans FROM"
                + " span_blocks) GROUP BY ALL ORDER BY ALL"));
    return out;
  }

  private static List<TraceSummary> search(DuckDbStorage storage, String service) {
    return storage
        .traceReader()
        .searchTraces(
            new TraceQuery(
                TestObjects.TENANT,
                service,
                null,
                null,
                null,
                false,
                Map.of(),
                START - Duration.ofHours(1).toNanos(),
                TestObjects.NOW_NANOS + Duration.ofHours(2).toNanos(),
                1_000));
  }

  @Test
  void aStopThatLeftTheBacklogUnwritten_isDerivedAgainAtOpen_exactlyOnce() throws Exception {
    List<List<Span>> first = traces(60, 1);
    List<List<Span>> second = traces(80, 2);
    Path control = dir.resolve("control");
    try (DuckDbStorage storage = open(control, Duration.ZERO)) {
      write(storage, first);
      write(storage, second);
    }
    Path stopped = dir.resolve("stopped");
    try (DuckDbStorage storage = open(stopped, Duration.ofHours(1))) {
      write(storage, first);
      // a reader of derived rows has the backlog written first
      assertThat(search(storage, "frontend")).isNotEmpty();
      write(storage, second);
      storage.groupCommitWriter().skipFinalDerivedFlush = true;
    }
    // as a killed process leaves it: every span stored, the second part's derived rows not
    assertThat(StoreSql.count(stopped, "SELECT count(*) FROM spans"))
        .isEqualTo(spans(first) + spans(second));
    assertThat(StoreSql.count(stopped, "SELECT sum(requests) FROM span_metrics"))
        .isEqualTo(spans(first));
    assertThat(derived(stopped)).isNotEqualTo(derived(control));

    try (DuckDbStorage storage = open(stopped, Duration.ofHours(1))) {
      assertThat(search(storage, "frontend")).hasSize(first.size() + second.size());
    }
    assertThat(derived(stopped)).isEqualTo(derived(control));
    // opened again: nothing derived twice
    try (DuckDbStorage storage = open(stopped, Duration.ofHours(1))) {
      assertThat(storage.writer()).isNotNull();
    }
    assertThat(derived(stopped)).isEqualTo(derived(control));
    assertThat(StoreSql.count(stopped, "SELECT sum(requests) FROM span_metrics"))
        .isEqualTo(spans(first) + spans(second));
  }

  @Test
  void aSlowWriteOfDerivedRows_holdsBackNoGroupBehindIt() throws Exception {
    List<List<Span>> traces = traces(40, 11);
    Path control = dir.resolve("control");
    try (DuckDbStorage storage = open(control, Duration.ZERO)) {
      write(storage, traces);
    }
    Path held = dir.resolve("held");
    // every group's derived rows are due at once, and the first write of them is held up
    try (DuckDbStorage storage = open(held, Duration.ofMillis(1))) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      storage.groupCommitWriter().derivedWriter().beforeWrite =
          () -> {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      storage.writer().writeSpans(traces.get(0)).get(30, TimeUnit.SECONDS);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      // the committer goes on: the next writes are stored and acknowledged meanwhile (the
      // committer waiting for the held write, as when it wrote the backlog itself, fails this)
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (List<Span> t : traces.subList(1, traces.size())) {
        writes.add(storage.writer().writeSpans(t));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(release.getCount()).isEqualTo(1);
      List<Span> last = traces.get(traces.size() - 1);
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, last.get(0).traceId()))
          .hasSize(last.size());
      storage.groupCommitWriter().derivedWriter().beforeWrite = null;
      release.countDown();
      // and a reader still sees every acknowledged write in the derived tables
      assertThat(search(storage, "frontend")).hasSize(traces.size());
    }
    assertThat(derived(held)).isEqualTo(derived(control));
  }

  @Test
  void aLargeGroupWritesItsOwnRows_smallOnesAroundItAreDerivedAgainAfterAStop() throws Exception {
    List<List<Span>> before = traces(20, 7);
    // one write above GroupCommitWriter.INLINE_SPANS: its group appends its derived rows itself
    List<Span> large = new ArrayList<>();
    List<List<Span>> largeTraces = new ArrayList<>();
    for (List<Span> t : traces(3_000, 8)) {
      if (large.size() >= GroupCommitWriter.INLINE_SPANS) break;
      large.addAll(t);
      largeTraces.add(t);
    }
    List<List<Span>> after = traces(20, 9);
    Path control = dir.resolve("control");
    try (DuckDbStorage storage = open(control, Duration.ZERO)) {
      write(storage, before);
      write(storage, largeTraces);
      write(storage, after);
    }
    Path stopped = dir.resolve("stopped");
    try (DuckDbStorage storage = open(stopped, Duration.ofHours(1))) {
      write(storage, before);
      storage.writer().writeSpans(large).get(30, TimeUnit.SECONDS);
      write(storage, after);
      storage.groupCommitWriter().skipFinalDerivedFlush = true;
    }
    // the large group wrote its own derived rows; the small ones around it wait
    assertThat(StoreSql.count(stopped, "SELECT sum(requests) FROM span_metrics"))
        .isEqualTo(large.size());
    assertThat(StoreSql.count(stopped, "SELECT count(*) FROM spans WHERE ingest_seq IS NULL"))
        .isEqualTo(large.size());
    try (DuckDbStorage storage = open(stopped, Duration.ofHours(1))) {
      assertThat(storage.writer()).isNotNull();
    }
    assertThat(derived(stopped)).isEqualTo(derived(control));
  }

  @Test
  void aWriteAcknowledged_isInTheNextSearch_thoughTheBacklogWouldWaitAnHour() throws Exception {
    try (DuckDbStorage storage = open(dir, Duration.ofHours(1))) {
      List<List<Span>> traces = traces(5, 3);
      for (int i = 0; i < traces.size(); i++) {
        storage.writer().writeSpans(traces.get(i)).get(30, TimeUnit.SECONDS);
        assertThat(search(storage, "frontend")).hasSize(i + 1);
      }
    }
  }

  @Test
  void failedGroups_retriedAlone_countEachStoredSpanOnce() throws Exception {
    Path control = dir.resolve("control");
    Path failing = dir.resolve("failing");
    List<List<Span>> traces = traces(90, 4);
    List<List<Span>> stored = new ArrayList<>();
    try (DuckDbStorage storage = open(failing, Duration.ofHours(1))) {
      storage.groupCommitWriter().beforeCommit =
          rows -> {
            if (rows.stream().anyMatch(r -> r.span().name().equals("poison"))) {
              throw new IllegalStateException("injected failure");
            }
          };
      // all in flight at once, so groups hold several writes and the poisoned fail theirs
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < traces.size(); i++) {
        List<Span> t = traces.get(i);
        if (i % 9 == 4) {
          List<Span> poisoned = new ArrayList<>(t);
          poisoned.set(0, t.get(0).toBuilder().name("poison").build());
          t = poisoned;
        } else {
          stored.add(t);
        }
        writes.add(storage.writer().writeSpans(t));
      }
      int failed = 0;
      for (CompletableFuture<Void> w : writes) {
        try {
          w.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          failed++;
        }
      }
      assertThat(failed).isEqualTo(traces.size() - stored.size());
    }
    try (DuckDbStorage storage = open(control, Duration.ZERO)) {
      write(storage, stored);
    }
    assertThat(StoreSql.count(failing, "SELECT count(*) FROM spans")).isEqualTo(spans(stored));
    assertThat(derived(failing)).isEqualTo(derived(control));
  }

  @Test
  void aFailedGroupsWritesCommittedAlone_areWrittenDerivedAllOrNone() throws Exception {
    List<List<Span>> traces = traces(3, 12);
    List<Span> good = traces.get(1);
    List<Span> poisoned = new ArrayList<>(traces.get(2));
    poisoned.set(0, poisoned.get(0).toBuilder().name("poison").build());
    Path failing = dir.resolve("failing");
    // derived rows due at once: only the rule under test keeps them from being written mid-group
    try (DuckDbStorage storage = open(failing, Duration.ofMillis(1))) {
      CountDownLatch queued = new CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean retrying =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger writesWhileRetrying =
          new java.util.concurrent.atomic.AtomicInteger();
      CountDownLatch derivedWrote = new CountDownLatch(1);
      storage.groupCommitWriter().derivedWriter().beforeWrite =
          () -> {
            if (retrying.get()) {
              writesWhileRetrying.incrementAndGet();
              derivedWrote.countDown();
            }
          };
      storage.groupCommitWriter().beforeCommit =
          rows -> {
            try {
              if (rows.stream().anyMatch(r -> r.span().name().equals("poison"))) {
                if (rows.size() > poisoned.size()) {
                  // the group of both fails: its writes are committed alone, the good one first
                  retrying.set(true);
                } else {
                  // the poisoned one alone, after the good one: give a derived write the chance
                  derivedWrote.await(1, TimeUnit.SECONDS);
                  retrying.set(false);
                }
                throw new IllegalStateException("injected failure");
              }
              // the first write's commit waits until both others are queued: they form one group
              if (rows.size() == traces.get(0).size() && !retrying.get()) queued.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      CompletableFuture<Void> first = storage.writer().writeSpans(traces.get(0));
      CompletableFuture<Void> goodWrite = storage.writer().writeSpans(good);
      CompletableFuture<Void> poisonWrite = storage.writer().writeSpans(poisoned);
      queued.countDown();
      first.get(30, TimeUnit.SECONDS);
      goodWrite.get(30, TimeUnit.SECONDS);
      assertThat(poisonWrite).failsWithin(30, TimeUnit.SECONDS);
      assertThat(writesWhileRetrying.get()).isZero();
      assertThat(search(storage, "frontend")).hasSize(2);
      storage.groupCommitWriter().skipFinalDerivedFlush = true;
    }
    Path control = dir.resolve("control");
    try (DuckDbStorage storage = open(control, Duration.ZERO)) {
      write(storage, List.of(traces.get(0), good));
    }
    assertThat(derived(failing)).isEqualTo(derived(control));
  }

  @Test
  void aVersionTwoStore_isMigratedAtOpen_oldRowsCountedOnceNewRowsToo() throws Exception {
    List<List<Span>> before = traces(30, 5);
    List<List<Span>> after = traces(30, 6);
    try (DuckDbStorage storage = open(dir, Duration.ZERO)) {
      write(storage, before);
    }
    // back to the layout of version 2: no group numbers
    StoreSql.execute(
        dir,
        "DROP VIEW spans_resolved",
        "DROP INDEX spans_trace_id",
        "ALTER TABLE spans DROP COLUMN ingest_seq",
        "CREATE INDEX spans_trace_id ON spans (trace_id)",
        "DELETE FROM sightline_meta WHERE key = 'derived_through_seq'",
        "UPDATE sightline_meta SET value = '2' WHERE key = 'schema_version'");
    try (DuckDbStorage storage = open(dir, Duration.ofHours(1))) {
      assertThat(search(storage, "frontend")).hasSize(before.size());
      write(storage, after);
      assertThat(search(storage, "frontend")).hasSize(before.size() + after.size());
      storage.groupCommitWriter().skipFinalDerivedFlush = true;
    }
    try (DuckDbStorage storage = open(dir, Duration.ofHours(1))) {
      assertThat(search(storage, "frontend")).hasSize(before.size() + after.size());
    }
    assertThat(StoreSql.count(dir, "SELECT value FROM sightline_meta WHERE key = 'schema_version'"))
        .isEqualTo(Schema.VERSION);
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM spans WHERE ingest_seq IS NULL"))
        .isEqualTo(spans(before));
    assertThat(StoreSql.count(dir, "SELECT sum(requests) FROM span_metrics"))
        .isEqualTo(spans(before) + spans(after));
  }
}
