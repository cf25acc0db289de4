package dev.sightline.testing;

import static dev.sightline.testing.TestObjects.METRICS;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.storage.MetricQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Metric points. The time range is [start, end) of point time; results are ordered by series (name,
 * service, attributes) then time, so the points of one series are contiguous.
 */
public abstract class ITMetricReader extends ITStorage {
  static final long MINUTE = Duration.ofMinutes(1).toNanos();
  static final long T1 = NOW_NANOS - 5 * MINUTE;

  List<MetricPoint> search(
      @Nullable String name, @Nullable String service, long start, long end, int limit) {
    return storage()
        .metricReader()
        .searchPoints(new MetricQuery(TENANT, name, service, start, end, limit));
  }

  List<MetricPoint> search(@Nullable String name, @Nullable String service) {
    return search(name, service, NOW_NANOS - 60 * MINUTE, NOW_NANOS, 1000);
  }

  static MetricPoint named(List<MetricPoint> points, String name) {
    return points.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void roundTripsEveryTypeAndField() {
    acceptMetrics(METRICS);

    List<MetricPoint> found = search(null, null);

    assertThat(found).hasSameSizeAs(METRICS);
    for (MetricPoint expected : METRICS) {
      MetricPoint actual = named(found, expected.name());
      assertSameValue(actual, expected, expected.name());
    }
    assertThat(found).extracting(MetricPoint::name).isSorted();
  }

  @Test
  void byName() {
    acceptMetrics(METRICS);

    assertThat(search("orders.placed", null)).containsExactly(named(METRICS, "orders.placed"));
    assertThat(search("gc.pause", "frontend")).containsExactly(named(METRICS, "gc.pause"));
    assertThat(search("gc.pause", "payment")).isEmpty();
    assertThat(search("gc", null)).isEmpty();
  }

  @Test
  void byService() {
    acceptMetrics(METRICS);

    assertThat(search(null, "payment"))
        .extracting(MetricPoint::name)
        .containsExactly(
            "connections.open",
            "payment.amount.total",
            "payment.latency",
            "payment.latency.sparse");
    assertThat(search(null, "nobody")).isEmpty();
  }

  @Test
  void timeRange_halfOpen_andSeriesInTimeOrder() {
    long t0 = NOW_NANOS - 30 * MINUTE;
    acceptMetrics(METRICS);
    acceptMetrics(TestObjects.metrics(t0));

    assertThat(search(null, null, NOW_NANOS - 10 * MINUTE, NOW_NANOS, 1000)).hasSameSizeAs(METRICS);
    assertThat(search(null, null, T1, T1 + 1, 1000)).hasSameSizeAs(METRICS);
    assertThat(search(null, null, t0 + 1, T1, 1000)).isEmpty();
    assertThat(search("orders.placed", null, NOW_NANOS - 60 * MINUTE, NOW_NANOS, 1000))
        .extracting(MetricPoint::timeUnixNano)
        .containsExactly(t0, T1);
  }

  @Test
  void limit() {
    acceptMetrics(METRICS);

    List<MetricPoint> all = search(null, null);
    assertThat(search(null, null, NOW_NANOS - 60 * MINUTE, NOW_NANOS, 3))
        .containsExactlyElementsOf(all.subList(0, 3));
  }

  @Test
  void seriesAreContiguous_eachInTimeOrder() {
    List<MetricPoint> points = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      for (String method : List.of("GET", "POST", "PUT")) {
        points.add(requests(method, T1 - (4 - i) * MINUTE, i));
      }
    }
    // written newest first, to show that order comes from the reader
    List<MetricPoint> reversed = new ArrayList<>(points);
    java.util.Collections.reverse(reversed);
    acceptMetrics(reversed);

    List<MetricPoint> found = search("http.requests", null);

    assertThat(found).hasSize(12);
    List<String> seriesOrder = new ArrayList<>();
    for (MetricPoint p : found) {
      String method = p.attributes().getString("method");
      if (seriesOrder.isEmpty() || !seriesOrder.get(seriesOrder.size() - 1).equals(method))
        seriesOrder.add(method);
    }
    assertThat(seriesOrder)
        .as("each series appears once, contiguous")
        .doesNotHaveDuplicates()
        .hasSize(3);
    for (int s = 0; s < 3; s++) {
      assertThat(found.subList(s * 4, s * 4 + 4))
          .extracting(MetricPoint::timeUnixNano)
          .isSortedAccordingTo(Comparator.naturalOrder())
          .doesNotHaveDuplicates();
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(points);
  }

  @Test
  void metricNames_sortedDistinct_inRange() {
    acceptMetrics(METRICS);
    acceptMetrics(TestObjects.metrics(NOW_NANOS - 30 * MINUTE));
    acceptMetrics(List.of(requests("GET", NOW_NANOS - 120 * MINUTE, 1)));

    assertThat(storage().metricReader().metricNames(TENANT, NOW_NANOS - 60 * MINUTE, NOW_NANOS))
        .isEqualTo(METRICS.stream().map(MetricPoint::name).distinct().sorted().toList());
    assertThat(
            storage()
                .metricReader()
                .metricNames(TENANT, NOW_NANOS - 180 * MINUTE, NOW_NANOS - 60 * MINUTE))
        .containsExactly("http.requests");
    assertThat(storage().metricReader().metricNames(TENANT, NOW_NANOS, NOW_NANOS + MINUTE))
        .isEmpty();
  }

  @Test
  void isolatesTenants() {
    acceptMetrics(METRICS);
    MetricPoint other = withTenant(requests("GET", T1, 1), "other");
    acceptMetrics(List.of(other));

    assertThat(search("http.requests", null)).isEmpty();
    assertThat(
            storage()
                .metricReader()
                .searchPoints(new MetricQuery("other", null, null, 0, Long.MAX_VALUE, 10)))
        .containsExactly(other);
    assertThat(storage().metricReader().metricNames("other", 0, Long.MAX_VALUE))
        .containsExactly("http.requests");
    assertThat(storage().metricReader().metricNames("nobody", 0, Long.MAX_VALUE)).isEmpty();
  }

  static MetricPoint requests(String method, long time, long value) {
    return new MetricPoint(
        TENANT,
        "http.requests",
        "",
        "{request}",
        MetricType.SUM,
        AggregationTemporality.CUMULATIVE,
        true,
        Attributes.builder().put("method", method).build(),
        NOW_NANOS - 180 * MINUTE,
        time,
        0,
        PointValue.NumberValue.ofLong(value),
        List.of(),
        TestObjects.FRONTEND,
        InstrumentationScope.empty());
  }

  static MetricPoint withTenant(MetricPoint p, String tenant) {
    return new MetricPoint(
        tenant,
        p.name(),
        p.description(),
        p.unit(),
        p.type(),
        p.temporality(),
        p.monotonic(),
        p.attributes(),
        p.startTimeUnixNano(),
        p.timeUnixNano(),
        p.flags(),
        p.value(),
        p.exemplars(),
        p.resource(),
        p.scope());
  }
}
