package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.testing.ITLogReader;
import dev.sightline.testing.ITMetricReader;
import dev.sightline.testing.ITSpanMetricsReader;
import dev.sightline.testing.ITTelemetryWriter;
import dev.sightline.testing.ITTraceReader;
import dev.sightline.testing.ReducedStorage;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shared storage suites against DuckDB, each test in a fresh directory. */
class DuckDbStorageTest {

  static DuckDbStorage open(Path dir) {
    return DuckDbStorage.builder().dataDir(dir).memoryLimit("1GB").threads(2).build();
  }

  /**
   * As {@link #open}, with the derived rows written with every commit group instead of behind them
   * ({@code DerivedBacklog}), and no background maintenance pass (tests compact when they mean to):
   * for tests of what several rows per key or per group do (compaction, blocks).
   */
  static DuckDbStorage openWritingDerivedPerGroup(Path dir) {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .memoryLimit("1GB")
        .threads(2)
        .derivedFlushInterval(java.time.Duration.ZERO)
        .compactionInterval(java.time.Duration.ZERO)
        .build();
  }

  @Nested
  class TelemetryWriterTest extends ITTelemetryWriter {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return open(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(dir);
    }
  }

  @Nested
  class TraceReaderTest extends ITTraceReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return open(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(dir);
    }
  }

  @Nested
  class LogReaderTest extends ITLogReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return open(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(dir);
    }
  }

  @Nested
  class MetricReaderTest extends ITMetricReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return open(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(dir);
    }
  }

  @Nested
  class SpanMetricsReaderTest extends ITSpanMetricsReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return open(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(dir);
    }
  }

  /**
   * The same contract with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off: service edges
   * joined from {@code spans} at query time instead of paired at commit into {@code service_edges}
   * (the default, {@link SpanMetricsReaderTest}).
   */
  @Nested
  class SpanMetricsReaderWithoutEdgesAtIngestTest extends ITSpanMetricsReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return openWithoutEdgesAtIngest(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return openWithoutEdgesAtIngest(dir);
    }
  }

  /**
   * The trace search contract again with every attribute key the suite filters on indexed, so each
   * attribute search goes through {@code attribute_index} and the check of the candidates' spans.
   */
  @Nested
  class TraceReaderWithIndexedAttributesTest extends ITTraceReader {
    @TempDir Path dir;

    @Override
    protected StorageComponent newStorage() {
      return openWithIndexedAttributes(dir);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return openWithIndexedAttributes(dir);
    }
  }

  /**
   * The suites of the optional readers on a backend that declares none of them ({@link
   * ReducedStorage#coreOnly}): every case of a missing capability is skipped, the others still
   * pass.
   */
  @Nested
  class WithoutOptionalCapabilities {
    @Nested
    class SpanMetricsReaderSkippedTest extends ITSpanMetricsReader {
      @TempDir Path dir;

      @Override
      protected StorageComponent newStorage() {
        return ReducedStorage.coreOnly(open(dir));
      }

      @Override
      protected StorageComponent reopenStorage() {
        return ReducedStorage.coreOnly(open(dir));
      }
    }

    @Nested
    class MetricReaderWithoutCounterIncreaseTest extends ITMetricReader {
      @TempDir Path dir;

      @Override
      protected StorageComponent newStorage() {
        return ReducedStorage.coreOnly(open(dir));
      }

      @Override
      protected StorageComponent reopenStorage() {
        return ReducedStorage.coreOnly(open(dir));
      }
    }
  }

  @Test
  void declaresEveryCapability(@TempDir Path dir) {
    try (DuckDbStorage storage = open(dir)) {
      assertThat(storage.capabilities()).isEqualTo(EnumSet.allOf(StorageCapability.class));
      assertThat(ReducedStorage.coreOnly(storage).capabilities()).isEmpty();
    }
  }

  static DuckDbStorage openWithIndexedAttributes(Path dir) {
    java.util.Set<String> keys =
        new java.util.LinkedHashSet<>(
            java.util.List.of(
                "order.id",
                "payment.retries",
                "payment.approved",
                "order.total",
                "http.response.status_code",
                "cart.size",
                "key with spaces/and \"quotes\"~",
                "no.such.key",
                "rpc.system",
                "payment.method",
                "service.version",
                "process.pid",
                "host.name"));
    keys.addAll(dev.sightline.testing.TestObjects.ALL_VALUE_KINDS.asMap().keySet());
    return DuckDbStorage.builder()
        .dataDir(dir)
        .memoryLimit("1GB")
        .threads(2)
        .indexedAttributes(keys)
        .build();
  }

  static DuckDbStorage openWithoutEdgesAtIngest(Path dir) {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .memoryLimit("1GB")
        .threads(2)
        .serviceEdgesAtIngest(false)
        .build();
  }

  @Test
  void builder_validatesArguments() {
    assertThatThrownBy(() -> DuckDbStorage.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dataDir");
    assertThatThrownBy(() -> DuckDbStorage.builder().dataDir(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataDir");
    assertThatThrownBy(() -> DuckDbStorage.builder().queueCapacity(0))
        .hasMessageContaining("queueCapacity");
    assertThatThrownBy(() -> DuckDbStorage.builder().maxBatchItems(-1))
        .hasMessageContaining("maxBatchItems");
    assertThatThrownBy(() -> DuckDbStorage.builder().memoryLimit("lots"))
        .hasMessageContaining("memoryLimit");
    assertThatThrownBy(() -> DuckDbStorage.builder().threads(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> DuckDbStorage.builder().edgePairingWindow(java.time.Duration.ZERO))
        .hasMessageContaining("edgePairingWindow");
    assertThatThrownBy(() -> DuckDbStorage.builder().edgePairingMaxCallers(0))
        .hasMessageContaining("edgePairingMaxCallers");
    assertThatThrownBy(() -> DuckDbStorage.builder().edgePairingMaxWaitingChildren(0))
        .hasMessageContaining("edgePairingMaxWaitingChildren");
  }

  @Test
  void databaseFileIsInsideDataDir(@TempDir Path dir) {
    try (DuckDbStorage storage = open(dir.resolve("nested/data"))) {
      assertThat(storage.databaseFile()).isEqualTo(dir.resolve("nested/data/sightline.duckdb"));
      assertThat(storage.databaseFile()).exists();
    }
  }

  @Test
  void queueAdmitsWhatFitsTheCapacityAndFiveSecondsOfWork() {
    // capacity
    assertThat(WriteAdmission.admits(99_000, 1_000, 100_000, 1e9)).isTrue();
    assertThat(WriteAdmission.admits(99_001, 1_000, 100_000, 1e9)).isFalse();
    // time: at 10,000 items/s the queue takes 5 s of work (50,000 items), not more
    assertThat(WriteAdmission.admits(49_000, 1_000, 200_000, 10_000)).isTrue();
    assertThat(WriteAdmission.admits(49_001, 1_000, 200_000, 10_000)).isFalse();
    // a stalled writer still admits 5,000 items (rates under 1,000/s count as 1,000/s)
    assertThat(WriteAdmission.admits(4_000, 1_000, 200_000, 1)).isTrue();
    assertThat(WriteAdmission.admits(4_001, 1_000, 200_000, 1)).isFalse();
    // an empty queue admits any batch: one larger than both bounds is not refused forever
    assertThat(WriteAdmission.admits(0, 1_000_000, 100_000, 1)).isTrue();
  }

  @Test
  void fullQueue_failsAtOnceWithRetryAfter_neverBlocks(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage =
        DuckDbStorage.builder().dataDir(dir).queueCapacity(100).maxBatchItems(100).build()) {
      TelemetryGenerator generator = TelemetryGenerator.builder().spansPerTrace(50).build();
      List<CompletableFuture<Void>> accepted = new ArrayList<>();
      StorageOverloadedException rejected = null;
      for (int i = 0; i < 1_000 && rejected == null; i++) {
        long start = System.nanoTime();
        CompletableFuture<Void> write = storage.writer().writeSpans(generator.nextTrace());
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
        if (write.isCompletedExceptionally()) {
          try {
            write.getNow(null);
          } catch (Exception e) {
            assertThat(e.getCause()).isInstanceOf(StorageOverloadedException.class);
            rejected = (StorageOverloadedException) e.getCause();
          }
        } else {
          accepted.add(write);
          assertThat(storage.writer().queuedItems()).isLessThanOrEqualTo(100);
        }
      }
      assertThat(rejected).as("some write was refused").isNotNull();
      assertThat(rejected.retryAfter()).isPositive();
      for (CompletableFuture<Void> write : accepted) write.get(30, TimeUnit.SECONDS);
      assertThat(storage.writer().queuedItems()).isZero();
    }
  }

  @Test
  void writeQueuedPastMaxAge_failsRetryably_andNothingOfItIsStored(@TempDir Path dir)
      throws Exception {
    try (DuckDbStorage storage = open(dir)) {
      TelemetryGenerator generator = TelemetryGenerator.builder().spansPerTrace(5).build();
      List<Span> first = generator.nextTrace();
      List<Span> late = generator.nextTrace();
      GroupCommitWriter writer = storage.groupCommitWriter();
      StalledCommit stall = StalledCommit.install(writer);
      CompletableFuture<Void> stalled = storage.writer().writeSpans(first);
      assertThat(stall.awaitInCommit()).isTrue();
      // the commit in progress stalls; a write queued behind it ages past the bound (zero here)
      writer.maxQueueAge = Duration.ZERO;
      CompletableFuture<Void> queued = storage.writer().writeSpans(late);
      stall.release();

      stalled.get(30, TimeUnit.SECONDS);
      assertThat(queued)
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(StorageOverloadedException.class)
          .withMessageContaining("not stored, retry");
      assertThat(writer.expiredWrites()).isEqualTo(1);
      assertThat(storage.writer().queuedItems()).isZero();
      String tenant = late.get(0).tenant();
      assertThat(storage.traceReader().getTrace(tenant, late.get(0).traceId())).isEmpty();
      assertThat(storage.traceReader().getTrace(tenant, first.get(0).traceId())).hasSize(5);

      // the client's retry is stored
      writer.maxQueueAge = GroupCommitWriter.MAX_QUEUE_AGE;
      storage.writer().writeSpans(late).get(30, TimeUnit.SECONDS);
      assertThat(storage.traceReader().getTrace(tenant, late.get(0).traceId())).hasSize(5);
    }
  }

  @Test
  void batchLargerThanQueue_acceptedWhenQueueEmpty(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage =
        DuckDbStorage.builder().dataDir(dir).queueCapacity(10).maxBatchItems(10).build()) {
      List<Span> trace = TelemetryGenerator.builder().spansPerTrace(40).build().nextTrace();

      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);

      assertThat(storage.traceReader().getTrace(trace.get(0).tenant(), trace.get(0).traceId()))
          .hasSize(40);
    }
  }

  @Test
  void invalidIds_failOnlyTheirBatch(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = open(dir)) {
      Span bad = TestObjects.FRONTEND_ROOT.toBuilder().traceId("not-hex").build();

      CompletableFuture<Void> badWrite = storage.writer().writeSpans(List.of(bad));
      CompletableFuture<Void> goodWrite = storage.writer().writeSpans(TestObjects.TRACE);

      assertThat(badWrite).failsWithin(java.time.Duration.ofSeconds(5));
      goodWrite.get(30, TimeUnit.SECONDS);
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .isEqualTo(TestObjects.TRACE);
      assertThat(storage.check().healthy()).isTrue();
    }
  }

  @Test
  void getTrace_malformedId_isEmpty(@TempDir Path dir) {
    try (DuckDbStorage storage = open(dir)) {
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, "xyz")).isEmpty();
    }
  }

  @Test
  void check_afterClose_reportsFailure(@TempDir Path dir) {
    DuckDbStorage storage = open(dir);
    assertThat(storage.check().healthy()).isTrue();
    storage.close();
    assertThat(storage.check().healthy()).isFalse();
    assertThat(storage.check().message()).contains("closed");
  }
}
