package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.testing.ITFaultScenarioStorage;
import dev.sightline.testing.ITLogReader;
import dev.sightline.testing.ITMetricReader;
import dev.sightline.testing.ITSpanMetricsReader;
import dev.sightline.testing.ITTelemetryWriter;
import dev.sightline.testing.ITTraceReader;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.TestObjects;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Runs the shared storage suites against one real {@code clickhouse-server} started for this class,
 * each test in a fresh database of it.
 */
class ClickHouseStorageTest {
  static ClickHouseServer server;

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

  @Nested
  class TelemetryWriterTest extends ITTelemetryWriter {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class TraceReaderTest extends ITTraceReader {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class LogReaderTest extends ITLogReader {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class MetricReaderTest extends ITMetricReader {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class SpanMetricsReaderTest extends ITSpanMetricsReader {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class FaultScenarioStorageTest extends ITFaultScenarioStorage {
    String database = server.newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Test
  void builder_validatesArguments() {
    assertThatThrownBy(() -> ClickHouseStorage.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> ClickHouseStorage.builder().url("ftp://x"))
        .hasMessageContaining("url");
    assertThatThrownBy(() -> ClickHouseStorage.builder().database("a; DROP TABLE x"))
        .hasMessageContaining("identifier");
    assertThatThrownBy(() -> ClickHouseStorage.builder().queueCapacity(0))
        .hasMessageContaining("queueCapacity");
    assertThatThrownBy(() -> ClickHouseStorage.builder().maxBatchItems(0))
        .hasMessageContaining("maxBatchItems");
    assertThatThrownBy(() -> ClickHouseStorage.builder().maxAttempts(0))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> ClickHouseStorage.builder().requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout");
  }

  @Test
  void schema_isIdempotent_andRecordsItsVersion() {
    String database = server.newDatabase();
    open(database).close();
    try (ClickHouseStorage storage = open(database)) {
      assertThat(storage.serverVersion()).isNotEmpty();
      assertThat(storage.check().healthy()).isTrue();
    }
    assertThat(
            server.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
        .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
  }

  @Test
  void serversStartingAtOnce_allOpen_andLeaveOneSchema() throws Exception {
    String database = server.newDatabase();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ClickHouseStorage>> opening = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      opening.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
                return open(database);
              },
              command -> new Thread(command).start()));
    }
    go.countDown();
    for (CompletableFuture<ClickHouseStorage> f : opening) f.get(120, TimeUnit.SECONDS).close();

    assertThat(
            server
                .execute(
                    "SELECT name FROM system.tables WHERE database = '"
                        + database
                        + "' ORDER BY name FORMAT TSV")
                .strip()
                .split("\n"))
        .containsExactly(
            "attr_index",
            "attr_index_in",
            "attr_index_in_mv",
            "logs",
            "metric_points",
            "rollup_since",
            "schema_migrations",
            "service_edges_hourly",
            "service_edges_runs",
            "span_metrics",
            "span_metrics_hourly",
            "span_metrics_hourly_mv",
            "span_metrics_mv",
            "spans",
            "spans_by_trace",
            "spans_by_trace_mv",
            "trace_index",
            "trace_index_mv",
            "trace_lookups");
    assertThat(
            server.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
        .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
  }

  @Test
  void invalidIds_failOnlyTheirBatch() throws Exception {
    try (ClickHouseStorage storage = open(server.newDatabase())) {
      Span bad = TestObjects.FRONTEND_ROOT.toBuilder().traceId("not-hex").build();

      CompletableFuture<Void> badWrite = storage.writer().writeSpans(List.of(bad));
      CompletableFuture<Void> goodWrite = storage.writer().writeSpans(TestObjects.TRACE);

      assertThat(badWrite).failsWithin(Duration.ofSeconds(5));
      goodWrite.get(30, TimeUnit.SECONDS);
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .isEqualTo(TestObjects.TRACE);
    }
  }

  @Test
  void hostileStrings_areDataNotSql() throws Exception {
    try (ClickHouseStorage storage = open(server.newDatabase())) {
      String tenant = "t' OR 1=1 --\\ \n\u0000";
      List<Span> trace = TestObjects.withTenant(TestObjects.TRACE, tenant);
      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);

      assertThat(storage.traceReader().getTrace(tenant, TestObjects.TRACE_ID)).isEqualTo(trace);
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .isEmpty();
    }
  }

  /**
   * Spans go in as RowBinary (bytes, no escaping): every string column, attribute keys and values
   * included, round-trips exactly with quotes, backslashes, control characters, NUL, multi-byte
   * UTF-8 (2, 3 and 4 bytes), and lengths whose length prefix takes 1, 2 and 3 bytes.
   */
  @Test
  void hostileStrings_roundTripExactlyInEveryColumn() throws Exception {
    String hostile = "q' \" \\ \\' \n\r\t\u0000\u0001\u007f é ü 中文 🚀 \uFEFF end";
    String long2 = "x".repeat(127) + "é" + "y".repeat(200); // length prefix: 2 bytes
    String long3 = "🚀".repeat(5_000); // 20,000 UTF-8 bytes: 3 bytes of length
    try (ClickHouseStorage storage = open(server.newDatabase())) {
      List<Span> trace =
          TestObjects.TRACE.stream()
              .map(
                  s ->
                      s.toBuilder()
                          .tenant(hostile)
                          .name(hostile + s.name())
                          .traceState(hostile)
                          .status(s.statusCode(), long2)
                          .attributes(
                              dev.sightline.core.model.Attributes.builder()
                                  .putAll(s.attributes())
                                  .put(hostile, hostile)
                                  .put("long", long3)
                                  .put("k'\n", long2)
                                  .build())
                          .resource(
                              new dev.sightline.core.model.Resource(
                                  dev.sightline.core.model.Attributes.builder()
                                      .putAll(s.resource().attributes())
                                      .put("r" + hostile, hostile)
                                      .build(),
                                  s.resource().droppedAttributesCount(),
                                  hostile))
                          .build())
              .toList();
      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);

      assertThat(storage.traceReader().getTrace(hostile, TestObjects.TRACE_ID)).isEqualTo(trace);
    }
  }

  @Test
  void fullQueue_failsAtOnceWithRetryAfter_neverBlocks() throws Exception {
    try (ClickHouseStorage storage =
        ClickHouseStorage.builder()
            .url(server.url())
            .database(server.newDatabase())
            .queueCapacity(100)
            .maxBatchItems(100)
            .build()) {
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
  void batchLargerThanQueue_acceptedWhenQueueEmpty() throws Exception {
    try (ClickHouseStorage storage =
        ClickHouseStorage.builder()
            .url(server.url())
            .database(server.newDatabase())
            .queueCapacity(10)
            .maxBatchItems(10)
            .build()) {
      List<Span> trace = TelemetryGenerator.builder().spansPerTrace(40).build().nextTrace();

      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);

      assertThat(storage.traceReader().getTrace(trace.get(0).tenant(), trace.get(0).traceId()))
          .hasSize(40);
    }
  }

  @Test
  void check_afterClose_reportsFailure() {
    ClickHouseStorage storage = open(server.newDatabase());
    assertThat(storage.check().healthy()).isTrue();
    storage.close();
    assertThat(storage.check().healthy()).isFalse();
    assertThat(storage.check().message()).contains("closed");
  }
}
