package dev.sightline.otlp.receiver;

import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent ingest path: decode, validate and map, write, and acknowledge only once
 * storage reports the batch durable. Never throws into the caller: every failure becomes an {@link
 * IngestOutcome}. Bounds the request bytes in flight so that a slow storage turns into retryable
 * answers instead of heap growth.
 */
final class IngestPipeline {
  private static final Logger logger = LoggerFactory.getLogger(IngestPipeline.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final TelemetryWriter writer;
  private final IngestMetrics metrics;
  private final long maxInFlightBytes;
  private final Duration retryAfter;
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final LongAdder suppressedErrors = new LongAdder();

  IngestPipeline(
      TelemetryWriter writer, SelfTelemetry telemetry, long maxInFlightBytes, Duration retryAfter) {
    this.writer = writer;
    this.metrics = new IngestMetrics(telemetry);
    this.maxInFlightBytes = maxInFlightBytes;
    this.retryAfter = retryAfter;
    telemetry.gauge(
        "sightline_receiver_inflight_bytes",
        "Request bytes decoded or waiting for storage.",
        inFlightBytes::get);
    telemetry.gauge(
        "sightline_storage_queue_items",
        "Items accepted by storage and not yet durable.",
        () -> writer.queuedItems());
  }

  IngestMetrics metrics() {
    return metrics;
  }

  /** Runs one export request whose body is already read (and decompressed). */
  <T> CompletableFuture<IngestOutcome> ingest(
      SignalCodec<T> codec, Transport transport, byte[] body, boolean json, String tenant) {
    long size = body.length;
    long now = inFlightBytes.addAndGet(size);
    if (now > maxInFlightBytes && now != size) {
      inFlightBytes.addAndGet(-size);
      return CompletableFuture.completedFuture(
          new IngestOutcome.Throttled(
              "too many request bytes in flight (limit "
                  + maxInFlightBytes
                  + "); retry after "
                  + retryAfter.toSeconds()
                  + "s",
              retryAfter));
    }
    CompletableFuture<IngestOutcome> result;
    try {
      result = decodeAndWrite(codec, transport, body, json, tenant);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result
        .exceptionally(e -> unexpected(codec, e))
        .whenComplete((r, e) -> inFlightBytes.addAndGet(-size));
  }

  private <T> CompletableFuture<IngestOutcome> decodeAndWrite(
      SignalCodec<T> codec, Transport transport, byte[] body, boolean json, String tenant) {
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

  private IngestOutcome unexpected(SignalCodec<?> codec, Throwable error) {
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
