package dev.sightline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example payloads of the OTLP specification ({@code examples/} of opentelemetry-proto), found
 * through the system property {@code sightline.otlpExamples} that the build sets.
 */
class OtlpSpecExamplesTest {
  private static final long TIME = 1_544_712_660_300_000_000L;
  private static final Resource RESOURCE =
      Resource.of(Attributes.ofStrings("service.name", "my.service"));
  private static final InstrumentationScope SCOPE =
      new InstrumentationScope(
          "my.library",
          "1.0.0",
          Attributes.ofStrings("my.scope.attribute", "some scope attribute"),
          0,
          "");

  private static byte[] example(String name) throws IOException {
    String dir = System.getProperty("sightline.otlpExamples");
    assertThat(dir).as("system property sightline.otlpExamples").isNotNull();
    return Files.readAllBytes(Path.of(dir, name));
  }

  private static final Span EXPECTED_SPAN =
      Span.builder()
          .tenant("tenant-1")
          .traceId("5b8efff798038103d269b633813fc60c")
          .spanId("eee19b7ec3c1b174")
          .parentSpanId("eee19b7ec3c1b173")
          .name("I'm a server span")
          .startTimeUnixNano(1_544_712_660_000_000_000L)
          .endTimeUnixNano(1_544_712_661_000_000_000L)
          .kind(SpanKind.SERVER)
          .attributes(Attributes.ofStrings("my.span.attr", "some value"))
          .status(StatusCode.UNSET, "")
          .resource(RESOURCE)
          .scope(SCOPE)
          .build();

