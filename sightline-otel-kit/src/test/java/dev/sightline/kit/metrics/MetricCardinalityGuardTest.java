package dev.sightline.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricCardinalityGuardTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> USER = AttributeKey.stringKey("user.id");
  private static final AttributeKey<String> REQUEST = AttributeKey.stringKey("request_id");
  private static final AttributeKey<Boolean> OVERFLOW =
      AttributeKey.booleanKey("otel.metric.overflow");

  private static List<LongPointData> points(InMemoryMetricReader reader, String name) {
    Collection<MetricData> metrics = reader.collectAllMetrics();
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .collect(Collectors.toList());
  }

  @Test
  void stripsHighCardinalityKeysAndAggregatesWhatRemains() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider =
        MetricCardinalityGuard.defaults()
            .apply(SdkMeterProvider.builder().registerMetricReader(reader))
            .build();
    LongCounter requests = provider.get("test").counterBuilder("shop.requests").build();
    for (int i = 0; i < 100; i++) {
      requests.add(1, Attributes.of(ROUTE, "/orders", USER, "user-" + i, REQUEST, "req-" + i));
    }

    List<LongPointData> points = points(reader, "shop.requests");
    assertThat(points).hasSize(1);
    assertThat(points.get(0).getValue()).isEqualTo(100);
    assertThat(points.get(0).getAttributes().asMap()).containsOnlyKeys(ROUTE);
    provider.close();
  }

  @Test
  void capsSeriesPerInstrumentIntoTheOverflowSeries() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider =
        MetricCardinalityGuard.builder()
            .maxSeriesPerInstrument(10)
            .deniedKeys(Set.of())
            .build()
            .apply(SdkMeterProvider.builder().registerMetricReader(reader))
            .build();
    LongCounter counter = provider.get("test").counterBuilder("by.user").build();
    for (int i = 0; i < 50; i++) {
      counter.add(1, Attributes.of(USER, "user-" + i));
    }

    List<LongPointData> points = points(reader, "by.user");
    assertThat(points).hasSizeLessThanOrEqualTo(10);
    assertThat(points.stream().mapToLong(LongPointData::getValue).sum()).isEqualTo(50);
    assertThat(points).anySatisfy(p -> assertThat(p.getAttributes().get(OVERFLOW)).isTrue());
    provider.close();
  }

  @Test
  void defaultsCoverTheCommonSpellingsAndKeepLowCardinalityKeys() {
    MetricCardinalityGuard guard = MetricCardinalityGuard.defaults();
    for (String key : List.of("user.id", "user_id", "userId", "request_id", "url.path")) {
      assertThat(guard.attributeFilter().test(key)).as(key).isFalse();
    }
    for (String key : List.of("http.route", "http.request.method", "tenant.id")) {
      assertThat(guard.attributeFilter().test(key)).as(key).isTrue();
    }
  }

  @Test
  void rejectsANonPositiveCap() {
    assertThatThrownBy(() -> MetricCardinalityGuard.builder().maxSeriesPerInstrument(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSeriesPerInstrument");
  }
}
