package dev.sightline.slo.evaluation;

import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.MetricSource;
import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SpanSource;
import dev.sightline.testing.ReducedStorage;
import dev.sightline.testing.StorageFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signal: metrics} SLIs on real storage ({@link StorageFixture}): {@code checkout.requests},
 * a cumulative counter with {@code outcome=success|failure} from two instances, one of which
 * restarts.
 */
class MetricSliCalculatorTest {
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final Offset<Double> EXACT = Offset.offset(1e-9);
  static final String RATIO =
      """
      good:  {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests, attributes: {outcome: success}}}}
      total: {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests}}}""";
  static final String BAD_RATIO =
      """
      bad:   {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests, attributes: {outcome: failure}}}}
      total: {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests}}}""";

  @TempDir Path dataDir;
  StorageFixture fixture;
  StorageComponent storage;
  SliCalculator calculator;

  @BeforeEach
  void open() throws Exception {
    fixture = StorageFixture.create(dataDir);
    storage = fixture.open();
    assumeTrue(
        storage.capabilities().contains(StorageCapability.COUNTER_INCREASE),
        () -> fixture.backend() + " does not declare COUNTER_INCREASE");
    calculator = SliCalculator.builder().storage(storage).tenant(TENANT).build();
    write();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  static Resource instance(String id) {
    return Resource.of(
        Attributes.builder()
            .put(Resource.SERVICE_NAME, "checkout")
            .put("service.instance.id", id)
            .build());
  }

  static MetricPoint point(Resource instance, String outcome, long startTime, long time, long v) {
    return new MetricPoint(
        TENANT,
        "checkout.requests",
        "",
        "{request}",
        MetricType.SUM,
        AggregationTemporality.CUMULATIVE,
        true,
        Attributes.builder().put("outcome", outcome).build(),
        startTime,
        time,
        0,
        PointValue.NumberValue.ofLong(v),
        List.of(),
        instance,
        InstrumentationScope.empty());
  }

  /** Export {@code i} (0..179): a minute apart, the last 30 s before {@link #NOW_NANOS}. */
  static long time(int i) {
    return NOW_NANOS - 3 * HOUR + i * MINUTE + 30 * SECOND;
  }

  /**
   * 3 hours, one export a minute per instance. a: +100 successes a minute; in the last 5 exports
   * +60 successes and +40 failures. b: +50 successes a minute, no failures; restarts before export
   * 120 (new start time, counting from 0 again).
   */
  void write() throws Exception {
    Resource a = instance("a");
    Resource b = instance("b");
    long startA = NOW_NANOS - 4 * HOUR;
    long startB = NOW_NANOS - 5 * HOUR;
    long restartB = time(119) + 10 * SECOND;
    List<MetricPoint> points = new ArrayList<>();
    long successA = 1000;
    long failureA = 5;
    for (int i = 0; i < 180; i++) {
      boolean burst = i >= 175;
      successA += burst ? 60 : 100;
      failureA += burst ? 40 : 0;
      points.add(point(a, "success", startA, time(i), successA));
      points.add(point(a, "failure", startA, time(i), failureA));
      long sb = i < 120 ? startB : restartB;
      points.add(
          point(b, "success", sb, time(i), i < 120 ? 2000 + 50L * (i + 1) : 50L * (i - 119)));
      points.add(point(b, "failure", sb, time(i), 0));
    }
    storage.writer().writeMetrics(points).get(60, TimeUnit.SECONDS);
  }

  SliResult.Counts counts(Slo slo, long start, long end) {
    SliResult r = calculator.count(slo, start, end);
    assertThat(r).isInstanceOf(SliResult.Counts.class);
    return (SliResult.Counts) r;
  }

  @Test
  void lastHour_equalsTheHandCalculation_acrossTheRestart() {
    // exports 120..179: a 55 × 100 + 5 × 60 successes, 5 × 40 failures (its export 119 is the
    // previous point); b restarted: export 120 counts whole (50), then 59 × 50
    SliResult.Counts c = counts(SloSpecs.slo("0.999", RATIO), NOW_NANOS - HOUR, NOW_NANOS);
    assertThat(c.total()).isEqualTo(5_800 + 200 + 3_000);
    assertThat(c.good()).isEqualTo(5_800 + 3_000);
    assertThat(counts(SloSpecs.slo("0.999", BAD_RATIO), NOW_NANOS - HOUR, NOW_NANOS)).isEqualTo(c);
    // the burst alone
    assertThat(counts(SloSpecs.slo("0.999", RATIO), NOW_NANOS - 5 * MINUTE, NOW_NANOS))
        .isEqualTo(new SliResult.Counts(5 * 60 + 5 * 50, 5 * 150));
  }

  @Test
  void steppedWindows_countAll_andSeries_agreeWithSingleRanges() {
    Slo slo = SloSpecs.slo("0.999", RATIO);
    SortedSet<Duration> windows =
        new TreeSet<>(List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1)));

