package dev.sightline.otlp.receiver;

import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent ingest path: decompress, decode, validate and map (on a CPU executor,
 * never on an event loop), write, and acknowledge only once storage reports the batch durable.
 * Never throws into the caller: every failure becomes an {@link IngestOutcome}.
 *
 * <p>Memory is bounded by the request bytes in flight: a transport reserves a request's size before
 * buffering it when the size is declared ({@code Content-Length}), and the reservation grows to the
 * decompressed size; past the limit requests are refused with a retryable status instead of piling
 * up while storage is slow.
 */
final class IngestPipeline {
  private static final Logger logger = LoggerFactory.getLogger(IngestPipeline.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  /** Reads a request body, e.g. decompressing it; runs on the decode executor. */
  @FunctionalInterface
  interface BodySource {
    byte[] read() throws IOException;
  }

  /** The body exceeds the limit after decompression. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(String message) {
      super(message);
    }
  }

  private final TelemetryWriter writer;
  private final Executor decodeExecutor;
  private final IngestMetrics metrics;
  private final long maxInFlightBytes;
  private final Duration retryAfter;
  private final long maxDecodeWaitNanos;
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final LongAdder suppressedErrors = new LongAdder();

  IngestPipeline(
      TelemetryWriter writer,
      Executor decodeExecutor,
      IngestMetrics metrics,
      long maxInFlightBytes,
      Duration retryAfter,
      Duration maxDecodeWait) {
    this.writer = writer;
    this.maxDecodeWaitNanos = maxDecodeWait.toNanos();
    this.decodeExecutor = decodeExecutor;
    this.metrics = metrics;
    this.maxInFlightBytes = maxInFlightBytes;
    this.retryAfter = retryAfter;
  }

  IngestMetrics metrics() {
    return metrics;
  }

  long inFlightBytes() {
    return inFlightBytes.get();
  }

  /**
   * Reserves {@code bytes} of the in-flight budget. A single request larger than the budget is
   * admitted when nothing else is in flight, so that the per-request limit alone decides.
   *
   * @return null when reserved (release it later), else the answer to give the client
   */
  IngestOutcome.@Nullable Throttled reserve(long bytes) {
    long now = inFlightBytes.addAndGet(bytes);
    if (now > maxInFlightBytes && now != bytes) {
      inFlightBytes.addAndGet(-bytes);
      return new IngestOutcome.Throttled(
          "too many request bytes in flight (limit "
              + maxInFlightBytes
              + "); retry after "
              + retryAfter.toSeconds()
              + "s",
          retryAfter);
    }
    return null;
  }

  void release(long bytes) {
    inFlightBytes.addAndGet(-bytes);
  }

  /**
   * Runs one export request whose {@code reserved} bytes are already reserved; releases them (and
   * whatever the decompressed body added) when the outcome is known.
   */
  <T> CompletableFuture<IngestOutcome> ingest(
      SignalCodec<?, T> codec,
      Transport transport,
      BodySource body,
      boolean json,
      String tenant,
      long reserved) {
    long[] held = {reserved};
    long queuedAt = System.nanoTime();
    CompletableFuture<IngestOutcome> result;
    try {
      result =
          CompletableFuture.supplyAsync(
                  () -> {
                    if (System.nanoTime() - queuedAt > maxDecodeWaitNanos) {
                      // not decoded, nothing stored: a retryable answer while the client waits
                      return CompletableFuture.<IngestOutcome>completedFuture(
                          new IngestOutcome.Unavailable(
                              "waited more than "
                                  + maxDecodeWaitNanos / 1_000_000
                                  + " ms for a decode thread (the receiver is overloaded); retry"
                                  + " after "
                                  + retryAfter.toSeconds()
                                  + "s",
                              retryAfter));
                    }
                    byte[] bytes;
                    try {
                      bytes = body.read();
                    } catch (BodyTooLargeException e) {
                      metrics
                          .rejected
                          .labels(codec.label(), transport.label(), "too_large")
                          .increment();
                      return CompletableFuture.<IngestOutcome>completedFuture(
                          new IngestOutcome.TooLarge(e.getMessage()));
                    } catch (IOException e) {
                      metrics
                          .rejected
                          .labels(codec.label(), transport.label(), "undecodable")
                          .increment();
                      return CompletableFuture.<IngestOutcome>completedFuture(
                          new IngestOutcome.Invalid(
                              "Content-Encoding is gzip but the body is not valid gzip: "
                                  + e.getMessage()));
                    }
                    if (bytes.length > held[0]) {
                      // the decompressed body counts, not the bytes on the wire
                      inFlightBytes.addAndGet(bytes.length - held[0]);
                      held[0] = bytes.length;
                    }
                    return decodeAndWrite(codec, transport, bytes, json, tenant);
                  },
                  decodeExecutor)
              .thenCompose(f -> f);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result
        .exceptionally(e -> unexpected(codec, e))
        .whenComplete((r, e) -> inFlightBytes.addAndGet(-held[0]));
  }

  private <T> CompletableFuture<IngestOutcome> decodeAndWrite(
      SignalCodec<?, T> codec, Transport transport, byte[] body, boolean json, String tenant) {
    String signal = codec.label();
    String via = transport.label();
    MappedBatch<T> decoded;
    try {
      decoded = codec.decode(body, json, tenant);
    } catch (OtlpDecodeException e) {
      metrics.rejected.labels(signal, via, "undecodable").increment();
      return CompletableFuture.completedFuture(new IngestOutcome.Invalid(e.getMessage()));
    }
    int valid = decoded.items().size();
    metrics.received.labels(signal, via).add(valid + decoded.rejected());
    if (decoded.rejected() > 0) {
      metrics.rejected.labels(signal, via, "invalid").add(decoded.rejected());
    }
    long start = System.nanoTime();
    return codec
        .write(writer, decoded.items())
        .handle(
            (ok, error) -> {
              if (error == null) {
                metrics.writeDuration.labels(signal).observeNanos(System.nanoTime() - start);
                metrics.stored.labels(signal, via).add(valid);
                return new IngestOutcome.Accepted(codec.response(decoded));
              }
              Throwable cause = unwrap(error);
              if (cause instanceof StorageOverloadedException overloaded) {
                metrics.rejected.labels(signal, via, "overloaded").add(valid);
                return new IngestOutcome.Unavailable(
                    "storage is busy: " + overloaded.getMessage(),
                    atLeastOneSecond(overloaded.retryAfter()));
              }
              metrics.rejected.labels(signal, via, "storage_error").add(valid);
              logThrottled("storage failed to write " + valid + " " + signal, cause);
              return new IngestOutcome.Unavailable(
                  "storage failed, nothing was stored: " + cause.getMessage(), retryAfter);
            });
  }

  private IngestOutcome unexpected(SignalCodec<?, ?> codec, Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof Error fatal && !(fatal instanceof OutOfMemoryError)) throw fatal;
    logThrottled("unexpected failure ingesting " + codec.label(), cause);
    return new IngestOutcome.Unavailable(
        "internal error, nothing was stored: " + cause, retryAfter);
  }

  private void logThrottled(String message, Throwable cause) {
    long now = System.nanoTime();
    long last = lastErrorLog.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastErrorLog.compareAndSet(last, now)) {
      long suppressed = suppressedErrors.sumThenReset();
      logger.error(
          "{}{}",
          message,
          suppressed > 0 ? " (" + suppressed + " similar errors suppressed)" : "",
          cause);
    } else {
      suppressedErrors.increment();
    }
  }

  /** Clients get whole seconds: sub-second hints would only make them hammer a busy server. */
  private static Duration atLeastOneSecond(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
    return e;
  }
}
