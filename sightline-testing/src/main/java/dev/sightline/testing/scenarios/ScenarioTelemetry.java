package dev.sightline.testing.scenarios;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The telemetry of one scenario phase, generated lazily in batches of one minute of requests so
 * that a long phase never sits in memory at once. Every iteration regenerates the same data from
 * the seed: iterating twice yields identical batches.
 */
public final class ScenarioTelemetry implements Iterable<TelemetryBatch> {

  /** What {@link #writeTo} stored. */
  public record WriteSummary(long spans, long logs) {}

  private static final long WINDOW_NANOS = 60_000_000_000L;

  private final Supplier<ShopTraffic> traffic;
  private final long startUnixNano;
  private final long endUnixNano;

  ScenarioTelemetry(Supplier<ShopTraffic> traffic, long startUnixNano, long endUnixNano) {
    this.traffic = traffic;
    this.startUnixNano = startUnixNano;
    this.endUnixNano = endUnixNano;
  }

  /** Arrival time of the first request considered (inclusive). */
  public long startUnixNano() {
    return startUnixNano;
  }

  /**
   * Arrival time bound of requests (exclusive). Spans of requests arriving just before it may start
   * and end a few seconds after it; messages a consumer would process only after it are left out.
   */
  public long endUnixNano() {
    return endUnixNano;
  }

  /** Batches in arrival order; each holds whole traces and their logs. */
  @Override
  public Iterator<TelemetryBatch> iterator() {
    ShopTraffic generator = traffic.get();
    return new Iterator<>() {
      long windowStart = startUnixNano;

      @Override
      public boolean hasNext() {
        return windowStart < endUnixNano;
      }

      @Override
      public TelemetryBatch next() {
        if (!hasNext()) throw new NoSuchElementException();
        long windowEnd = Math.min(endUnixNano, windowStart + WINDOW_NANOS);
        TelemetryBatch batch = generator.until(windowEnd);
        windowStart = windowEnd;
        return batch;
      }
    };
  }

  /** The batches as a sequential stream. */
  public Stream<TelemetryBatch> batches() {
    return StreamSupport.stream(spliterator(), false);
  }

  /** Every span, in memory: for tests of small scenarios. */
  public List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (TelemetryBatch b : this) out.addAll(b.spans());
    return out;
  }

  /** Every log record, in memory: for tests of small scenarios. */
  public List<LogRecord> logs() {
    List<LogRecord> out = new ArrayList<>();
    for (TelemetryBatch b : this) out.addAll(b.logs());
    return out;
  }

  /**
   * Writes every batch through {@code storage.writer()} and returns once all of it is durable.
   * Batches the backend rejects as overloaded are retried after a short pause. Blocking.
   *
   * @throws IllegalStateException when a write fails for another reason
   */
  public WriteSummary writeTo(StorageComponent storage) {
    requireNonNull(storage, "storage");
    TelemetryWriter writer = storage.writer();
    long spans = 0;
    long logs = 0;
    for (TelemetryBatch batch : this) {
      write(() -> writer.writeSpans(batch.spans()));
      write(() -> writer.writeLogs(batch.logs()));
      spans += batch.spans().size();
      logs += batch.logs().size();
    }
    return new WriteSummary(spans, logs);
  }

  private static void write(Supplier<CompletableFuture<Void>> write) {
    for (int attempt = 0; ; attempt++) {
      try {
        write.get().get();
        return;
      } catch (ExecutionException | CompletionException e) {
        if (!(e.getCause() instanceof StorageOverloadedException) || attempt >= 600) {
          throw new IllegalStateException("writing scenario telemetry failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing scenario telemetry", e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing scenario telemetry", e);
      }
    }
  }
}
