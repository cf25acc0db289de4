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
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.CounterIncreasePoint;
import dev.sightline.core.storage.CounterIncreaseQuery;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.StorageCapability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
  void oldestPoint_ofOneMetricAndTenant() {
    long t0 = NOW_NANOS - 30 * MINUTE;
    assertThat(storage().metricReader().oldestPoint(TestObjects.TENANT, "orders.placed")).isEmpty();
    acceptMetrics(METRICS);
    acceptMetrics(TestObjects.metrics(t0));

    assertThat(storage().metricReader().oldestPoint(TestObjects.TENANT, "orders.placed"))
        .hasValue(t0);
    assertThat(storage().metricReader().oldestPoint(TestObjects.TENANT, "no.such.metric"))
        .isEmpty();
    assertThat(storage().metricReader().oldestPoint("another-tenant", "orders.placed")).isEmpty();
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

  // counterIncrease: the range is [R, R + 5 min)
  static final long R = NOW_NANOS - 10 * MINUTE;
  static final long R_END = R + 5 * MINUTE;
  static final Resource INSTANCE_B =
      Resource.of(
          Attributes.builder()
              .put(Resource.SERVICE_NAME, "frontend")
              .put("service.instance.id", "b")
              .build());

  List<CounterIncreasePoint> increase(
      Map<String, String> attributes, long start, long end, long step) {
    return counterIncreaseReader()
        .counterIncrease(
            new CounterIncreaseQuery(
                TENANT, "checkout.requests", null, attributes, start, end, step));
  }

  double increase(Map<String, String> attributes) {
    List<CounterIncreasePoint> points = increase(attributes, R, R_END, 0);
    assertThat(points).hasSizeLessThanOrEqualTo(1);
    return points.isEmpty() ? 0 : points.get(0).increase();
  }

  static MetricPoint counter(
      AggregationTemporality temporality,
      Resource resource,
      String outcome,
      long startTime,
      long time,
      PointValue.NumberValue value) {
    return new MetricPoint(
        TENANT,
        "checkout.requests",
        "",
        "{request}",
        MetricType.SUM,
        temporality,
        true,
        Attributes.builder().put("outcome", outcome).put("code", 200L).build(),
        startTime,
        time,
        0,
        value,
        List.of(),
        resource,
        InstrumentationScope.empty());
  }

  static MetricPoint cumulative(
      Resource resource, String outcome, long startTime, long time, long v) {
    return counter(
        AggregationTemporality.CUMULATIVE,
        resource,
        outcome,
        startTime,
        time,
        PointValue.NumberValue.ofLong(v));
  }

  @Test
  void counterIncrease_cumulative_differencesFromThePointBeforeTheRange_andResets() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    long s0 = R - 50 * MINUTE;
    long s1 = R + 2 * MINUTE + MINUTE / 2; // restarted
    acceptMetrics(
        List.of(
            cumulative(TestObjects.FRONTEND, "success", s0, R - 10 * MINUTE, 100), // before
            cumulative(TestObjects.FRONTEND, "success", s0, R + MINUTE, 110), // +10
            cumulative(TestObjects.FRONTEND, "success", s0, R + 2 * MINUTE, 130), // +20
            cumulative(TestObjects.FRONTEND, "success", s1, R + 3 * MINUTE, 5), // reset: +5
            cumulative(TestObjects.FRONTEND, "success", s1, R + 4 * MINUTE, 12), // +7
            // a reset without a new start time: a decrease counts the new value whole
            cumulative(INSTANCE_B, "success", s0, R - MINUTE, 40),
            cumulative(INSTANCE_B, "success", s0, R + MINUTE, 50), // +10
            cumulative(INSTANCE_B, "success", s0, R + 2 * MINUTE, 3))); // +3

    assertThat(increase(Map.of())).isEqualTo(55);
    assertThat(increase(Map.of(), R, R_END, MINUTE))
        .containsExactly(
            new CounterIncreasePoint(R + MINUTE, 20),
            new CounterIncreasePoint(R + 2 * MINUTE, 23),
            new CounterIncreasePoint(R + 3 * MINUTE, 5),
            new CounterIncreasePoint(R + 4 * MINUTE, 7));
    assertThat(
            counterIncreaseReader()
                .counterIncrease(
                    new CounterIncreaseQuery(
                        TENANT, "checkout.requests", "payment", Map.of(), R, R_END, 0)))
        .isEmpty();
  }

  @Test
  void counterIncrease_firstPointWithoutPrevious_wholeOnlyIfTheSeriesStartedInTheRange() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    acceptMetrics(
        List.of(
            // started in the range: its whole value
            cumulative(TestObjects.FRONTEND, "success", R + MINUTE / 2, R + MINUTE, 8),
            cumulative(TestObjects.FRONTEND, "success", R + MINUTE / 2, R + 2 * MINUTE, 11),
            // started before the range, no point before it: only the growth inside
            cumulative(INSTANCE_B, "success", R - 30 * MINUTE, R + MINUTE, 500),
            cumulative(INSTANCE_B, "success", R - 30 * MINUTE, R + 2 * MINUTE, 504),
            // the previous point is older than the lookback: as if there were none
            cumulative(TestObjects.ORDER, "success", R - 3 * 60 * MINUTE, R - 61 * MINUTE, 1000),
            cumulative(TestObjects.ORDER, "success", R - 3 * 60 * MINUTE, R + MINUTE, 1100)));

    assertThat(CounterIncreaseReader.COUNTER_LOOKBACK).isEqualTo(Duration.ofHours(1));
    assertThat(increase(Map.of())).isEqualTo(11 + 4);
  }

  @Test
  void counterIncrease_delta_addsValues_doubleAndLong() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    long s = R - 100 * MINUTE;
    acceptMetrics(
        List.of(
            counter(
                AggregationTemporality.DELTA,
                TestObjects.FRONTEND,
                "success",
                R - 2 * MINUTE,
                R - MINUTE,
                PointValue.NumberValue.ofLong(1000)), // before the range
            counter(
                AggregationTemporality.DELTA,
                TestObjects.FRONTEND,
                "success",
                R - MINUTE,
                R,
                PointValue.NumberValue.ofLong(3)),
            counter(
                AggregationTemporality.DELTA,
                TestObjects.FRONTEND,
                "success",
                R,
                R + MINUTE,
                PointValue.NumberValue.ofLong(4)),
            counter(
                AggregationTemporality.DELTA,
                INSTANCE_B,
                "success",
                s,
                R + MINUTE,
                PointValue.NumberValue.ofDouble(0.5)),
            counter(
                AggregationTemporality.DELTA,
                TestObjects.FRONTEND,
                "success",
                R_END - MINUTE,
                R_END,
                PointValue.NumberValue.ofLong(2000)))); // at the end: after the range

    assertThat(increase(Map.of())).isEqualTo(7.5);
  }

  @Test
  void counterIncrease_rangeIsHalfOpen() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    long s0 = R - 30 * MINUTE;
    acceptMetrics(
        List.of(
            cumulative(TestObjects.FRONTEND, "success", s0, R - MINUTE, 10),
            cumulative(TestObjects.FRONTEND, "success", s0, R, 15), // at start: +5 counts
            cumulative(TestObjects.FRONTEND, "success", s0, R_END - 1, 16), // +1
            cumulative(TestObjects.FRONTEND, "success", s0, R_END, 100))); // at end: not

    assertThat(increase(Map.of())).isEqualTo(6);
    assertThat(increase(Map.of(), R + 1, R_END + 1, 0))
        .containsExactly(new CounterIncreasePoint(R + 1, 1 + 84));
    assertThat(increase(Map.of(), R_END + 1, R_END + MINUTE, 0)).isEmpty();
  }

  @Test
  void counterIncrease_attributeFilters_exactText_andOnlyMonotonicSums() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    long s0 = R - 30 * MINUTE;
    MetricPoint upDown =
        new MetricPoint(
            TENANT,
            "checkout.requests",
            "",
            "{request}",
            MetricType.SUM,
            AggregationTemporality.DELTA,
            false,
            Attributes.builder().put("outcome", "success").build(),
            s0,
            R + MINUTE,
            0,
            PointValue.NumberValue.ofLong(1000),
            List.of(),
            TestObjects.FRONTEND,
            InstrumentationScope.empty());
    MetricPoint gauge =
        new MetricPoint(
            TENANT,
            "checkout.requests",
            "",
            "{request}",
            MetricType.GAUGE,
            AggregationTemporality.UNSPECIFIED,
            false,
            Attributes.builder().put("outcome", "success").build(),
            0,
            R + MINUTE,
            0,
            PointValue.NumberValue.ofLong(1000),
            List.of(),
            TestObjects.FRONTEND,
            InstrumentationScope.empty());
    acceptMetrics(
        List.of(
            cumulative(TestObjects.FRONTEND, "success", s0, R - MINUTE, 10),
            cumulative(TestObjects.FRONTEND, "success", s0, R + MINUTE, 19), // +9
            cumulative(TestObjects.FRONTEND, "failure", s0, R - MINUTE, 1),
            cumulative(TestObjects.FRONTEND, "failure", s0, R + MINUTE, 3), // +2
            upDown,
            gauge));

    assertThat(increase(Map.of())).isEqualTo(11);
    assertThat(increase(Map.of("outcome", "success"))).isEqualTo(9);
    assertThat(increase(Map.of("outcome", "failure"))).isEqualTo(2);
    assertThat(increase(Map.of("outcome", "failure", "code", "200"))).isEqualTo(2);
    assertThat(increase(Map.of("outcome", "failure", "code", "500"))).isZero();
    assertThat(increase(Map.of("outcome", "Failure"))).isZero();
    assertThat(increase(Map.of("region", "eu"))).isZero();
  }

  @Test
  void counterIncrease_isolatesTenants() {
    assumeCapability(StorageCapability.COUNTER_INCREASE);
    long s0 = R - 30 * MINUTE;
    acceptMetrics(
        List.of(
            withTenant(cumulative(TestObjects.FRONTEND, "success", s0, R - MINUTE, 1), "other"),
            withTenant(cumulative(TestObjects.FRONTEND, "success", s0, R + MINUTE, 5), "other")));

    assertThat(increase(Map.of())).isZero();
    assertThat(
            counterIncreaseReader()
                .counterIncrease(
                    new CounterIncreaseQuery(
                        "other", "checkout.requests", null, Map.of(), R, R_END, 0)))
        .containsExactly(new CounterIncreasePoint(R, 4));
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
