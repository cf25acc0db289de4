package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse killed (SIGKILL) while a client writes: writes fail (the OTLP receiver turns that into
 * a retryable status) instead of being acknowledged, and once ClickHouse is back every acknowledged
 * trace is there, whole. A kill rather than a graceful stop: the harsher case, and 18.16's graceful
 * shutdown waits about 20 s for open client connections.
 */
class ClickHouseDurabilityTest {

  @Test
  void serverKilledWhileWriting_writesFail_noAcknowledgedTraceLost() throws Exception {
    try (ClickHouseServer server = ClickHouseServer.start()) {
      String database = server.newDatabase();
      ClickHouseStorage storage =
          ClickHouseStorage.builder()
              .url(server.url())
              .database(database)
              .maxAttempts(3)
              .initialBackoff(Duration.ofMillis(20))
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      List<String> acknowledged = new CopyOnWriteArrayList<>();
      AtomicInteger failed = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      Thread client =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  String traceId = TestObjects.traceId(50_000 + i);
                  List<Span> trace =
                      TestObjects.TRACE.stream()
                          .map(s -> s.toBuilder().traceId(traceId).build())
                          .toList();
                  try {
                    storage.writer().writeSpans(trace).get(60, TimeUnit.SECONDS);
                    acknowledged.add(traceId);
                  } catch (Exception e) {
                    failed.incrementAndGet(); // not acknowledged: the client would retry
                  }
                }
              },
              "exporting-client");
      client.start();
      try {
        awaitCondition(() -> acknowledged.size() >= 20, "20 traces acknowledged");
        server.kill();
        awaitCondition(() -> failed.get() >= 3, "writes failing while ClickHouse is down");
        int acknowledgedWhileDown = acknowledged.size();
        server.restart();
        awaitCondition(
            () -> acknowledged.size() >= acknowledgedWhileDown + 20,
            "20 more traces acknowledged after the restart");
      } finally {
        stop.set(true);
        client.join(TimeUnit.MINUTES.toMillis(2));
      }
      storage.close();

      try (ClickHouseStorage reopened =
          ClickHouseStorage.builder().url(server.url()).database(database).build()) {
        // every trace has TRACE's times: one search over them summarises all at once
        Map<String, Integer> spansByTrace = new HashMap<>();
        for (TraceSummary summary :
            reopened
                .traceReader()
                .searchTraces(
                    new TraceQuery(
                        TestObjects.TENANT,
                        null,
                        null,
                        null,
                        null,
                        false,
                        Map.of(),
                        TestObjects.TRACE_START,
                        TestObjects.TRACE_START + 1,
                        1_000_000))) {
          spansByTrace.put(summary.traceId(), summary.spanCount());
        }
        for (String traceId : acknowledged) {
          assertThat(spansByTrace.get(traceId))
              .as("spans of acknowledged trace %s", traceId)
              .isEqualTo(TestObjects.TRACE.size());
        }
        assertThat(reopened.traceReader().getTrace(TestObjects.TENANT, acknowledged.get(0)))
            .isEqualTo(
                TestObjects.TRACE.stream()
                    .map(s -> s.toBuilder().traceId(acknowledged.get(0)).build())
                    .toList());
      }
      assertThat(failed.get()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void shortOutage_isBridgedByRetries_theWriteIsAcknowledgedOnceStored() throws Exception {
    try (ClickHouseServer server = ClickHouseServer.start()) {
      String database = server.newDatabase();
      try (ClickHouseStorage storage =
          ClickHouseStorage.builder()
              .url(server.url())
              .database(database)
              .maxAttempts(30)
              .initialBackoff(Duration.ofMillis(50))
              .build()) {
        server.kill();
        java.util.concurrent.CompletableFuture<Void> write =
            storage.writer().writeSpans(TestObjects.TRACE);
        assertThat(storage.writer().queuedItems()).isEqualTo(TestObjects.TRACE.size());
        assertThat(write).isNotDone(); // queued and retrying, not acknowledged

        server.restart();

        write.get(60, TimeUnit.SECONDS);
        assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
            .isEqualTo(TestObjects.TRACE);
      }
    }
  }

  /** Polls {@code condition} until it holds, failing after a minute. */
  private static void awaitCondition(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(10);
    }
  }
}