  @Test
  void traceJson() throws Exception {
    MappedBatch<Span> batch =
        SpanMapper.map(OtlpJson.decodeTraces(example("trace.json")), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.items()).containsExactly(EXPECTED_SPAN);
    Span span = batch.items().get(0);
    // field by field, so that a failure says which one
    assertThat(span.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
    assertThat(span.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.durationNanos()).isEqualTo(1_000_000_000L);
    assertThat(span.serviceName()).isEqualTo("my.service");
    assertThat(span.scope().name()).isEqualTo("my.library");
    assertThat(span.scope().version()).isEqualTo("1.0.0");
    assertThat(span.scope().attributes().getString("my.scope.attribute"))
        .isEqualTo("some scope attribute");
    assertThat(span.attributes().getString("my.span.attr")).isEqualTo("some value");
  }

  @Test
  void traceProtobufDecodesToTheSameRequestAsTraceJson() throws Exception {
    ExportTraceServiceRequest fromProtobuf =
        OtlpProtobuf.decodeTraces(example("trace.protobuf-bin"));
    ExportTraceServiceRequest fromJson = OtlpJson.decodeTraces(example("trace.json"));
    assertThat(fromProtobuf).isEqualTo(fromJson);
    assertThat(SpanMapper.map(fromProtobuf, "tenant-1").items()).containsExactly(EXPECTED_SPAN);
  }

  @Test
  void logsJson() throws Exception {
    MappedBatch<LogRecord> batch =
        LogRecordMapper.map(OtlpJson.decodeLogs(example("logs.json")), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.items()).hasSize(1);
    LogRecord log = batch.items().get(0);
    assertThat(log.tenant()).isEqualTo("tenant-1");
    assertThat(log.timeUnixNano()).isEqualTo(TIME);
    assertThat(log.observedTimeUnixNano()).isEqualTo(TIME);
    assertThat(log.severityNumber()).isEqualTo(10);
    assertThat(log.severityText()).isEqualTo("Information");
    assertThat(log.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(log.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(log.body()).isEqualTo(new AnyValue.StringValue("Example log record"));
    assertThat(log.flags()).isZero();
    assertThat(log.droppedAttributesCount()).isZero();
    assertThat(log.eventName()).isEmpty();
    assertThat(log.resource()).isEqualTo(RESOURCE);
    assertThat(log.scope()).isEqualTo(SCOPE);
    assertThat(log.attributes())
        .isEqualTo(
            Attributes.builder()
                .put("string.attribute", "some string")
                .put("boolean.attribute", true)
                .put("int.attribute", 10L)
                .put("double.attribute", 637.704)
                .put(
                    "array.attribute",
                    new AnyValue.ArrayValue(
                        List.of(
                            new AnyValue.StringValue("many"), new AnyValue.StringValue("values"))))
                .put(
                    "map.attribute",
                    new AnyValue.KeyValueList(Attributes.ofStrings("some.map.key", "some value")))
                .build());
    assertThat(List.copyOf(log.attributes().asMap().keySet()))
        .containsExactly(
            "string.attribute",
            "boolean.attribute",
            "int.attribute",
            "double.attribute",
            "array.attribute",
            "map.attribute");
  }

  @Test
  void metricsJson() throws Exception {
    MappedBatch<MetricPoint> batch =
        MetricPointMapper.map(OtlpJson.decodeMetrics(example("metrics.json")), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    List<MetricPoint> points = batch.items();
    assertThat(points).hasSize(4);

    MetricPoint counter = points.get(0);
    assertThat(counter.name()).isEqualTo("my.counter");
    assertThat(counter.unit()).isEqualTo("1");
    assertThat(counter.description()).isEqualTo("I am a Counter");
    assertThat(counter.type()).isEqualTo(MetricType.SUM);
    assertThat(counter.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(counter.monotonic()).isTrue();
    assertThat(counter.startTimeUnixNano()).isEqualTo(TIME);
    assertThat(counter.timeUnixNano()).isEqualTo(TIME);
    assertThat(counter.value()).isEqualTo(PointValue.NumberValue.ofDouble(5));
    assertThat(counter.attributes())
        .isEqualTo(Attributes.ofStrings("my.counter.attr", "some value"));

    MetricPoint gauge = points.get(1);
    assertThat(gauge.name()).isEqualTo("my.gauge");
    assertThat(gauge.description()).isEqualTo("I am a Gauge");
    assertThat(gauge.type()).isEqualTo(MetricType.GAUGE);
    assertThat(gauge.temporality()).isEqualTo(AggregationTemporality.UNSPECIFIED);
    assertThat(gauge.monotonic()).isFalse();
    assertThat(gauge.startTimeUnixNano()).isZero();
    assertThat(gauge.timeUnixNano()).isEqualTo(TIME);
    assertThat(gauge.value()).isEqualTo(PointValue.NumberValue.ofDouble(10));
    assertThat(gauge.attributes()).isEqualTo(Attributes.ofStrings("my.gauge.attr", "some value"));

    MetricPoint histogram = points.get(2);
    assertThat(histogram.name()).isEqualTo("my.histogram");
    assertThat(histogram.description()).isEqualTo("I am a Histogram");
    assertThat(histogram.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(histogram.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(histogram.startTimeUnixNano()).isEqualTo(TIME);
    assertThat(histogram.value())
        .isEqualTo(new PointValue.HistogramValue(2, 2.0, 0.0, 2.0, List.of(1L, 1L), List.of(1.0)));
    assertThat(histogram.attributes())
        .isEqualTo(Attributes.ofStrings("my.histogram.attr", "some value"));

    MetricPoint exponential = points.get(3);
    assertThat(exponential.name()).isEqualTo("my.exponential.histogram");
    assertThat(exponential.description()).isEqualTo("I am an Exponential Histogram");
    assertThat(exponential.type()).isEqualTo(MetricType.EXPONENTIAL_HISTOGRAM);
    assertThat(exponential.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(exponential.value())
        .isEqualTo(
            new PointValue.ExponentialHistogramValue(
                3, 10.0, 0.0, 5.0, 0, 1, 0.0, 1, List.of(0L, 2L), 0, List.of()));
    assertThat(exponential.attributes())
        .isEqualTo(Attributes.ofStrings("my.exponential.histogram.attr", "some value"));

    for (MetricPoint p : points) {
      assertThat(p.tenant()).isEqualTo("tenant-1");
      assertThat(p.resource()).isSameAs(points.get(0).resource()).isEqualTo(RESOURCE);
      assertThat(p.scope()).isSameAs(points.get(0).scope()).isEqualTo(SCOPE);
      assertThat(p.exemplars()).isEmpty();
      assertThat(p.flags()).isZero();
    }
  }
}
