package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/metrics/chart}: parameters and the rendered chart series. */
class MetricChartEndpointTest {
  static final long S = 1_000_000_000L;
  static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
  static final long T0 = NOW.getEpochSecond() * S - 600 * S;
  static final String TRACE = "5b8efff798038103d269b633813fc60c";

  final List<MetricQuery> queries = new ArrayList<>();
  final List<MetricPoint> stored = new ArrayList<>();

  static MetricPoint counter(String service, long time, long value, List<Exemplar> exemplars) {
    return new MetricPoint(
        "t",
        "orders.placed",
        "orders",
        "{order}",
        MetricType.SUM,
        AggregationTemporality.CUMULATIVE,
        true,
        Attributes.ofStrings("tier", "gold"),
        T0,
        time,
        0,
        PointValue.NumberValue.ofLong(value),
        exemplars,
        Resource.of(Attributes.ofStrings("service.name", service)),
        InstrumentationScope.empty());
  }

  QueryService service() {
    MetricReader reader =
        new MetricReader() {
          @Override
          public List<MetricPoint> searchPoints(MetricQuery query) {
            queries.add(query);
            return stored;
          }

          @Override
          public List<String> metricNames(String tenant, long start, long end) {
            return List.of();
          }

          @Override
          public OptionalLong oldestPoint(String tenant, String metric) {
            return OptionalLong.empty();
          }
        };
    StorageComponent storage =
        new StorageComponent() {
          @Override
          public CheckResult check() {
            throw new UnsupportedOperationException();
          }

          @Override
          public TelemetryWriter writer() {
            throw new UnsupportedOperationException();
          }

          @Override
          public TraceReader traceReader() {
            throw new UnsupportedOperationException();
          }

          @Override
          public LogReader logReader() {
            throw new UnsupportedOperationException();
          }

          @Override
          public MetricReader metricReader() {
            return reader;
          }

          @Override
          public long deleteBefore(long cutoffUnixNano) {
            return 0;
          }

          @Override
          public void close() {}
        };
    return QueryService.builder().storage(storage).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @Test
  void monotonicSumsAreDrawnAsRatesWithTheirExemplars() throws Exception {
    stored.add(counter("order", T0 + 60 * S, 30, List.of()));
    stored.add(
        counter(
            "order",
            T0 + 120 * S,
            90,
            List.of(
                new Exemplar(
                    T0 + 100 * S, true, 0, 1, TRACE, "eee19b7ec3c1b174", Attributes.empty()))));
    ApiResponse r =
        service()
            .metricChart(
                "t", QueryParameters.of(Map.of("name", "orders.placed", "service", "order")));

    assertThat(r.status()).isEqualTo(200);
    assertThat(queries.get(0).name()).isEqualTo("orders.placed");
    assertThat(queries.get(0).service()).isEqualTo("order");
    JsonNode body = new ObjectMapper().readTree(r.json());
    assertThat(body.get("display").asText()).isEqualTo("rate");
    assertThat(body.get("type").asText()).isEqualTo("SUM");
    JsonNode series = body.get("series");
    assertThat(series).hasSize(1);
    assertThat(series.get(0).get("service").asText()).isEqualTo("order");
    assertThat(series.get(0).get("attributes").get("tier").asText()).isEqualTo("gold");
    JsonNode points = series.get(0).get("points");
    assertThat(points.get(0).get("value").asDouble()).isEqualTo(0.5); // 30 over its first 60 s
    assertThat(points.get(1).get("value").asDouble()).isEqualTo(1.0); // +60 in 60 s
    assertThat(points.get(1).has("p50")).isFalse();
    JsonNode exemplar = series.get(0).get("exemplars").get(0);
    assertThat(exemplar.get("traceId").asText()).isEqualTo(TRACE);
    assertThat(exemplar.get("value").asDouble()).isEqualTo(1.0);
  }

  @Test
  void nameIsRequiredAndUnknownParametersRejected() throws Exception {
    ApiResponse missing = service().metricChart("t", QueryParameters.of(Map.of()));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(new ObjectMapper().readTree(missing.json()).get("error").get("parameter").asText())
        .isEqualTo("name");
    ApiResponse typo =
        service().metricChart("t", QueryParameters.of(Map.of("name", "x", "serivce", "order")));
    assertThat(typo.status()).isEqualTo(400);
  }

  @Test
  void noPointsIsAnEmptyChart() throws Exception {
    JsonNode body =
        new ObjectMapper()
            .readTree(service().metricChart("t", QueryParameters.of(Map.of("name", "x"))).json());
    assertThat(body.get("series")).isEmpty();
    assertThat(body.get("name").asText()).isEqualTo("x");
  }
}
