package dev.sightline.otlp.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.TelemetryWriter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request that waited too long for a decode thread is refused retryably, never half-stored. */
class IngestPipelineDecodeWaitTest {
  private final ExecutorService decode = Executors.newSingleThreadExecutor();
  private final CountingWriter writer = new CountingWriter();

  @AfterEach
  void stop() {
    decode.shutdownNow();
  }

  private IngestPipeline pipeline(Duration maxDecodeWait) {
    return new IngestPipeline(
        writer,
        decode,
        new IngestMetrics(new SelfTelemetry()),
        1 << 20,
        Duration.ofSeconds(3),
        maxDecodeWait);
  }

  private static byte[] oneSpan() {
    byte[] traceId = new byte[16];
    byte[] spanId = new byte[8];
    traceId[15] = 1;
    spanId[7] = 1;
    io.opentelemetry.proto.trace.v1.Span span =
        io.opentelemetry.proto.trace.v1.Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(spanId))
            .setName("GET /")
            .setStartTimeUnixNano(1_700_000_000_000_000_000L)
            .setEndTimeUnixNano(1_700_000_000_100_000_000L)
            .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build()
        .toByteArray();
  }

  /** As the transports do: reserve the body's bytes, then ingest (which releases them). */
  private static CompletableFuture<IngestOutcome> export(IngestPipeline pipeline, byte[] body) {
    assertThat(pipeline.reserve(body.length)).isNull();
    return pipeline.ingest(
        SignalCodecs.TRACES, Transport.HTTP_PROTOBUF, () -> body, false, "t1", body.length);
  }

  @Test
  void requestQueuedBehindBusyDecodeThreadsPastTheBound_isUnavailableAndNotStored()
      throws Exception {
    byte[] body = oneSpan();
    IngestPipeline pipeline = pipeline(Duration.ZERO);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    decode.execute(
        () -> {
          busy.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<IngestOutcome> waiting = export(pipeline, body);
    release.countDown();

    IngestOutcome outcome = waiting.get(30, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(IngestOutcome.Unavailable.class);
    IngestOutcome.Unavailable unavailable = (IngestOutcome.Unavailable) outcome;
    assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(unavailable.message()).contains("decode thread");
    assertThat(writer.spans.get()).isZero();
    assertThat(pipeline.inFlightBytes()).isZero();
  }

  @Test
  void requestDecodedWithinTheBound_isStored() throws Exception {
    byte[] body = oneSpan();
    IngestPipeline pipeline = pipeline(OtlpReceivers.DEFAULT_MAX_DECODE_WAIT);

    IngestOutcome outcome = export(pipeline, body).get(30, TimeUnit.SECONDS);

    assertThat(outcome).isInstanceOf(IngestOutcome.Accepted.class);
    assertThat(writer.spans.get()).isPositive();
    assertThat(pipeline.inFlightBytes()).isZero();
  }

  private static final class CountingWriter implements TelemetryWriter {
    final AtomicInteger spans = new AtomicInteger();

    @Override
    public CompletableFuture<Void> writeSpans(List<Span> batch) {
      spans.addAndGet(batch.size());
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
  }
}
