package dev.sightline.otlp;

import static dev.sightline.testing.OtlpExamples.LOGS_JSON;
import static dev.sightline.testing.OtlpExamples.METRICS_JSON;
import static dev.sightline.testing.OtlpExamples.TRACE_JSON;
import static dev.sightline.testing.OtlpExamples.TRACE_PROTOBUF;
import static dev.sightline.testing.OtlpExamples.bytes;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's OTLP example payloads ({@link dev.sightline.testing.OtlpExamples}, shaped like the
 * OTLP specification's examples) decode and map field by field to the core model.
 */
class OtlpExamplesTest {
  private static final long START = 1_583_020_800_000_000_000L;
  private static final long MINUTE_LATER = 1_583_020_860_000_000_000L;
  private static final Resource RESOURCE =
      Resource.of(
          Attributes.ofStrings(
              "service.name", "ledger.api", "deployment.environment.name", "fixture"));
  private static final InstrumentationScope SCOPE =
      new InstrumentationScope(
          "dev.sightline.fixtures.ledger",
          "2.4.1",
          Attributes.ofStrings("fixture.scope.role", "bookkeeping"),
          0,
          "");
  private static final Attributes BOOK = Attributes.ofStrings("ledger.book", "general");

  private static final Span EXPECTED_SPAN =
      Span.builder()
          .tenant("tenant-1")
          .traceId("c0ffee0ddba11a5e5eed1234abcd9876")
          .spanId("5eed0000cafe0042")
          .parentSpanId("5eed0000cafe0041")
          .name("POST /ledger/entries")
          .startTimeUnixNano(1_583_020_800_250_000_000L)
          .endTimeUnixNano(1_583_020_801_000_000_000L)
          .kind(SpanKind.SERVER)
          .attributes(
              Attributes.builder()
                  .put("ledger.entry.kind", "credit")
                  .put("ledger.entry.lines", 3L)
                  .build())
          .status(StatusCode.UNSET, "")
          .resource(RESOURCE)
          .scope(SCOPE)
          .build();