    Map<Duration, SliResult> stepped = calculator.count(slo, windows, NOW_NANOS);
    for (Duration w : windows) {
      assertThat(stepped.get(w)).isEqualTo(counts(slo, NOW_NANOS - w.toNanos(), NOW_NANOS));
    }
    assertThat(calculator.countAll(List.of(slo, slo), List.of(windows, windows), NOW_NANOS))
        .containsExactly(stepped, stepped);

    List<SliCalculator.SeriesPoint> series =
        calculator.series(
            slo, Duration.ofMinutes(1), NOW_NANOS - 10 * MINUTE, NOW_NANOS, Duration.ofMinutes(1));
    assertThat(series).hasSize(11);
    assertThat(series.get(0))
        .isEqualTo(new SliCalculator.SeriesPoint(NOW_NANOS - 10 * MINUTE, 150, 150));
    assertThat(series.get(10)).isEqualTo(new SliCalculator.SeriesPoint(NOW_NANOS, 110, 150));
  }

  @Test
  void failureBurst_firesTheFastPage_onlyAfterIt() {
    Slo slo = SloSpecs.slo("0.999", RATIO);
    BurnRateEvaluator evaluator = BurnRateEvaluator.builder().calculator(calculator).build();

    ObjectiveEvaluation before =
        BurnRateEvaluatorTest.evaluation(
            evaluator.evaluate(slo, BurnRateEvaluatorTest.instant(NOW_NANOS - 5 * MINUTE)));
    assertThat(before.firing()).isFalse();

    ObjectiveEvaluation after =
        BurnRateEvaluatorTest.evaluation(
            evaluator.evaluate(slo, BurnRateEvaluatorTest.instant(NOW_NANOS)));
    RuleEvaluation fast = BurnRateEvaluatorTest.rule(after, "page-fast");
    assertThat(fast.fires()).isTrue();
    assertThat(fast.shortBurnRate()).isCloseTo(200.0 / 750 / 0.001, Offset.offset(1e-6));
    assertThat(fast.longBurnRate()).isCloseTo(200.0 / 9_000 / 0.001, Offset.offset(1e-6));
    assertThat(evaluator.evaluateAll(List.of(slo), Instant.ofEpochSecond(0, NOW_NANOS)))
        .containsExactly(evaluator.evaluate(slo, Instant.ofEpochSecond(0, NOW_NANOS)));
  }

  @Test
  void mixedSides_orNoMetricReader_areUnsupportedWithAReason() {
    // the loader refuses mixed signals; a ratio built in code gets a reason
    RatioMetric mixed =
        new RatioMetric(
            true,
            new MetricSource("checkout.requests", Map.of()),
            null,
            new SpanSource("checkout", null, null, null, Map.of()));
    assertThat(MetricSliCounter.mixedReason(mixed))
        .contains("good and total must both be signal: metrics or both signal: spans sources");
    assertThat(SliCalculator.unsupportedReason(SloSpecs.slo("0.99", RATIO)))
        .isEqualTo(Optional.empty());

    SliCalculator spansOnly =
        SliCalculator.builder().reader(storage.spanMetricsReader().orElseThrow()).build();
    assertThat(spansOnly.count(SloSpecs.slo("0.99", RATIO), NOW_NANOS - HOUR, NOW_NANOS))
        .isEqualTo(new SliResult.Unsupported(MetricSliCounter.NO_READER));
  }

  @Test
  void aBackendWithoutCounterIncreases_metricSlisAreUnsupported_sayingWhatItLacks() {
    // the views close nothing here: @AfterEach closes the backend
    SliCalculator withoutIncreases =
        SliCalculator.builder()
            .storage(ReducedStorage.without(storage, StorageCapability.COUNTER_INCREASE))
            .tenant(TENANT)
            .build();
    SliResult expected =
        new SliResult.Unsupported(
            "ReducedStorage does not offer COUNTER_INCREASE (counter increases)");
    assertThat(withoutIncreases.count(SloSpecs.slo("0.99", RATIO), NOW_NANOS - HOUR, NOW_NANOS))
        .isEqualTo(expected);
    assertThat(
            withoutIncreases.count(
                SloSpecs.slo("0.99", RATIO),
                new TreeSet<>(List.of(Duration.ofMinutes(5), Duration.ofHours(1))),
                NOW_NANOS))
        .containsOnlyKeys(Duration.ofMinutes(5), Duration.ofHours(1))
        .allSatisfy((w, r) -> assertThat(r).isEqualTo(expected));
    // SLO evaluation itself needs span metrics: refused when building, naming the capability
    assertThatThrownBy(() -> SliCalculator.builder().storage(ReducedStorage.coreOnly(storage)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "SLO evaluation needs span metrics: ReducedStorage does not offer SPAN_METRICS"
                + " (span metrics: RED and the service map)");
  }
}
