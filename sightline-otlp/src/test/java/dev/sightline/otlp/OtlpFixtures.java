package dev.sightline.otlp;

import com.google.protobuf.ByteString;
import dev.sightline.core.model.Ids;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;

/** OTLP requests that set every field the mappers read, and small builders for tests. */
final class OtlpFixtures {
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_ID = "b7ad6b7169203331";
  static final String PARENT_ID = "00f067aa0ba902b7";
  static final String LINK_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String LINK_SPAN_ID = "53995c3f42cd8ad8";
  static final long START = 1_700_000_000_123_456_789L;
  static final long END = START + 1_500_000L;

  private OtlpFixtures() {}

  static ByteString id(String hex) {
    return ByteString.copyFrom(Ids.fromHex(hex));
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static KeyValue kv(String key, String value) {
    return kv(key, str(value));
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  /** One attribute of every AnyValue kind, nested arrays and kvlists included. */
  static Iterable<KeyValue> everyValueKind() {
    AnyValue nestedList =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(kv("inner.string", "x"))
                    .addValues(
                        kv(
                            "inner.array",
                            AnyValue.newBuilder()
                                .setArrayValue(
                                    ArrayValue.newBuilder()
                                        .addValues(AnyValue.newBuilder().setIntValue(1))
                                        .addValues(AnyValue.newBuilder().setBoolValue(false)))
                                .build())))
            .build();
    return java.util.List.of(
        kv("string", "text with \"quotes\" and ünïcödé"),
        kv("bool", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("int", AnyValue.newBuilder().setIntValue(-9_007_199_254_740_993L).build()),
        kv("double", AnyValue.newBuilder().setDoubleValue(637.704).build()),
        kv(
            "bytes",
            AnyValue.newBuilder()
                .setBytesValue(ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}))
                .build()),
        kv(
            "array",
            AnyValue.newBuilder()
                .setArrayValue(
                    ArrayValue.newBuilder()
                        .addValues(str("many"))
                        .addValues(AnyValue.newBuilder().setDoubleValue(1.5))
                        .addValues(
                            AnyValue.newBuilder()
                                .setArrayValue(ArrayValue.newBuilder().addValues(str("deep"))))
                        .addValues(nestedList))
                .build()),
        kv("kvlist", nestedList),
        kv("empty", AnyValue.getDefaultInstance()),
        kv("empty.string", str("")));
  }

  static Resource resource() {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", "checkout"))
        .addAttributes(kv("host.name", "node-1"))
        .setDroppedAttributesCount(2)
        .build();
  }

  static InstrumentationScope scope() {
    return InstrumentationScope.newBuilder()
        .setName("io.opentelemetry.jdbc")
        .setVersion("2.31.1")
        .addAttributes(kv("scope.attr", "s"))
        .setDroppedAttributesCount(1)
        .build();
  }

