package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.END;
import static dev.sightline.otlp.OtlpFixtures.SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetricPointMapperTest {
  private static final Exemplar LONG_EXEMPLAR =
      new Exemplar(
          START + 7, true, 0, -17, TRACE_ID, SPAN_ID, Attributes.ofStrings("user.id", "u-42"));
  private static final Exemplar DOUBLE_EXEMPLAR =
      new Exemplar(
          START + 7, false, 0.25, 0, TRACE_ID, SPAN_ID, Attributes.ofStrings("user.id", "u-42"));

  @Test
  void mapsEveryMetricType() {
    MappedBatch<MetricPoint> batch =
        MetricPointMapper.map(OtlpFixtures.fullMetricsRequest(), "acme");

    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.items())
        .containsExactly(
            point(
                "jvm.memory.used",
                "heap in use",
                "By",
                MetricType.GAUGE,
                AggregationTemporality.UNSPECIFIED,
                false,
                Attributes.ofStrings("pool", "eden"),
                0,
                PointValue.NumberValue.ofLong(123_456_789_012L),
                List.of(LONG_EXEMPLAR)),
            point(
                "http.server.requests",
                "requests",
                "{request}",
                MetricType.SUM,
                AggregationTemporality.DELTA,
                true,
                Attributes.ofStrings("http.route", "/orders"),
                START,
                PointValue.NumberValue.ofDouble(42.5),
                List.of(DOUBLE_EXEMPLAR)),
            point(
                "http.server.requests",
                "requests",
                "{request}",
                MetricType.SUM,
                AggregationTemporality.DELTA,
                true,
                Attributes.empty(),
                START,
                PointValue.NumberValue.ofDouble(0),
                List.of()),
            point(
                "http.server.duration",
                "",
                "ms",
                MetricType.HISTOGRAM,
                AggregationTemporality.CUMULATIVE,
                false,
                Attributes.ofStrings("http.route", "/orders"),
                START,
                new PointValue.HistogramValue(
                    6, 123.5, 0.5, 80.0, List.of(1L, 2L, 3L), List.of(10.0, 50.0)),
                List.of(DOUBLE_EXEMPLAR)),
            point(
                "http.server.duration",
                "",
                "ms",
                MetricType.HISTOGRAM,
                AggregationTemporality.CUMULATIVE,
                false,
                Attributes.empty(),
                START,
                new PointValue.HistogramValue(0, null, null, null, List.of(), List.of()),
                List.of()),
            point(
                "rpc.duration",
                "",
                "s",
                MetricType.EXPONENTIAL_HISTOGRAM,
                AggregationTemporality.DELTA,
                false,
                Attributes.ofStrings("rpc.method", "Get"),
                START,
                new PointValue.ExponentialHistogramValue(
                    9, -3.25, -2.0, 4.0, -3, 2, 1e-9, -2, List.of(1L, 3L), 5, List.of(3L)),
                List.of(LONG_EXEMPLAR)),
            point(
                "gc.pause",
                "",
                "ms",
                MetricType.SUMMARY,
                AggregationTemporality.UNSPECIFIED,
                false,
                Attributes.ofStrings("gc", "G1 Young"),
                START,
                new PointValue.SummaryValue(
                    4,
                    12.75,
                    List.of(new PointValue.Quantile(0, 1.5), new PointValue.Quantile(0.99, 6.25))),
                List.of()));
    assertThat(batch.items())
        .extracting(MetricPoint::resource)
        .allSatisfy(r -> assertThat(r).isSameAs(batch.items().get(0).resource()));
    assertThat(batch.items())
        .extracting(MetricPoint::scope)
        .allSatisfy(s -> assertThat(s).isSameAs(batch.items().get(0).scope()));
  }

  private static MetricPoint point(
      String name,
      String description,
      String unit,
      MetricType type,
      AggregationTemporality temporality,
      boolean monotonic,
      Attributes attributes,
      long start,
      PointValue value,
      List<Exemplar> exemplars) {
    return new MetricPoint(
        "acme",
        name,
        description,
        unit,
        type,
        temporality,
        monotonic,
        attributes,
        start,
        END,
        0,
        value,
        exemplars,
        CoreExpectations.resource(),
        CoreExpectations.scope());
  }

  static Stream<Arguments> invalidPoints() {
    return Stream.of(
        Arguments.of(
            "gauge without a value",
            "{\"name\":\"m\",\"gauge\":{\"dataPoints\":[%s,{\"timeUnixNano\":\"5\"},%s]}}",
            "gauge",
            "value must be set (asDouble or asInt)"),
        Arguments.of(
            "sum without a time",
            "{\"name\":\"m\",\"sum\":{\"dataPoints\":[%s,{\"asInt\":\"1\"},%s]}}",
            "sum",
            "timeUnixNano must be set"),
        Arguments.of(
            "histogram with one bucket too many",
            "{\"name\":\"m\",\"histogram\":{\"dataPoints\":[%s,{\"timeUnixNano\":\"5\","
                + "\"bucketCounts\":[1,2,3],\"explicitBounds\":[1]},%s]}}",
            "histogram",
            "bucketCounts has 3 entries but explicitBounds has 1 (expected 2 bucket counts)"),
        Arguments.of(
            "histogram with unsorted bounds",
            "{\"name\":\"m\",\"histogram\":{\"dataPoints\":[%s,{\"timeUnixNano\":\"5\","
                + "\"bucketCounts\":[1,2,3],\"explicitBounds\":[5,5]},%s]}}",
            "histogram",
            "explicitBounds must be strictly increasing (index 1)"),
        Arguments.of(
            "exponential histogram without a time",
            "{\"name\":\"m\",\"exponentialHistogram\":{\"dataPoints\":[%s,{\"count\":1},%s]}}",
            "exponentialHistogram",
            "timeUnixNano must be set"),
        Arguments.of(
            "summary with a time beyond the signed range",
            "{\"name\":\"m\",\"summary\":{\"dataPoints\":[%s,"
                + "{\"timeUnixNano\":\"18446744073709551615\"},%s]}}",
            "summary",
            "timeUnixNano is out of range: 18446744073709551615"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPoints")
  void rejectsOnlyTheInvalidDataPoint(
      String description, String metricTemplate, String dataField, String problem)
      throws Exception {
    String good = "{\"timeUnixNano\":\"7\",\"asDouble\":1}";
    if (!dataField.equals("gauge") && !dataField.equals("sum")) {
      good = "{\"timeUnixNano\":\"7\"}";
    }
    String json = metricsJson(metricTemplate.formatted(good, good));
    MappedBatch<MetricPoint> batch = MetricPointMapper.map(OtlpJson.decodeMetrics(utf8(json)), "t");
    assertThat(batch.items()).hasSize(4); // "first", the two good points, "last"
    assertThat(batch.rejected()).isEqualTo(1);
    assertThat(batch.errorMessage())
        .isEqualTo(
            "1 data point rejected: resourceMetrics[0].scopeMetrics[0].metrics[1]."
                + dataField
                + ".dataPoints[1]: "
                + problem);
  }

  @Test
  void aMetricWithoutANameRejectsAllItsDataPoints() throws Exception {
    String json =
        metricsJson(
            "{\"name\":\"\",\"unit\":\"1\",\"gauge\":{\"dataPoints\":["
                + "{\"timeUnixNano\":\"1\",\"asInt\":\"1\"},{\"timeUnixNano\":\"2\",\"asInt\":\"2\"},"
                + "{\"timeUnixNano\":\"3\",\"asInt\":\"3\"}]}}");
    MappedBatch<MetricPoint> batch = MetricPointMapper.map(OtlpJson.decodeMetrics(utf8(json)), "t");
    assertThat(batch.items()).extracting(MetricPoint::name).containsOnly("first", "last");
    assertThat(batch.rejected()).isEqualTo(3);
    assertThat(batch.errorMessage())
        .isEqualTo(
            "3 data points rejected: resourceMetrics[0].scopeMetrics[0].metrics[1]: metric name"
                + " must not be empty (3 data points)");
  }

  @Test
  void aMetricWithoutDataStoresAndRejectsNothing() throws Exception {
    String json = metricsJson("{\"name\":\"no.data\",\"unit\":\"1\"}", "{\"name\":\"\"}");
    MappedBatch<MetricPoint> batch = MetricPointMapper.map(OtlpJson.decodeMetrics(utf8(json)), "t");
    assertThat(batch.items()).extracting(MetricPoint::name).containsExactly("first", "last");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
  }

  @Test
  void keepsANoRecordedValuePointAsNaN() throws Exception {
    String json =
        metricsJson(
            "{\"name\":\"m\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"5\",\"flags\":1}]}}");
    MappedBatch<MetricPoint> batch = MetricPointMapper.map(OtlpJson.decodeMetrics(utf8(json)), "t");
    assertThat(batch.rejected()).isZero();
    MetricPoint point = batch.items().get(1);
    assertThat(point.flags()).isEqualTo(1);
    PointValue.NumberValue value = PointValue.requireNumber(point.value());
    assertThat(value.isLong()).isFalse();
    assertThat(value.asDouble()).isNaN();
  }

  @Test
  void dropsInvalidExemplarIdsButKeepsTheExemplar() throws Exception {
    String exemplars =
        String.join(
            ",",
            "{\"asDouble\":1,\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\""
                + SPAN_ID
                + "\"}",
            "{\"asDouble\":2,\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"00000000000000\"}",
            "{\"asDouble\":3,\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\""
                + SPAN_ID
                + "\"}",
            "{\"asDouble\":4,\"spanId\":\"" + SPAN_ID + "\"}",
            "{\"asInt\":\"5\",\"traceId\":\"" + TRACE_ID.toUpperCase() + "\"}",
            "{}");
    String json =
        metricsJson(
            "{\"name\":\"m\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"5\",\"asInt\":\"1\","
                + "\"exemplars\":["
                + exemplars
                + "]}]}}");
    MappedBatch<MetricPoint> batch = MetricPointMapper.map(OtlpJson.decodeMetrics(utf8(json)), "t");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.items().get(1).exemplars())
        .containsExactly(
            new Exemplar(0, false, 1, 0, "", "", Attributes.empty()),
            new Exemplar(0, false, 2, 0, TRACE_ID, "", Attributes.empty()),
            new Exemplar(0, false, 3, 0, "", "", Attributes.empty()),
            new Exemplar(0, false, 4, 0, "", "", Attributes.empty()),
            new Exemplar(0, true, 0, 5, TRACE_ID, "", Attributes.empty()),
            new Exemplar(0, false, 0, 0, "", "", Attributes.empty()));
  }

  /** A metrics request whose one scope holds a valid "first" gauge, {@code metrics}, "last". */
  static String metricsJson(String... metrics) {
    String first =
        "{\"name\":\"first\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1\",\"asInt\":\"1\"}]}}";
    String last =
        "{\"name\":\"last\",\"sum\":{\"dataPoints\":[{\"timeUnixNano\":\"1\",\"asInt\":\"1\"}]}}";
    return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":["
        + first
        + ","
        + String.join(",", metrics)
        + ","
        + last
        + "]}]}]}";
  }
}
