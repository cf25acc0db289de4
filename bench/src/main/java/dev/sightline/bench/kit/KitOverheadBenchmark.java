package dev.sightline.bench.kit;

import dev.sightline.kit.baggage.BaggageLogRecordProcessor;
import dev.sightline.kit.baggage.BaggageSpanProcessor;
import dev.sightline.kit.logs.LogSampler;
import dev.sightline.kit.metrics.MetricCardinalityGuard;
import dev.sightline.kit.redaction.PiiRedactor;
import dev.sightline.kit.redaction.RedactingLogRecordProcessor;
import dev.sightline.kit.redaction.RedactingSpanProcessor;
import dev.sightline.kit.trace.ErrorClassifier;
import dev.sightline.kit.trace.RuleBasedSampler;
import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The instrumentation kit against the raw OpenTelemetry SDK, in one run (see the kit README for the
 * figures and how to run it):
 *
 * <ul>
 *   <li>a span through the typed helper {@link Traced#call} vs the same span written by hand
 *       (start, make current, status OK, end), both on a plain SDK with a batch span processor;
 *   <li>the same two with the kit's span processors installed (baggage copy, redaction wrapper, log
 *       sampler);
 *   <li>the export-side cost of redaction ({@code toSpanData()} of the redacted view), which runs
 *       on the batch processor's thread, for clean attributes and attributes holding PII;
 *   <li>a log record through the raw pipeline vs the kit's (baggage copy, log sampler, redaction);
 *   <li>a counter increment without and with the cardinality guard view;
 *   <li>a root sampling decision, the SDK's parent-based ratio sampler vs the rule-based sampler.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class KitOverheadBenchmark {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("order.id");
  private static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");

  private SdkTracerProvider rawTracerProvider;
  private SdkTracerProvider kitTracerProvider;
  private Tracer rawTracer;
  private Tracer kitTracer;
  private Traced rawTraced;
  private Traced kitTraced;

  private ReadableSpan plainEnded;
  private ReadableSpan redactedClean;
  private ReadableSpan redactedPii;

  private SdkLoggerProvider rawLoggerProvider;
  private SdkLoggerProvider kitLoggerProvider;
  private Logger rawLogger;
  private Logger kitLogger;

  private SdkMeterProvider rawMeterProvider;
  private SdkMeterProvider guardedMeterProvider;
  private LongCounter rawCounter;
  private LongCounter guardedCounter;
  private Attributes counterAttributes;

  private Sampler sdkSampler;
  private Sampler ruleSampler;
  private String traceId;
  private Attributes samplerAttributes;

  @Setup(Level.Trial)
  public void setUp() {
    PiiRedactor redactor = PiiRedactor.defaults();
    LogSampler logSampler = LogSampler.builder().hotLogger("bench.hot", 0.1).build();

    rawTracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(new DroppingSpanProcessor()).build();
    kitTracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(BaggageSpanProcessor.create(Map.of("tenant.id", "tenant.id")))
            .addSpanProcessor(RedactingSpanProcessor.wrap(new DroppingSpanProcessor(), redactor))
            .addSpanProcessor(logSampler)
            .build();
    rawTracer = rawTracerProvider.get("bench");
    kitTracer = kitTracerProvider.get("bench");
    rawTraced = Traced.create(rawTracer, ErrorClassifier.defaults());
    kitTraced = Traced.create(kitTracer, ErrorClassifier.defaults());

    plainEnded = endedSpan(null, Attributes.of(ROUTE, "/orders", ORDER_ID, "ord-1234"));
    redactedClean = endedSpan(redactor, Attributes.of(ROUTE, "/orders", ORDER_ID, "ord-1234"));
    redactedPii =
        endedSpan(
            redactor,
            Attributes.of(
                ROUTE,
                "/orders",
                AttributeKey.stringKey("customer.contact"),
                "call 13800138000 or alice@example.com, card 4111 1111 1111 1111"));

    rawLoggerProvider =
        SdkLoggerProvider.builder().addLogRecordProcessor(new SnapshottingLogProcessor()).build();
    kitLoggerProvider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(
                LogRecordProcessor.composite(
                    BaggageLogRecordProcessor.create(Map.of("tenant.id", "tenant_id")),
                    logSampler.wrap(
                        RedactingLogRecordProcessor.wrap(
                            new SnapshottingLogProcessor(), redactor))))
            .build();
    rawLogger = rawLoggerProvider.get("bench.orders");
    kitLogger = kitLoggerProvider.get("bench.orders");

    MetricReader rawReader = dailyReader();
    MetricReader guardedReader = dailyReader();
    rawMeterProvider = SdkMeterProvider.builder().registerMetricReader(rawReader).build();
    guardedMeterProvider =
        MetricCardinalityGuard.defaults()
            .apply(SdkMeterProvider.builder().registerMetricReader(guardedReader))
            .build();
    rawCounter = rawMeterProvider.get("bench").counterBuilder("requests").build();
    guardedCounter = guardedMeterProvider.get("bench").counterBuilder("requests").build();
    counterAttributes =
        Attributes.of(ROUTE, "/orders", AttributeKey.stringKey("http.request.method"), "POST");

    sdkSampler = Sampler.parentBased(Sampler.traceIdRatioBased(0.5));
    ruleSampler =
        RuleBasedSampler.builder()
            .defaultRatio(0.5)
            .routeRatio("/checkout", 1.0)
            .spanNameRatio("Inventory.*", 0.2)
            .build();
    traceId = IdGenerator.random().generateTraceId();
    samplerAttributes = Attributes.of(ROUTE, "/orders");
  }

  /**
   * Every benchmark runs with tenant baggage current, as a request of the shop would. Thread state:
   * JMH runs its setup on the thread that runs the benchmark.
   */
  @State(Scope.Thread)
  public static class TenantContext {
    private io.opentelemetry.context.Scope scope;

    @Setup(Level.Iteration)
    public void enter() {
      scope = Context.root().with(Baggage.builder().put("tenant.id", "acme").build()).makeCurrent();
    }

    @TearDown(Level.Iteration)
    public void exit() {
      scope.close();
    }
  }

  private static MetricReader dailyReader() {
    return PeriodicMetricReader.builder(new DiscardingMetricExporter())
        .setInterval(Duration.ofDays(1))
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    rawTracerProvider.close();
    kitTracerProvider.close();
    rawLoggerProvider.close();
    kitLoggerProvider.close();
    rawMeterProvider.close();
    guardedMeterProvider.close();
  }

  private static ReadableSpan endedSpan(PiiRedactor redactor, Attributes attributes) {
    CapturingProcessor capture = new CapturingProcessor();
    SpanProcessor processor =
        redactor == null ? capture : RedactingSpanProcessor.wrap(capture, redactor);
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
      Span span =
          provider
              .get("bench")
              .spanBuilder("Order.OrderService.PlaceOrder")
              .setAllAttributes(attributes)
              .startSpan();
      span.setStatus(StatusCode.OK);
      span.end();
    }
    return capture.ended;
  }

  // --- spans: the typed helper vs the same code by hand --------------------------------------

  /** What {@link Traced#call} does, written by hand against the SDK. */
  private static long byHand(Tracer tracer) {
    Span span = tracer.spanBuilder("Order.OrderService.PlaceOrder").startSpan();
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      long result = work(span);
      span.setStatus(StatusCode.OK);
      return result;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, "system_error");
      throw e;
    } finally {
      span.end();
    }
  }

  private static long work(Span span) {
    span.setAttribute(ORDER_ID, "ord-1234");
    return 42L;
  }

  @Benchmark
  public long span_rawSdk(TenantContext tenant) {
    return byHand(rawTracer);
  }

  @Benchmark
  public long span_typedHelper(TenantContext tenant) {
    return rawTraced.call("Order.OrderService.PlaceOrder", KitOverheadBenchmark::work);
  }

  @Benchmark
  public long span_rawSdk_kitProcessors(TenantContext tenant) {
    return byHand(kitTracer);
  }

  @Benchmark
  public long span_typedHelper_kitProcessors(TenantContext tenant) {
    return kitTraced.call("Order.OrderService.PlaceOrder", KitOverheadBenchmark::work);
  }

  // --- export side of redaction (runs on the batch processor's thread) ------------------------

  @Benchmark
  public SpanData export_toSpanData_plain(TenantContext tenant) {
    return plainEnded.toSpanData();
  }

  @Benchmark
  public SpanData export_toSpanData_redacted_clean(TenantContext tenant) {
    return redactedClean.toSpanData();
  }

  @Benchmark
  public SpanData export_toSpanData_redacted_pii(TenantContext tenant) {
    return redactedPii.toSpanData();
  }

  // --- logs ------------------------------------------------------------------------------------

  @Benchmark
  public void log_rawSdk(TenantContext tenant) {
    rawLogger
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setBody("order ord-1234 placed: 2 x sku-3")
        .setAttribute(ORDER_ID, "ord-1234")
        .emit();
  }

  @Benchmark
  public void log_kitPipeline(TenantContext tenant) {
    kitLogger
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setBody("order ord-1234 placed: 2 x sku-3")
        .setAttribute(ORDER_ID, "ord-1234")
        .emit();
  }

  // --- metrics ---------------------------------------------------------------------------------

  @Benchmark
  public void counter_rawSdk(TenantContext tenant) {
    rawCounter.add(1, counterAttributes);
  }

  @Benchmark
  public void counter_cardinalityGuard(TenantContext tenant) {
    guardedCounter.add(1, counterAttributes);
  }

  @Benchmark
  public void counter_cardinalityGuard_strippedKey(TenantContext tenant) {
    guardedCounter.add(
        1, Attributes.of(ROUTE, "/orders", USER_ID, "user-1234")); // user.id is stripped
  }

  // --- sampling --------------------------------------------------------------------------------

  @Benchmark
  public SamplingResult sampler_sdkParentBasedRatio(TenantContext tenant) {
    return sdkSampler.shouldSample(
        Context.root(), traceId, "POST", SpanKind.SERVER, samplerAttributes, List.of());
  }

  @Benchmark
  public SamplingResult sampler_ruleBased(TenantContext tenant) {
    return ruleSampler.shouldSample(
        Context.root(), traceId, "POST", SpanKind.SERVER, samplerAttributes, List.of());
  }

  /**
   * The export stage of the span benchmarks: it drops the span at {@code onEnd}, so only the
   * application thread's work is measured. (A {@code BatchSpanProcessor}'s worker thread, on a
   * small shared machine, makes the figures swing by more than the differences measured; its
   * per-span work is what the {@code export_*} benchmarks measure.)
   */
  private static final class DroppingSpanProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      if (!span.getSpanContext().isSampled()) {
        throw new IllegalStateException("unsampled span reached the exporter");
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  /**
   * The export stage of the log benchmarks: takes the {@code toLogRecordData()} snapshot a {@code
   * BatchLogRecordProcessor} takes on the caller's thread, and drops it.
   */
  private static final class SnapshottingLogProcessor implements LogRecordProcessor {
    LogRecordData last;

    @Override
    public void onEmit(Context context, io.opentelemetry.sdk.logs.ReadWriteLogRecord logRecord) {
      last = logRecord.toLogRecordData();
    }
  }

  /** Keeps the last ended span; used to obtain a (redacted) ended span to export. */
  private static final class CapturingProcessor implements SpanProcessor {
    ReadableSpan ended;

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended = span;
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  private static final class DiscardingMetricExporter implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