  static Span fullSpan() {
    return Span.newBuilder()
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(SPAN_ID))
        .setParentSpanId(id(PARENT_ID))
        .setTraceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
        .setFlags(0x301)
        .setName("SELECT orders")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(END)
        .addAllAttributes(everyValueKind())
        .setDroppedAttributesCount(3)
        .addEvents(
            Span.Event.newBuilder()
                .setTimeUnixNano(START + 10)
                .setName("exception")
                .addAttributes(kv("exception.type", "java.sql.SQLException"))
                .setDroppedAttributesCount(4))
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(START + 20).setName("retry"))
        .setDroppedEventsCount(5)
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(id(LINK_TRACE_ID))
                .setSpanId(id(LINK_SPAN_ID))
                .setTraceState("k=v")
                .addAttributes(kv("link.attr", "l"))
                .setDroppedAttributesCount(6)
                .setFlags(1))
        .setDroppedLinksCount(7)
        .setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage("connection reset"))
        .build();
  }

  static ExportTraceServiceRequest fullTraceRequest() {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource())
                .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(scope())
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                        .addSpans(fullSpan())
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(id(TRACE_ID))
                                .setSpanId(id(PARENT_ID))
                                .setName("root")
                                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                                .setStartTimeUnixNano(START - 5)
                                .setEndTimeUnixNano(END + 5))))
        .build();
  }

  static LogRecord fullLogRecord() {
    return LogRecord.newBuilder()
        .setTimeUnixNano(START)
        .setObservedTimeUnixNano(START + 1000)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN2)
        .setSeverityText("WARNING")
        .setBody(
            AnyValue.newBuilder()
                .setKvlistValue(KeyValueList.newBuilder().addAllValues(everyValueKind())))
        .addAllAttributes(everyValueKind())
        .setDroppedAttributesCount(8)
        .setFlags(1)
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(SPAN_ID))
        .setEventName("device.app.lifecycle")
        .build();
  }

  static ExportLogsServiceRequest fullLogsRequest() {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource())
                .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(scope())
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                        .addLogRecords(fullLogRecord())
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setTimeUnixNano(START)
                                .setBody(str("plain line")))))
        .build();
  }

  static Exemplar exemplar(boolean asInt) {
    Exemplar.Builder b =
        Exemplar.newBuilder()
            .setTimeUnixNano(START + 7)
            .setTraceId(id(TRACE_ID))
            .setSpanId(id(SPAN_ID))
            .addFilteredAttributes(kv("user.id", "u-42"));
    return (asInt ? b.setAsInt(-17) : b.setAsDouble(0.25)).build();
  }

  static ExportMetricsServiceRequest fullMetricsRequest() {
    Metric gauge =
        Metric.newBuilder()
            .setName("jvm.memory.used")
            .setDescription("heap in use")
            .setUnit("By")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .addAttributes(kv("pool", "eden"))
                            .setTimeUnixNano(END)
                            .setAsInt(123_456_789_012L)
                            .addExemplars(exemplar(true))))
            .build();
    Metric sum =
        Metric.newBuilder()
            .setName("http.server.requests")
            .setDescription("requests")
            .setUnit("{request}")
            .setSum(
                Sum.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .setIsMonotonic(true)
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .addAttributes(kv("http.route", "/orders"))
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setAsDouble(42.5)
                            .setFlags(0)
                            .addExemplars(exemplar(false)))
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setAsDouble(0)))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("http.server.duration")
            .setUnit("ms")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .addAttributes(kv("http.route", "/orders"))
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setCount(6)
                            .setSum(123.5)
                            .setMin(0.5)
                            .setMax(80)
                            .addBucketCounts(1)
                            .addBucketCounts(2)
                            .addBucketCounts(3)
                            .addExplicitBounds(10)
                            .addExplicitBounds(50)
                            .setFlags(0)
                            .addExemplars(exemplar(false)))
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setCount(0)))
            .build();
    Metric exponential =
        Metric.newBuilder()
            .setName("rpc.duration")
            .setUnit("s")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .addAttributes(kv("rpc.method", "Get"))
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setCount(9)
                            .setSum(-3.25)
                            .setMin(-2)
                            .setMax(4)
                            .setScale(-3)
                            .setZeroCount(2)
                            .setZeroThreshold(1e-9)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(-2)
                                    .addBucketCounts(1)
                                    .addBucketCounts(3))
                            .setNegative(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(5)
                                    .addBucketCounts(3))
                            .setFlags(0)
                            .addExemplars(exemplar(true))))
            .build();
    Metric summary =
        Metric.newBuilder()
            .setName("gc.pause")
            .setUnit("ms")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .addAttributes(kv("gc", "G1 Young"))
                            .setStartTimeUnixNano(START)
                            .setTimeUnixNano(END)
                            .setCount(4)
                            .setSum(12.75)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0)
                                    .setValue(1.5))
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(6.25))
                            .setFlags(0)))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource())
                .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(scope())
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                        .addMetrics(gauge)
                        .addMetrics(sum)
                        .addMetrics(histogram)
                        .addMetrics(exponential)
                        .addMetrics(summary)))
        .build();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
