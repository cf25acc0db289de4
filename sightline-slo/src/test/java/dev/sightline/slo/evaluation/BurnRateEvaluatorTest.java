package dev.sightline.slo.evaluation;

import static dev.sightline.slo.evaluation.SloSpecs.OPERATION;
import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.Slo;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Burn-rate rules evaluated on RED buckets of back-filled spans in real storage ({@link
 * StorageFixture}), as of {@link TestObjects#NOW_NANOS} (a minute boundary).
 */
class BurnRateEvaluatorTest {
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final Instant NOW = instant(NOW_NANOS);
  static final Offset<Double> EXACT = Offset.offset(1e-9);

  @TempDir Path dataDir;
  StorageFixture fixture;
  StorageComponent storage;
  BurnRateEvaluator evaluator;
  long ids = 1;

  @BeforeEach
  void open() {
    fixture = StorageFixture.create(dataDir);
    storage = fixture.open();
    evaluator = BurnRateEvaluator.builder().storage(storage).build();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  static Instant instant(long unixNanos) {
    return Instant.ofEpochSecond(0, unixNanos);
  }

  /** A server span of order/PlaceOrder starting at {@code start}. */
  Span span(long start, long durationMillis, boolean error) {
    long n = ids++;
    return TestObjects.span(
            TENANT,
            TestObjects.traceId(n),
            TestObjects.spanId(n),
            "",
            "order",
            OPERATION,
            start,
            durationMillis * MILLI)
        .toBuilder()
        .kind(SpanKind.SERVER)
        .status(error ? StatusCode.ERROR : StatusCode.OK, error ? "failed" : "")
        .build();
  }

  void write(List<Span> spans) throws Exception {
    for (int i = 0; i < spans.size(); i += 5_000) {
      storage
          .writer()
          .writeSpans(spans.subList(i, Math.min(spans.size(), i + 5_000)))
          .get(60, TimeUnit.SECONDS);
    }
  }

  static ObjectiveEvaluation evaluation(SloEvaluation e) {
    assertThat(e).isInstanceOf(SloEvaluation.Evaluated.class);
    return ((SloEvaluation.Evaluated) e).objectives().get(0);
  }

  static RuleEvaluation rule(ObjectiveEvaluation e, String name) {
    return e.rules().stream().filter(r -> r.rule().name().equals(name)).findFirst().orElseThrow();
  }

  static WindowBurnRate window(ObjectiveEvaluation e, Duration window) {
    return e.windows().stream().filter(w -> w.window().equals(window)).findFirst().orElseThrow();
  }

  /** Burn rate of a 99.9% objective, by hand. */
  static double burn999(double bad, double total) {
    return bad / total / (1 - 0.999);
  }

  @Test
  void healthyTrafficForThreeDays_nothingFires() throws Exception {
    // a request every 10 s for 3 days (25,920), 5 of them errors spread 5,000 apart
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 72 * HOUR;
    for (int i = 0; i < 25_920; i++) {
      spans.add(span(start + i * 10 * SECOND, 20, i % 5_000 == 2_500));
    }
    write(spans);

    ObjectiveEvaluation e = evaluation(evaluator.evaluate(SloSpecs.availability("0.999"), NOW));

    assertThat(e.rules()).hasSize(3).allSatisfy(r -> assertThat(r.enoughTraffic()).isTrue());
    assertThat(e.rules()).noneMatch(RuleEvaluation::fires);
    assertThat(e.firing()).isFalse();
    WindowBurnRate month = window(e, Duration.ofDays(30));
    assertThat(month.total()).isEqualTo(25_920);
    assertThat(month.good()).isEqualTo(25_915);
    assertThat(e.budgetRemaining()).isCloseTo(1 - 5 / (0.001 * 25_920), EXACT);
    assertThat(e.windows())
        .extracting(WindowBurnRate::window)
        .containsExactly(
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(1),
            Duration.ofHours(6),
            Duration.ofDays(3),
            Duration.ofDays(30));
  }

  @Test
  void allErrorsSinceTwoMinutes_fastPageFires_burnRatesMatchHandCalculation() throws Exception {
    // a request every 10 s for 2 hours; the last 12 (from 2 minutes ago) fail
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 2 * HOUR;
    for (int i = 0; i < 720; i++) spans.add(span(start + i * 10 * SECOND, 20, i >= 708));
    write(spans);
    Slo slo = SloSpecs.availability("0.999");

    ObjectiveEvaluation e = evaluation(evaluator.evaluate(slo, NOW));

    // 5m: 30 requests, 12 errors; 1h: 360 requests, 12 errors
    RuleEvaluation fast = rule(e, "page-fast");
    assertThat(fast.fires()).isTrue();
    assertThat(fast.rule().threshold()).isEqualTo(14.4);
    assertThat(fast.shortBurnRate()).isCloseTo(burn999(12, 30), EXACT).isCloseTo(400, EXACT);
    assertThat(fast.longBurnRate()).isCloseTo(burn999(12, 360), EXACT);
    assertThat(fast.longBurnRate()).isCloseTo(1000 / 30.0, EXACT);
    WindowBurnRate hour = window(e, Duration.ofHours(1));
    assertThat(hour.total()).isEqualTo(360);
    assertThat(hour.good()).isEqualTo(348);
    assertThat(hour.errorRatio()).isCloseTo(12 / 360.0, EXACT);
    WindowBurnRate fiveMinutes = window(e, Duration.ofMinutes(5));
    assertThat(fiveMinutes.total()).isEqualTo(30);
    assertThat(fiveMinutes.good()).isEqualTo(18);
    // 12 of a month's budget of 0.001 × 720
    assertThat(e.budgetRemaining()).isCloseTo(1 - 12 / (0.001 * 720), EXACT);

    // the first 10-second step at which it fires: the 6th error (1h burn 6 / 360 / 0.001 = 16.7;
    // 5 errors give 13.9 < 14.4), one minute ago
    long firstFiring = -1;
    for (long t = NOW_NANOS - 2 * MINUTE; t <= NOW_NANOS; t += 10 * SECOND) {
      if (rule(evaluation(evaluator.evaluate(slo, instant(t))), "page-fast").fires()) {
        firstFiring = t;
        break;
      }
    }
    assertThat(firstFiring).isEqualTo(NOW_NANOS - MINUTE);
  }

  @Test
  void onePercentErrorsForSixHours_slowPageFires_fastDoesNot() throws Exception {
    // a request every 6 s for 6 hours (3,600), every 100th fails: burn rate 10 on a 99.9% SLO
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 6 * HOUR;
    for (int i = 0; i < 3_600; i++) spans.add(span(start + i * 6 * SECOND, 20, i % 100 == 50));
    write(spans);

    ObjectiveEvaluation e = evaluation(evaluator.evaluate(SloSpecs.availability("0.999"), NOW));

    RuleEvaluation slow = rule(e, "page-slow");
    assertThat(slow.fires()).isTrue();
    assertThat(slow.longBurnRate()).isCloseTo(burn999(36, 3_600), EXACT).isCloseTo(10, EXACT);
    assertThat(slow.shortBurnRate()).isCloseTo(burn999(3, 300), EXACT);
    RuleEvaluation fast = rule(e, "page-fast");
    assertThat(fast.fires()).isFalse();
    assertThat(fast.longBurnRate()).isCloseTo(burn999(6, 600), EXACT);
    // 6 hours of data cover the slow page's 1 h requirement but not the ticket's 12 h: the ticket
    // is still warming up, whatever its burn rates
    assertThat(slow.covered()).isTrue();
    assertThat(rule(e, "ticket").enoughTraffic()).isTrue();
    assertThat(rule(e, "ticket").covered()).isFalse();
    assertThat(rule(e, "ticket").fires()).isFalse();
  }

  @Test
  void evaluateAll_sameResultsAsOneByOne() throws Exception {
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 2 * HOUR;
    long[] durations = {100, 250, 499, 500, 501, 800};
    for (int i = 0; i < 720; i++) {
      spans.add(span(start + i * 10 * SECOND, durations[i % durations.length], i >= 700));
    }
    write(spans);
    String serviceWide =
        """
                bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}""";
    String attributes =
        """
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, attributes: {http.route: /orders}}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}""";
    List<Slo> slos =
        List.of(
            SloSpecs.availability("0.999"),
            SloSpecs.latency("0.99", 300),
            SloSpecs.slo("0.95", "28d", serviceWide, ""),
            SloSpecs.slo("0.99", attributes));

    List<SloEvaluation> all = evaluator.evaluateAll(slos, NOW);

    assertThat(all)
        .containsExactlyElementsOf(slos.stream().map(s -> evaluator.evaluate(s, NOW)).toList());
    assertThat(all.get(0)).isInstanceOf(SloEvaluation.Evaluated.class);
    // counted from stored spans: none carries the route
    assertThat(window(evaluation(all.get(3)), Duration.ofDays(30)))
        .extracting(WindowBurnRate::good, WindowBurnRate::total)
        .containsExactly(0.0, 720.0);
    assertThat(window(evaluation(all.get(2)), Duration.ofDays(28)).good()).isEqualTo(700);
  }

  @Test
  void threeRequestsOneError_belowMinimumTraffic_nothingFires() throws Exception {
    write(
        List.of(
            span(NOW_NANOS - 20 * MINUTE, 20, false),
            span(NOW_NANOS - 3 * MINUTE, 20, true),
            span(NOW_NANOS - 2 * MINUTE, 20, false)));
    Slo slo = SloSpecs.availability("0.999");

    ObjectiveEvaluation e = evaluation(evaluator.evaluate(slo, NOW));

    assertThat(e.rules()).noneMatch(RuleEvaluation::fires);
    assertThat(e.rules()).noneMatch(RuleEvaluation::enoughTraffic);
    // the burn rates are still reported
    assertThat(rule(e, "page-fast").longBurnRate()).isCloseTo(burn999(1, 3), EXACT);
    // without the minimum, the same data would page
    BurnRateEvaluator noMinimum =
        BurnRateEvaluator.builder().storage(storage).minimumEvents(0).build();
    assertThat(rule(evaluation(noMinimum.evaluate(slo, NOW)), "page-fast").fires()).isTrue();
  }

  @Test
  void noTraffic_ratiosAreNaN_budgetIntact_nothingFires() {
    ObjectiveEvaluation e = evaluation(evaluator.evaluate(SloSpecs.availability("0.999"), NOW));

    assertThat(e.windows()).allSatisfy(w -> assertThat(w.burnRate()).isNaN());
    assertThat(e.budgetRemaining()).isEqualTo(1.0);
    assertThat(e.firing()).isFalse();
  }

  @Test
  void latencyUnder500ms_countsDurationsAtMostTheThreshold() throws Exception {
    // 10 requests a minute for 30 minutes; 7 of every 10 last at most 500 ms
    long[] durations = {100, 250, 499, 500, 501, 800, 1_200, 50, 20, 500};
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 30 * MINUTE;
    for (int i = 0; i < 300; i++) spans.add(span(start + i * 6 * SECOND, durations[i % 10], false));
    write(spans);

    ObjectiveEvaluation e = evaluation(evaluator.evaluate(SloSpecs.latency("0.99", 500), NOW));

    WindowBurnRate half = window(e, Duration.ofMinutes(30));
    assertThat(half.good()).isEqualTo(210);
    assertThat(half.total()).isEqualTo(300);
    assertThat(half.errorRatio()).isCloseTo(0.3, EXACT);
    assertThat(half.burnRate()).isCloseTo(0.3 / (1 - 0.99), EXACT);
    assertThat(window(e, Duration.ofMinutes(5)).good()).isEqualTo(35);
    assertThat(rule(e, "page-fast").fires()).isTrue();

    // 300 ms is inside (200, 500]: 250, 499, 500, 500 count a third each, 100, 50, 20 fully
    SliCalculator calculator = SliCalculator.builder().storage(storage).build();
    SliResult r =
        calculator.count(SloSpecs.latency("0.99", 300), NOW_NANOS - 30 * MINUTE, NOW_NANOS);
    assertThat(r).isInstanceOf(SliResult.Counts.class);
    assertThat(((SliResult.Counts) r).good()).isCloseTo(30 * (3 + 4 / 3.0), EXACT);
  }
}
