package dev.sightline.testing;

import static dev.sightline.testing.TestObjects.LOGS;
import static dev.sightline.testing.TestObjects.METRICS;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static dev.sightline.testing.TestObjects.TRACE;
import static dev.sightline.testing.TestObjects.TRACE_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The write contract of {@link TelemetryWriter} and the component lifecycle: durability across a
 * restart, close completing accepted writes, concurrent writers, empty batches, retention.
 */
public abstract class ITTelemetryWriter extends ITStorage {
  static final long HOUR = Duration.ofHours(1).toNanos();

  List<Span> trace(String traceId) {
    return TestObjects.sortedAsTrace(
        TRACE.stream().map(s -> s.toBuilder().traceId(traceId).build()).toList());
  }

  List<LogRecord> allLogs(String tenant) {
    return storage()
        .logReader()
        .searchLogs(new LogQuery(tenant, null, null, null, null, null, 0, Long.MAX_VALUE, 100_000));
  }

  List<MetricPoint> allPoints(String tenant) {
    return storage()
        .metricReader()
        .searchPoints(new MetricQuery(tenant, null, null, 0, Long.MAX_VALUE, 100_000));
  }

  @Test
  void check_isHealthy() {
    assertThat(storage().check().healthy()).isTrue();
  }

  @Test
  void emptyBatches_completeImmediately() {
    TelemetryWriter writer = storage().writer();

    assertThat(writer.writeSpans(List.of())).isCompleted();
    assertThat(writer.writeLogs(List.of())).isCompleted();
    assertThat(writer.writeMetrics(List.of())).isCompleted();
  }

  @Test
  void completedWrites_areVisibleToReaders() {
    accept(TRACE);
    acceptLogs(LOGS);
    acceptMetrics(METRICS);

    assertThat(storage().traceReader().getTrace(TENANT, TRACE_ID)).isEqualTo(TRACE);
    assertThat(allLogs(TENANT)).containsExactlyInAnyOrderElementsOf(LOGS);
    assertThat(allPoints(TENANT)).containsExactlyInAnyOrderElementsOf(METRICS);
    assertThat(storage().writer().queuedItems()).isZero();
  }

  @Test
  void largeBatch_storedEntirely() {
    TelemetryGenerator generator =
        TelemetryGenerator.builder().seed(11).startTimeUnixNano(NOW_NANOS - HOUR).build();
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) traces.add(generator.nextTrace());

    accept(traces.stream().flatMap(List::stream).toList());

    for (List<Span> trace : List.of(traces.get(0), traces.get(500), traces.get(999))) {
      assertThat(storage().traceReader().getTrace(TENANT, trace.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(trace);
    }
  }

  @Test
  void restart_keepsEverything() throws Exception {
    accept(TRACE);
    acceptLogs(LOGS);
    acceptMetrics(METRICS);
    accept(TestObjects.withTenant(TRACE, "other"));

    reopen();

    assertThat(storage().traceReader().getTrace(TENANT, TRACE_ID)).isEqualTo(TRACE);
    assertThat(storage().traceReader().getTrace("other", TRACE_ID))
        .isEqualTo(TestObjects.withTenant(TRACE, "other"));
    assertThat(allLogs(TENANT)).containsExactlyInAnyOrderElementsOf(LOGS);
    assertThat(allPoints(TENANT)).containsExactlyInAnyOrderElementsOf(METRICS);

    // and the reopened component accepts more
    accept(trace(TestObjects.traceId(42)));
    reopen();
    assertThat(storage().traceReader().getTrace(TENANT, TestObjects.traceId(42))).hasSize(5);
    assertThat(storage().traceReader().getTrace(TENANT, TRACE_ID)).isEqualTo(TRACE);
  }

  @Test
  void close_completesAcceptedWrites() throws Exception {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String traceId = TestObjects.traceId(100 + i);
      CompletableFuture<Void> write = storage().writer().writeSpans(trace(traceId));
      if (isOverloaded(write)) continue; // rejected at once: not accepted, nothing promised
      writes.add(write);
      accepted.add(traceId);
    }
    CompletableFuture<Void> logs = storage().writer().writeLogs(LOGS);

    storage().close();

    assertThat(accepted).isNotEmpty();
    for (CompletableFuture<Void> write : writes) {
      assertThat(write).isCompleted(); // close waited: completed normally, durably
    }
    assertThat(logs).isCompleted();
    storage = reopenStorage();
    for (String traceId : accepted) {
      assertThat(storage().traceReader().getTrace(TENANT, traceId)).as(traceId).hasSize(5);
    }
    assertThat(allLogs(TENANT)).hasSize(LOGS.size());
  }

  @Test
  void close_isIdempotent_andLaterWritesFailTheFuture() {
    storage().close();
    storage().close();

    CompletableFuture<Void> write = storage().writer().writeSpans(TRACE);

    assertThat(write).failsWithin(Duration.ofSeconds(WRITE_TIMEOUT_SECONDS));
  }

