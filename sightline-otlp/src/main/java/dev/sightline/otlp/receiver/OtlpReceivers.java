package dev.sightline.otlp.receiver;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.TelemetryWriter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The OTLP receivers: binds the gRPC services and the OTLP/HTTP routes onto Armeria server
 * builders. Build with {@link #builder()}; one instance serves both transports and shares their
 * limits.
 */
public final class OtlpReceivers {
  private final IngestPipeline pipeline;
  private final long maxRequestBytes;
  private final SelfTelemetry telemetry;
  private final Duration retryAfter;
  private final List<SignalCodec<?>> codecs = SignalCodecs.all();

  private OtlpReceivers(Builder b) {
    this.maxRequestBytes = b.maxRequestBytes;
    this.telemetry = b.telemetry;
    this.retryAfter = b.retryAfter;
    this.pipeline = new IngestPipeline(b.writer, b.telemetry, b.maxInFlightBytes, b.retryAfter);
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
    for (SignalCodec<?> codec : codecs) {
      grpc.addService(new OtlpGrpcService<>(codec, pipeline).definition());
    }
    sb.service(grpc.build());
  }

  /** Adds {@code POST /v1/traces}, {@code /v1/metrics} and {@code /v1/logs}. */
  public void bindHttp(ServerBuilder sb) {
    for (SignalCodec<?> codec : codecs) {
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
        new IngestPipeline(DISCARD, new SelfTelemetry(), Long.MAX_VALUE, retryAfter);
    for (SignalCodec<?> codec : codecs) {
      sb.route()
          .post("/bench/discard" + codec.httpPath())
          .maxRequestLength(maxRequestBytes)
          .build(new OtlpHttpService<>(codec, discarding, maxRequestBytes));
    }
  }

  SelfTelemetry telemetry() {
    return telemetry;
  }

  private static final TelemetryWriter DISCARD =
      new TelemetryWriter() {
        @Override
        public CompletableFuture<Void> writeSpans(List<dev.sightline.core.model.Span> spans) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> writeLogs(List<dev.sightline.core.model.LogRecord> logs) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> writeMetrics(
            List<dev.sightline.core.model.MetricPoint> points) {
          return CompletableFuture.completedFuture(null);
        }
      };

  /** Validating builder; {@code writer} and {@code telemetry} are required. */
  public static final class Builder {
    private @Nullable TelemetryWriter writer;
    private @Nullable SelfTelemetry telemetry;
    private long maxRequestBytes = 16L << 20;
    private long maxInFlightBytes = 256L << 20;
    private Duration retryAfter = Duration.ofSeconds(2);

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
      if (maxRequestBytes <= 0)
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** Request bytes in decoding or storage at once before answering 429 (default 256 MiB). */
    public Builder maxInFlightBytes(long maxInFlightBytes) {
      if (maxInFlightBytes <= 0) {
        throw new IllegalArgumentException("maxInFlightBytes must be positive");
      }
      this.maxInFlightBytes = maxInFlightBytes;
      return this;
    }

    /** The retry hint sent with retryable answers (default 2 s). */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative())
        throw new IllegalArgumentException("retryAfter must not be negative");
      this.retryAfter = retryAfter;
      return this;
    }

    public OtlpReceivers build() {
      if (writer == null) throw new IllegalStateException("writer is required");
      if (telemetry == null) throw new IllegalStateException("telemetry is required");
      return new OtlpReceivers(this);
    }
  }
}