  @Test
  void traceJson() throws Exception {
    MappedBatch<Span> batch = SpanMapper.map(OtlpJson.decodeTraces(bytes(TRACE_JSON)), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.items()).containsExactly(EXPECTED_SPAN);
    Span span = batch.items().get(0);
    // field by field, so that a failure says which one
    assertThat(span.tenant()).isEqualTo("tenant-1");
    assertThat(span.traceId()).isEqualTo("c0ffee0ddba11a5e5eed1234abcd9876");
    assertThat(span.spanId()).isEqualTo("5eed0000cafe0042");
    assertThat(span.parentSpanId()).isEqualTo("5eed0000cafe0041");
    assertThat(span.name()).isEqualTo("POST /ledger/entries");
    assertThat(span.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.startTimeUnixNano()).isEqualTo(1_583_020_800_250_000_000L);
    assertThat(span.durationNanos()).isEqualTo(750_000_000L);
    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.serviceName()).isEqualTo("ledger.api");
    assertThat(span.resource().attributes().getString("deployment.environment.name"))
        .isEqualTo("fixture");
    assertThat(span.scope().name()).isEqualTo("dev.sightline.fixtures.ledger");
    assertThat(span.scope().version()).isEqualTo("2.4.1");
    assertThat(span.scope().attributes().getString("fixture.scope.role")).isEqualTo("bookkeeping");
    assertThat(span.attributes().getString("ledger.entry.kind")).isEqualTo("credit");
    assertThat(span.attributes().get("ledger.entry.lines")).isEqualTo(new AnyValue.LongValue(3));
    assertThat(span.events()).isEmpty();
    assertThat(span.links()).isEmpty();
  }

  @Test
  void traceProtobufDecodesToTheSameRequestAsTraceJson() throws Exception {
    ExportTraceServiceRequest fromProtobuf = OtlpProtobuf.decodeTraces(bytes(TRACE_PROTOBUF));
    ExportTraceServiceRequest fromJson = OtlpJson.decodeTraces(bytes(TRACE_JSON));
    assertThat(fromProtobuf).isEqualTo(fromJson);
    assertThat(SpanMapper.map(fromProtobuf, "tenant-1").items()).containsExactly(EXPECTED_SPAN);
  }

  @Test
  void logsJson() throws Exception {
    MappedBatch<LogRecord> batch =
        LogRecordMapper.map(OtlpJson.decodeLogs(bytes(LOGS_JSON)), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.items()).hasSize(1);
    LogRecord log = batch.items().get(0);
    assertThat(log.tenant()).isEqualTo("tenant-1");
    assertThat(log.timeUnixNano()).isEqualTo(1_583_020_800_600_000_000L);
    assertThat(log.observedTimeUnixNano()).isEqualTo(1_583_020_800_650_000_000L);
    assertThat(log.severityNumber()).isEqualTo(13);
    assertThat(log.severityText()).isEqualTo("Warning");
    assertThat(log.traceId()).isEqualTo("c0ffee0ddba11a5e5eed1234abcd9876");
    assertThat(log.spanId()).isEqualTo("5eed0000cafe0042");
    assertThat(log.body()).isEqualTo(new AnyValue.StringValue("Duplicate ledger entry ignored"));
    assertThat(log.flags()).isEqualTo(1);
    assertThat(log.droppedAttributesCount()).isZero();
    assertThat(log.eventName()).isEmpty();
    assertThat(log.resource()).isEqualTo(RESOURCE);
    assertThat(log.scope()).isEqualTo(SCOPE);
    assertThat(log.attributes())
        .isEqualTo(
            Attributes.builder()
                .put("ledger.account", "ACC-0042")
                .put("ledger.replayed", false)
                .put("ledger.attempt", 3L)
                .put("ledger.amount", 129.95)
                .put(
                    "ledger.tags",
                    new AnyValue.ArrayValue(
                        List.of(
                            new AnyValue.StringValue("duplicate"),
                            new AnyValue.StringValue("idempotent"))))
                .put(
                    "ledger.request",
                    new AnyValue.KeyValueList(Attributes.ofStrings("request.id", "req-7f3a")))
                .build());
    assertThat(List.copyOf(log.attributes().asMap().keySet()))
        .containsExactly(
            "ledger.account",
            "ledger.replayed",
            "ledger.attempt",
            "ledger.amount",
            "ledger.tags",
            "ledger.request");
  }

  @Test
  void metricsJson() throws Exception {
    MappedBatch<MetricPoint> batch =
        MetricPointMapper.map(OtlpJson.decodeMetrics(bytes(METRICS_JSON)), "tenant-1");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    List<MetricPoint> points = batch.items();
    assertThat(points).hasSize(4);

    MetricPoint counter = points.get(0);
    assertThat(counter.name()).isEqualTo("ledger.entries.posted");
    assertThat(counter.unit()).isEqualTo("{entry}");
    assertThat(counter.description()).isEqualTo("Ledger entries posted");
    assertThat(counter.type()).isEqualTo(MetricType.SUM);
    assertThat(counter.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(counter.monotonic()).isTrue();
    assertThat(counter.startTimeUnixNano()).isEqualTo(START);
    assertThat(counter.timeUnixNano()).isEqualTo(MINUTE_LATER);
    assertThat(counter.value()).isEqualTo(PointValue.NumberValue.ofLong(12));

    MetricPoint gauge = points.get(1);
    assertThat(gauge.name()).isEqualTo("ledger.queue.depth");
    assertThat(gauge.unit()).isEqualTo("{entry}");
    assertThat(gauge.description()).isEqualTo("Entries waiting to be posted");
    assertThat(gauge.type()).isEqualTo(MetricType.GAUGE);
    assertThat(gauge.temporality()).isEqualTo(AggregationTemporality.UNSPECIFIED);
    assertThat(gauge.monotonic()).isFalse();
    assertThat(gauge.startTimeUnixNano()).isZero();
    assertThat(gauge.timeUnixNano()).isEqualTo(MINUTE_LATER);
    assertThat(gauge.value()).isEqualTo(PointValue.NumberValue.ofDouble(7.5));

    MetricPoint histogram = points.get(2);
    assertThat(histogram.name()).isEqualTo("ledger.post.duration");
    assertThat(histogram.unit()).isEqualTo("s");
    assertThat(histogram.description()).isEqualTo("Time to post one entry");
    assertThat(histogram.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(histogram.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(histogram.startTimeUnixNano()).isEqualTo(START);
    assertThat(histogram.timeUnixNano()).isEqualTo(MINUTE_LATER);
    assertThat(histogram.value())
        .isEqualTo(
            new PointValue.HistogramValue(
                4, 1.9, 0.1, 1.1, List.of(1L, 2L, 1L), List.of(0.25, 1.0)));

    MetricPoint exponential = points.get(3);
    assertThat(exponential.name()).isEqualTo("ledger.balance.change");
    assertThat(exponential.unit()).isEqualTo("{EUR}");
    assertThat(exponential.description()).isEqualTo("Change of an account balance per entry");
    assertThat(exponential.type()).isEqualTo(MetricType.EXPONENTIAL_HISTOGRAM);
    assertThat(exponential.temporality()).isEqualTo(AggregationTemporality.DELTA);
    assertThat(exponential.startTimeUnixNano()).isEqualTo(START);
    assertThat(exponential.timeUnixNano()).isEqualTo(MINUTE_LATER);
    assertThat(exponential.value())
        .isEqualTo(
            new PointValue.ExponentialHistogramValue(
                6, 11.0, -1.2, 3.5, 1, 1, 0.001, 2, List.of(1L, 3L), 0, List.of(1L)));

    for (MetricPoint p : points) {
      assertThat(p.tenant()).isEqualTo("tenant-1");
      assertThat(p.attributes()).as(p.name()).isEqualTo(BOOK);
      assertThat(p.resource()).isSameAs(points.get(0).resource()).isEqualTo(RESOURCE);
      assertThat(p.scope()).isSameAs(points.get(0).scope()).isEqualTo(SCOPE);
      assertThat(p.exemplars()).isEmpty();
      assertThat(p.flags()).isZero();
    }
  }
}
