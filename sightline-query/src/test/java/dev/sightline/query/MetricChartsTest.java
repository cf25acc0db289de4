package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.PointValue.HistogramValue;
import dev.sightline.core.model.PointValue.NumberValue;
import dev.sightline.core.model.Resource;
import dev.sightline.query.MetricCharts.ChartPoint;
import dev.sightline.query.MetricCharts.Display;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricChartsTest {
  static final long S = 1_000_000_000L;
  static final long T0 = 1_700_000_000L * S;

  static MetricPoint point(
      MetricType type,
      AggregationTemporality temporality,
      boolean monotonic,
      long start,
      long time,
      PointValue value) {
    return new MetricPoint(
        "default",
        "m",
        "",
        "s",
        type,
        temporality,
        monotonic,
        Attributes.empty(),
        start,
        time,
        0,
        value,
        List.<Exemplar>of(),
        Resource.empty(),
        InstrumentationScope.empty());
  }

  static MetricPoint counter(AggregationTemporality t, long start, long time, long value) {
    return point(MetricType.SUM, t, true, start, time, NumberValue.ofLong(value));
  }

  static MetricPoint histogram(long start, long time, List<Long> counts) {
    long total = counts.stream().mapToLong(Long::longValue).sum();
    return point(
        MetricType.HISTOGRAM,
        AggregationTemporality.CUMULATIVE,
        false,
        start,
        time,
        new HistogramValue(total, null, null, null, counts, List.of(0.1, 0.5, 1.0)));
  }

  @Test
  void displayFollowsTheType() {
    assertThat(MetricCharts.display(MetricType.GAUGE, false)).isEqualTo(Display.VALUE);
    assertThat(MetricCharts.display(MetricType.SUM, false)).isEqualTo(Display.VALUE);
    assertThat(MetricCharts.display(MetricType.SUM, true)).isEqualTo(Display.RATE);
    assertThat(MetricCharts.display(MetricType.HISTOGRAM, false)).isEqualTo(Display.QUANTILES);
    assertThat(MetricCharts.display(MetricType.SUMMARY, false)).isEqualTo(Display.QUANTILES);
  }

  @Test
  void cumulativeCounterBecomesARateAcrossAReset() {
    AggregationTemporality c = AggregationTemporality.CUMULATIVE;
    List<ChartPoint> rate =
        MetricCharts.points(
            List.of(
                counter(c, T0, T0 + 10 * S, 50), // 50 over its own 10 s
                counter(c, T0, T0 + 20 * S, 150), // +100 in 10 s
                counter(c, T0 + 25 * S, T0 + 30 * S, 20))); // restarted: 20 in 5 s
    assertThat(rate).extracting(ChartPoint::value).containsExactly(5.0, 10.0, 4.0);
  }

  @Test
  void deltaCounterIsItsValueOverItsInterval() {
    List<ChartPoint> rate =
        MetricCharts.points(List.of(counter(AggregationTemporality.DELTA, T0, T0 + 4 * S, 8)));
    assertThat(rate.get(0).value()).isEqualTo(2.0);
  }

  @Test
  void cumulativeHistogramPercentilesArePerInterval() {
    // first interval: all 10 in (0, 0.1]; second: 10 more, all in (0.5, 1]
    List<ChartPoint> q =
        MetricCharts.points(
            List.of(
                histogram(T0, T0 + 10 * S, List.of(10L, 0L, 0L, 0L)),
                histogram(T0, T0 + 20 * S, List.of(10L, 0L, 10L, 0L))));
    assertThat(q.get(0).p50()).isCloseTo(0.05, within(1e-9));
    assertThat(q.get(1).p50()).isCloseTo(0.75, within(1e-9));
    assertThat(q.get(1).p99()).isCloseTo(0.995, within(1e-9));
    assertThat(q.get(0).value()).isNull();
  }

  @Test
  void explicitQuantileInterpolatesAndCapsAtTheHighestBound() {
    double[] bounds = {1, 2, 4};
    assertThat(MetricCharts.explicitQuantile(0.5, new long[] {0, 4, 0, 0}, bounds)).isEqualTo(1.5);
    assertThat(MetricCharts.explicitQuantile(0.99, new long[] {1, 0, 0, 9}, bounds)).isEqualTo(4);
    assertThat(MetricCharts.explicitQuantile(0.5, new long[] {0, 0, 0, 0}, bounds)).isNull();
  }

  @Test
  void exponentialQuantileUsesPowersOfTheBase() {
    // scale 0: base 2; offset 1 -> buckets (2,4], (4,8]
    assertThat(MetricCharts.exponentialQuantile(0.5, 0, 0, 1, new long[] {2, 2})).isEqualTo(4.0);
    assertThat(MetricCharts.exponentialQuantile(0.25, 0, 0, 1, new long[] {2, 2})).isEqualTo(3.0);
    assertThat(MetricCharts.exponentialQuantile(0.4, 5, 0, 1, new long[] {2, 3})).isEqualTo(0.0);
    assertThat(MetricCharts.exponentialQuantile(0.5, 0, 0, 1, new long[] {0, 0})).isNull();
  }
}
