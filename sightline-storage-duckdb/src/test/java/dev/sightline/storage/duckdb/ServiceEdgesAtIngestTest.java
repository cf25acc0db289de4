package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service edges paired in memory at commit ({@link ServiceEdgePairer} in the writer), beyond the
 * shared suite: restarts between the two ends of a pair, failed transactions, eviction counters.
 */
class ServiceEdgesAtIngestTest {
  private static final long T0 = TestObjects.NOW_NANOS - TimeUnit.MINUTES.toNanos(30);

  private static Span span(long trace, long id, long parent, String service, SpanKind kind) {
    return TestObjects.span(
            TestObjects.TENANT,
            TestObjects.traceId(trace),
            TestObjects.spanId(id),
            parent == 0 ? "" : TestObjects.spanId(parent),
            service,
            service + "." + kind,
            T0 + TestObjects.SECOND,
            5 * TestObjects.MILLI)
        .toBuilder()
        .kind(kind)
        .build();
  }

  private static Span client(long trace) {
    return span(trace, 1, 0, "frontend", SpanKind.CLIENT);
  }

  private static Span server(long trace) {
    return span(trace, 2, 1, "order", SpanKind.SERVER);
  }

  private static void write(DuckDbStorage storage, Span... spans) throws Exception {
    storage.writer().writeSpans(List.of(spans)).get(30, TimeUnit.SECONDS);
  }

  private static long calls(DuckDbStorage storage) {
    return storage
        .spanMetricsReader()
        .orElseThrow()
        .serviceEdges(TestObjects.TENANT, T0, T0 + TimeUnit.MINUTES.toNanos(1))
        .stream()
        .mapToLong(ServiceEdge::calls)
        .sum();
  }

  @Test
  void childrenBeforeRestart_parentsAfter_countedOnce(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      write(storage, server(1), server(2));
      write(storage, span(2, 3, 2, "order", SpanKind.INTERNAL)); // resolved by a stored parent
      // a caller whose parent, a SERVER root, is stored: resolved as a child
      write(
          storage,
          span(3, 1, 0, "frontend", SpanKind.SERVER),
          span(3, 2, 1, "frontend", SpanKind.CLIENT));
      assertThat(calls(storage)).isZero();
      assertThat(storage.edgePairingStats().waitingChildren()).isEqualTo(3);
    }
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      // the two servers wait again for their parents; the INTERNAL child and the CLIENT do not
      assertThat(storage.edgePairingStats().waitingChildren()).isEqualTo(2);
      write(storage, client(1));
      write(storage, client(2));
      assertThat(calls(storage)).isEqualTo(2);
    }
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(calls(storage)).isEqualTo(2);
      assertThat(storage.edgePairingStats().waitingChildren()).isZero();
    }
  }

  @Test
  void parentsBeforeRestart_childrenAfter_countedOnce_retriesStillPairPerCopy(@TempDir Path dir)
      throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      write(storage, client(1), client(2), server(2));
      assertThat(calls(storage)).isEqualTo(1);
    }
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(storage.edgePairingStats().recentCallers()).isEqualTo(2);
      write(storage, server(1));
      assertThat(calls(storage)).isEqualTo(2);
      // a retried export of a caller after the restart pairs with its stored child
      write(storage, client(2));
      assertThat(calls(storage)).isEqualTo(3);
    }
  }

  @Test
  void failedTransaction_leavesThePairingStateUntouched(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      write(storage, server(1), server(2));
      GroupCommitWriter writer = storage.groupCommitWriter();
      writer.beforeCommit =
          rows -> {
            if (rows.stream().anyMatch(r -> r.span().name().equals("poison"))) {
              throw new IllegalStateException("injected failure");
            }
          };
      Span poison = span(9, 1, 0, "frontend", SpanKind.CLIENT).toBuilder().name("poison").build();

      // the caller of trace 1 fails with its batch; queued together, the group fails and each
      // batch is retried alone: the caller of trace 2 is stored, the poisoned batch fails again
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      writes.add(storage.writer().writeSpans(List.of(client(1), poison)));
      writes.add(storage.writer().writeSpans(List.of(client(2))));
      writes.add(storage.writer().writeSpans(List.of(poison)));
      assertThat(writes.get(0)).failsWithin(Duration.ofSeconds(30));
      writes.get(1).get(30, TimeUnit.SECONDS);
      assertThat(writes.get(2)).failsWithin(Duration.ofSeconds(30));
      assertThat(calls(storage)).isEqualTo(1);
      assertThat(storage.edgePairingStats().waitingChildren()).isEqualTo(1);

      writer.beforeCommit = null;
      write(storage, client(1));
      assertThat(calls(storage)).isEqualTo(2);
      assertThat(storage.edgePairingStats().waitingChildren()).isZero();
      assertThat(storage.check().healthy()).isTrue();
    }
  }

  @Test
  void caps_evictOldestAndCount(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage =
        DuckDbStorage.builder()
            .dataDir(dir)
            .memoryLimit("1GB")
            .threads(2)
            .edgePairingMaxCallers(2)
            .edgePairingMaxWaitingChildren(2)
            .build()) {
      for (long trace = 1; trace <= 3; trace++) write(storage, server(trace));
      for (long trace = 11; trace <= 13; trace++) write(storage, client(trace));

      assertThat(storage.edgePairingStats())
          .isEqualTo(new DuckDbStorage.EdgePairingStats(2, 2, 1, 1));
      write(storage, client(1)); // its child was evicted: not counted at ingest
      write(storage, client(2));
      assertThat(calls(storage)).isEqualTo(1);
    }
  }

  @Test
  void compaction_mergesTheRowsOfEachEdgeAndBucket_sameEdges(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage =
        DuckDbStorage.builder().dataDir(dir).compactionInterval(Duration.ZERO).build()) {
      for (long trace = 1; trace <= 20; trace++) write(storage, client(trace), server(trace));
      List<ServiceEdge> before =
          storage
              .spanMetricsReader()
              .orElseThrow()
              .serviceEdges(TestObjects.TENANT, T0, T0 + TimeUnit.MINUTES.toNanos(1));
      assertThat(before).extracting(ServiceEdge::calls).containsExactly(20L);

      assertThat(storage.compactServiceEdges(Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(19);
      assertThat(storage.compactServiceEdges(Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
      assertThat(
              storage
                  .spanMetricsReader()
                  .orElseThrow()
                  .serviceEdges(TestObjects.TENANT, T0, T0 + TimeUnit.MINUTES.toNanos(1)))
          .isEqualTo(before);
    }
  }

  @Test
  void flagOff_noPairingState(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWithoutEdgesAtIngest(dir)) {
      write(storage, server(1));
      write(storage, client(1));
      assertThat(calls(storage)).isEqualTo(1); // the query-time join
      assertThat(storage.edgePairingStats())
          .isEqualTo(new DuckDbStorage.EdgePairingStats(0, 0, 0, 0));
    }
  }
}
