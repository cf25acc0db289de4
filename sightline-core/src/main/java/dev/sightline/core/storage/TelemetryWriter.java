package dev.sightline.core.storage;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes batches of telemetry.
 *
 * <p>Contract, for every method:
 *
 * <ul>
 *   <li>The returned future completes normally <b>only after the whole batch is durably stored</b>:
 *       a process crash (SIGKILL) after completion must not lose it. Callers acknowledge data to
 *       clients only then.
 *   <li>A batch is atomic: it is stored entirely or not at all.
 *   <li>Methods never block and never throw; failures complete the future exceptionally. When the
 *       backend cannot keep up (its bounded queue is full) the future fails at once with {@link
 *       StorageOverloadedException}, so the caller can answer a retryable status instead of
 *       buffering.
 *   <li>Batches are not reordered relative to each other for the same caller thread, but readers
 *       must not rely on arrival order: event time orders telemetry.
 *   <li>An empty batch completes immediately.
 * </ul>
 */
public interface TelemetryWriter {

  CompletableFuture<Void> writeSpans(List<Span> spans);

  CompletableFuture<Void> writeLogs(List<LogRecord> logs);

  CompletableFuture<Void> writeMetrics(List<MetricPoint> points);

  /** Items accepted but not yet durable (for self-telemetry); 0 when the backend has no queue. */
  default long queuedItems() {
    return 0;
  }
}
