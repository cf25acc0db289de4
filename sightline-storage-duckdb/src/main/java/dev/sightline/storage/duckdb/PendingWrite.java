package dev.sightline.storage.duckdb;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One accepted batch, encoded on the caller's thread, waiting in the writer's queue for its commit.
 */
record PendingWrite(
    int items,
    List<SpanRows.Row> spans,
    List<LogRows.Row> logs,
    List<MetricRows.Row> metrics,
    @Nullable SpanAggregates aggregates,
    CompletableFuture<Void> future,
    AtomicBoolean settled,
    long queuedAtNanos) {
  PendingWrite(
      int items,
      List<SpanRows.Row> spans,
      List<LogRows.Row> logs,
      List<MetricRows.Row> metrics,
      CompletableFuture<Void> future) {
    this(items, spans, logs, metrics, null, future);
  }

  /** With the aggregates of {@code spans}, computed on the caller's thread (null: none yet). */
  PendingWrite(
      int items,
      List<SpanRows.Row> spans,
      List<LogRows.Row> logs,
      List<MetricRows.Row> metrics,
      @Nullable SpanAggregates aggregates,
      CompletableFuture<Void> future) {
    this(items, spans, logs, metrics, aggregates, future, new AtomicBoolean(), System.nanoTime());
  }

  /** True the first time only: each pending write is completed or failed exactly once. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }
}