  @Test
  void concurrentWriters_allDurable() throws Exception {
    int threads = 4;
    int batchesPerThread = 25;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            executor.submit(
                () -> {
                  List<String> written = new ArrayList<>();
                  for (int b = 0; b < batchesPerThread; b++) {
                    String traceId = TestObjects.traceId(1_000 + thread * 1_000 + b);
                    List<Span> spans = trace(traceId);
                    List<LogRecord> logs =
                        LOGS.stream()
                            .filter(l -> l.traceId().equals(TRACE_ID))
                            .map(l -> withTrace(l, traceId))
                            .toList();
                    CompletableFuture<Void> spanWrite =
                        retryWhileOverloaded(() -> storage().writer().writeSpans(spans));
                    CompletableFuture<Void> logWrite =
                        retryWhileOverloaded(() -> storage().writer().writeLogs(logs));
                    await(spanWrite);
                    await(logWrite);
                    written.add(traceId);
                  }
                  return written;
                }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> result : results) all.addAll(result.get(2, TimeUnit.MINUTES));

      assertThat(all).hasSize(threads * batchesPerThread).doesNotHaveDuplicates();
      reopen();
      for (String traceId : all) {
        assertThat(storage().traceReader().getTrace(TENANT, traceId))
            .as(traceId)
            .isEqualTo(trace(traceId));
        assertThat(
                storage()
                    .logReader()
                    .searchLogs(
                        new LogQuery(
                            TENANT, traceId, null, null, null, null, 0, Long.MAX_VALUE, 100)))
            .as(traceId)
            .hasSize(3);
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void deleteBefore_removesOnlyOlderRows() {
    long old = NOW_NANOS - 48 * HOUR;
    long cutoff = NOW_NANOS - 24 * HOUR;
    String oldTraceId = TestObjects.traceId(500);
    List<Span> oldTrace =
        TRACE.stream()
            .map(
                s ->
                    s.toBuilder()
                        .traceId(oldTraceId)
                        .startTimeUnixNano(old + (s.startTimeUnixNano() - TestObjects.TRACE_START))
                        .endTimeUnixNano(old + (s.endTimeUnixNano() - TestObjects.TRACE_START))
                        .build())
            .toList();
    List<LogRecord> oldLogs =
        List.of(
            LogRecord.builder().tenant(TENANT).timeUnixNano(old).body("old").build(),
            LogRecord.builder()
                .tenant("other")
                .observedTimeUnixNano(old)
                .body("old, observed only")
                .build());
    accept(TRACE);
    accept(oldTrace);
    accept(TestObjects.withTenant(oldTrace, "other"));
    acceptLogs(LOGS);
    acceptLogs(oldLogs);
    acceptMetrics(METRICS);
    acceptMetrics(TestObjects.metrics(old));

    long removed = storage().deleteBefore(cutoff);

    assertThat(removed).isIn(-1L, (long) (oldTrace.size() * 2 + oldLogs.size() + METRICS.size()));
    assertThat(storage().traceReader().getTrace(TENANT, oldTraceId)).isEmpty();
    assertThat(storage().traceReader().getTrace("other", oldTraceId)).isEmpty();
    assertThat(storage().traceReader().getTrace(TENANT, TRACE_ID)).isEqualTo(TRACE);
    assertThat(allLogs(TENANT)).containsExactlyInAnyOrderElementsOf(LOGS);
    assertThat(allLogs("other")).isEmpty();
    assertThat(allPoints(TENANT)).containsExactlyInAnyOrderElementsOf(METRICS);
    assertThat(storage().deleteBefore(cutoff)).isIn(-1L, 0L);
  }

  static LogRecord withTrace(LogRecord l, String traceId) {
    return new LogRecord(
        l.tenant(),
        l.timeUnixNano(),
        l.observedTimeUnixNano(),
        l.severityNumber(),
        l.severityText(),
        l.body(),
        l.attributes(),
        l.droppedAttributesCount(),
        l.flags(),
        traceId,
        l.spanId(),
        l.eventName(),
        l.resource(),
        l.scope());
  }

  static boolean isOverloaded(CompletableFuture<Void> write) {
    if (!write.isCompletedExceptionally()) return false;
    try {
      write.getNow(null);
      return false;
    } catch (Exception e) {
      return e.getCause() instanceof StorageOverloadedException;
    }
  }

  /** Retries a write the backend rejected as overloaded, honouring its retry-after hint. */
  static CompletableFuture<Void> retryWhileOverloaded(
      java.util.function.Supplier<CompletableFuture<Void>> write) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      CompletableFuture<Void> result = write.get();
      try {
        result.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return result;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof StorageOverloadedException overloaded) || attempt > 100)
          return result;
        Thread.sleep(Math.max(1, Math.min(overloaded.retryAfter().toMillis(), 100)));
      } catch (java.util.concurrent.TimeoutException e) {
        return result;
      }
    }
  }
}
