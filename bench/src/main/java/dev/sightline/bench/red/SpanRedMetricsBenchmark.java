package dev.sightline.bench.red;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.selftelemetry.SpanRedMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-span cost of the span RED counters on the ingest path ({@link SpanRedMetrics#record}: one
 * series lookup, a counter increment and a histogram observation) against a baseline that reads the
 * same span fields, in one run. A batch of {@value #BATCH} spans over {@code series} distinct label
 * sets (50 services × operations × kinds × statuses), all series already present, as in steady
 * state.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   SpanRedMetricsBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class SpanRedMetricsBenchmark {
  static final int BATCH = 1_000;

  @Param({"100", "5000"})
  int series;

  private List<Span> spans;
  private SpanRedMetrics red;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    int services = Math.min(50, series);
    List<Span> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int s = random.nextInt(series);
      String service = "service-" + (s % services);
      long duration = (long) (random.nextDouble() * 2_000_000_000L);
      batch.add(
          Span.builder()
              .traceId("5b8efff798038103d269b633813fc60c")
              .spanId("0000000000000001")
              .name("operation-" + (s / services))
              .kind(SpanKind.SERVER)
              .startTimeUnixNano(1_000_000_000L)
              .endTimeUnixNano(1_000_000_000L + duration)
              .status(random.nextInt(100) == 0 ? StatusCode.ERROR : StatusCode.UNSET, "")
              .resource(Resource.of(Attributes.ofStrings(Resource.SERVICE_NAME, service)))
              .build());
    }
    spans = List.copyOf(batch);
    red = SpanRedMetrics.builder().telemetry(new SelfTelemetry()).build();
    red.record(spans); // every series exists from here on
  }

  /** Reads what {@code record} reads from each span, without counting. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineReadSpanFields(Blackhole bh) {
    for (int i = 0, n = spans.size(); i < n; i++) {
      Span span = spans.get(i);
      bh.consume(span.serviceName());
      bh.consume(span.name());
      bh.consume(span.kind());
      bh.consume(span.statusCode());
      bh.consume(span.endTimeUnixNano() - span.startTimeUnixNano());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void recordSpanRed() {
    red.record(spans);
  }
}
