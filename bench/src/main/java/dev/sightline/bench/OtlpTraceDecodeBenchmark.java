package dev.sightline.bench;

import dev.sightline.core.model.Span;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import dev.sightline.otlp.ProtobufSpanDecoder;
import dev.sightline.otlp.SpanMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding and mapping one OTLP/protobuf trace export request as the receiver does, single thread:
 * protobuf-java's generated {@code ExportTraceServiceRequest.parseFrom} then {@link SpanMapper}
 * (what the receiver did, the baseline) against {@link ProtobufSpanDecoder}, which reads the wire
 * format straight into the core model (what it does now), in one run. The request is the ingest
 * harness's: {@link ShopTraceGenerator}'s web-shop traces, 200 spans (whole traces, so a few more)
 * with ten attributes each and an exception event on failed traces. Both return equal batches
 * (checked in {@link #setUp}, and on many more requests by {@code ProtobufSpanDecoderTest}).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   OtlpTraceDecodeBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class OtlpTraceDecodeBenchmark {
  private static final String TENANT = "bench";

  private byte[] body;

  @Setup
  public void setUp() throws Exception {
    ExportTraceServiceRequest request =
        new ShopTraceGenerator(42, 1_700_000_000_000_000_000L).request(200);
    body = request.toByteArray();
    MappedBatch<Span> baseline = generated();
    MappedBatch<Span> direct = direct();
    if (!baseline.equals(direct) || baseline.items().size() < 200) {
      throw new IllegalStateException("the decoders disagree on the benchmark request");
    }
    System.out.printf("%n%d spans, %d bytes per request%n", baseline.items().size(), body.length);
  }

  @Benchmark
  public MappedBatch<Span> generated() throws OtlpDecodeException {
    try {
      return SpanMapper.map(ExportTraceServiceRequest.parseFrom(body), TENANT);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new OtlpDecodeException(e.getMessage(), e);
    }
  }

  @Benchmark
  public MappedBatch<Span> direct() throws OtlpDecodeException {
    return ProtobufSpanDecoder.decode(body, TENANT);
  }
}
