package dev.sightline.otlp.receiver;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.TelemetryWriter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The OTLP receivers: binds the gRPC services and the OTLP/HTTP routes onto Armeria server
 * builders. Build with {@link #builder()}; one instance serves both transports and shares their
 * limits and its decode executor (one thread per core: decoding and mapping never run on an event
 * loop). {@link #close()} after the servers have stopped.
 */
public final class OtlpReceivers implements AutoCloseable {
  /**
   * Default of {@link Builder#maxDecodeWait}: with the storage queue's own bound (7 s of age) and a
   * commit on top, an acknowledgement still leaves before an OTel exporter's 10 s timeout.
   */
  public static final Duration DEFAULT_MAX_DECODE_WAIT = Duration.ofSeconds(2);

  private final List<SignalCodec<?, ?>> codecs = SignalCodecs.all();
  private final long maxRequestBytes;
  private final Duration retryAfter;
  private final Duration maxDecodeWait;
  private final ExecutorService decodeExecutor;
  private final IngestMetrics metrics;
  private final IngestPipeline pipeline;

  private OtlpReceivers(Builder b) {
    this.maxRequestBytes = b.maxRequestBytes;
    this.retryAfter = b.retryAfter;
    this.maxDecodeWait = b.maxDecodeWait;
    AtomicInteger threadNumber = new AtomicInteger();
    this.decodeExecutor =
        Executors.newFixedThreadPool(
            b.decodeThreads,
            r -> {
              Thread t = new Thread(r, "sightline-otlp-decode-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.metrics = new IngestMetrics(b.telemetry);
    this.pipeline =
        new IngestPipeline(
            b.writer, decodeExecutor, metrics, b.maxInFlightBytes, b.retryAfter, b.maxDecodeWait);
    TelemetryWriter writer = b.writer;
    b.telemetry.gauge(
        "sightline_receiver_inflight_bytes",
        "Request bytes (decompressed) being decoded or waiting for storage.",
        pipeline::inFlightBytes);
    b.telemetry.gauge(
        "sightline_storage_queue_items",
        "Items accepted by storage and not yet durable.",
        writer::queuedItems);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds {@code TraceService}, {@code MetricsService} and {@code LogsService} (gRPC, unary Export).
   */
  public void bindGrpc(ServerBuilder sb) {
    GrpcServiceBuilder grpc =
        GrpcService.builder()
            .maxRequestMessageLength(Math.toIntExact(Math.min(Integer.MAX_VALUE, maxRequestBytes)))
            .useBlockingTaskExecutor(false);
    for (SignalCodec<?, ?> codec : codecs) {
      grpc.addService(new OtlpGrpcService<>(codec, pipeline).definition());
    }
    sb.service(grpc.build());
  }

  /** Adds {@code POST /v1/traces}, {@code /v1/metrics} and {@code /v1/logs}. */
  public void bindHttp(ServerBuilder sb) {
    for (SignalCodec<?, ?> codec : codecs) {
      sb.route()
          .post(codec.httpPath())
          .maxRequestLength(maxRequestBytes)
          .build(new OtlpHttpService<>(codec, pipeline, maxRequestBytes));
    }
  }

  /**
   * Adds {@code POST /bench/discard/v1/...}: the same decoding, validation and mapping as {@link
   * #bindHttp}, then the items are dropped instead of stored. A benchmark baseline that shows what
   * storage costs; never enabled by default.
   */
  public void bindDiscardHttp(ServerBuilder sb) {
    IngestPipeline discarding =
        new IngestPipeline(
            DISCARD,
            decodeExecutor,
            new IngestMetrics(new SelfTelemetry()),
            Long.MAX_VALUE,
            retryAfter,
            maxDecodeWait);
    for (SignalCodec<?, ?> codec : codecs) {
      sb.route()
          .post("/bench/discard" + codec.httpPath())
          .maxRequestLength(maxRequestBytes)
          .build(new OtlpHttpService<>(codec, discarding, maxRequestBytes));
    }
  }

  /**
   * The error handler for the OTLP/HTTP server: statuses Armeria answers by itself on OTLP paths
   * (413 for a body over the limit, 405, ...) become {@code google.rpc.Status} bodies.
   */
  public ServerErrorHandler httpErrorHandler() {
    return new OtlpStatusRenderer(codecs, metrics, maxRequestBytes);
  }

  /** Stops the decode executor, waiting briefly for requests being decoded. */
  @Override
  public void close() {
    decodeExecutor.shutdown();
    try {
      if (!decodeExecutor.awaitTermination(10, TimeUnit.SECONDS)) decodeExecutor.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      decodeExecutor.shutdownNow();
    }
  }

  private static final TelemetryWriter DISCARD =
      new TelemetryWriter() {
        @Override
        public CompletableFuture<Void> writeSpans(List<Span> spans) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
          return CompletableFuture.completedFuture(null);
        }
      };

  /** Validating builder; {@code writer} and {@code telemetry} are required. */
  public static final class Builder {
    private @Nullable TelemetryWriter writer;
    private @Nullable SelfTelemetry telemetry;
    private long maxRequestBytes = 16L << 20;
    private long maxInFlightBytes = 128L << 20;
    private Duration retryAfter = Duration.ofSeconds(2);
    private Duration maxDecodeWait = DEFAULT_MAX_DECODE_WAIT;
    private int decodeThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    public Builder writer(TelemetryWriter writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      return this;
    }

    public Builder telemetry(SelfTelemetry telemetry) {
      this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
      return this;
    }

    /** Largest request body, compressed and after decompression (default 16 MiB). */
    public Builder maxRequestBytes(long maxRequestBytes) {
      if (maxRequestBytes <= 0) {
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** Decompressed request bytes in decoding or storage at once before 429 (default 128 MiB). */
    public Builder maxInFlightBytes(long maxInFlightBytes) {
      if (maxInFlightBytes <= 0) {
        throw new IllegalArgumentException("maxInFlightBytes must be positive");
      }
      this.maxInFlightBytes = maxInFlightBytes;
      return this;
    }

    /** The retry hint sent with retryable answers (default 2 s). */
    /**
     * The longest a request may wait for a decode thread (default {@link
     * #DEFAULT_MAX_DECODE_WAIT}). A request that waited longer is answered with a retryable status
     * (HTTP 503 + Retry-After, gRPC UNAVAILABLE) without being decoded: under overload the
     * in-flight byte budget alone lets hundreds of requests queue for seconds, and an answer that
     * arrives after the client's export timeout (10 s in the OTel SDKs) is one it no longer reads.
     */
    public Builder maxDecodeWait(Duration maxDecodeWait) {
      Objects.requireNonNull(maxDecodeWait, "maxDecodeWait");
      if (maxDecodeWait.isNegative()) {
        throw new IllegalArgumentException("maxDecodeWait must not be negative");
      }
      this.maxDecodeWait = maxDecodeWait;
      return this;
    }

    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** Threads decoding and mapping requests (default: one per core). */
    public Builder decodeThreads(int decodeThreads) {
      if (decodeThreads <= 0) throw new IllegalArgumentException("decodeThreads must be positive");
      this.decodeThreads = decodeThreads;
      return this;
    }

    public OtlpReceivers build() {
      if (writer == null) throw new IllegalStateException("writer is required");
      if (telemetry == null) throw new IllegalStateException("telemetry is required");
      return new OtlpReceivers(this);
    }
  }
}
