package dev.sightline.slo.evaluation;

import static dev.sightline.slo.evaluation.SloSpecs.OPERATION;
import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.Slo;
import dev.sightline.testing.ReducedStorage;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLIs that RED buckets cannot answer (span attribute filters; status together with a latency
 * threshold), counted from the stored spans of real storage ({@link StorageFixture}) as of {@link
 * TestObjects#NOW_NANOS}.
 */
class RawSpanSliTest {
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final Instant NOW = Instant.ofEpochSecond(0, NOW_NANOS);

  @TempDir Path dataDir;
  StorageFixture fixture;
  StorageComponent storage;
  BurnRateEvaluator evaluator;
  SliCalculator calculator;
  long ids = 1;

  @BeforeEach
  void open() {
    fixture = StorageFixture.create(dataDir);
    storage = fixture.open();
    assumeTrue(
        storage.capabilities().contains(StorageCapability.SPAN_COUNTS),
        () -> fixture.backend() + " does not declare SPAN_COUNTS");
    evaluator = BurnRateEvaluator.builder().storage(storage).build();
    calculator = SliCalculator.builder().storage(storage).tenant(TENANT).build();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  /** A server span of order/PlaceOrder on {@code route} starting at {@code start}. */
  Span span(String route, long start, long durationMillis, boolean error) {
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
        .attributes(Attributes.ofStrings("http.route", route))
        .status(error ? StatusCode.ERROR : StatusCode.OK, error ? "failed" : "")
        .build();
  }

  void write(List<Span> spans) throws Exception {
    storage.writer().writeSpans(spans).get(60, TimeUnit.SECONDS);
  }

  static Slo routeAvailability(String route) {
    return SloSpecs.slo(
        "0.999",
        SloSpecs.goodOf("status: ok, attributes: {http.route: %s}".formatted(route))
            .replace(
                "operation: %s}}}".formatted(OPERATION),
                "operation: %s, attributes: {http.route: %s}}}}".formatted(OPERATION, route)));
  }

  /** Two hours of one /orders and one /checkout span every 10 s; /checkout fails for 10 minutes. */
  void checkoutFailsForTenMinutes() throws Exception {
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 2 * HOUR;
    for (long t = start; t < NOW_NANOS; t += 10 * SECOND) {
      spans.add(span("/orders", t, 20, false));
      spans.add(span("/checkout", t, 20, t >= NOW_NANOS - 10 * MINUTE));
    }
    write(spans);
  }

  static ObjectiveEvaluation evaluation(SloEvaluation e) {
    assertThat(e).isInstanceOf(SloEvaluation.Evaluated.class);
    return ((SloEvaluation.Evaluated) e).objectives().get(0);
  }

  static WindowBurnRate window(ObjectiveEvaluation e, Duration window) {
    return e.windows().stream().filter(w -> w.window().equals(window)).findFirst().orElseThrow();
  }

  @Test
  void availabilityPerRoute_onlyTheFailingRouteAlerts() throws Exception {
    checkoutFailsForTenMinutes();
    List<Slo> slos =
        List.of(
            routeAvailability("/orders"),
            routeAvailability("/checkout"),
            SloSpecs.availability("0.999"));

    List<SloEvaluation> all = evaluator.evaluateAll(slos, NOW);

    assertThat(all)
        .containsExactlyElementsOf(slos.stream().map(s -> evaluator.evaluate(s, NOW)).toList());
    ObjectiveEvaluation orders = evaluation(all.get(0));
    ObjectiveEvaluation checkout = evaluation(all.get(1));
    assertThat(orders.firing()).isFalse();
    assertThat(window(orders, Duration.ofHours(1)))
        .extracting(WindowBurnRate::good, WindowBurnRate::total)
        .containsExactly(360.0, 360.0);
    assertThat(checkout.firing()).isTrue();
    assertThat(window(checkout, Duration.ofHours(1)))
        .extracting(WindowBurnRate::good, WindowBurnRate::total)
        .containsExactly(300.0, 360.0);
    assertThat(window(checkout, Duration.ofMinutes(5)).good()).isZero();
    // the service-wide SLO (RED buckets) sees both routes
    assertThat(window(evaluation(all.get(2)), Duration.ofHours(1)))
        .extracting(WindowBurnRate::good, WindowBurnRate::total)
        .containsExactly(660.0, 720.0);
  }

  @Test
  void statusAndLatency_goodIsOkAndFast_exactly() throws Exception {
    long[] durations = {100, 499, 500, 501, 800};
    List<Span> spans = new ArrayList<>();
    long start = NOW_NANOS - 30 * MINUTE;
    for (int i = 0; i < 300; i++) {
      spans.add(span("/orders", start + i * 6 * SECOND, durations[i % 5], i % 3 == 0));
    }
    write(spans);
    long good =
        spans.stream()
            .filter(s -> s.statusCode() != StatusCode.ERROR)
            .filter(s -> s.endTimeUnixNano() - s.startTimeUnixNano() <= 500 * MILLI)
            .count();
    Slo slo = SloSpecs.slo("0.99", SloSpecs.goodOf("status: ok, maxDurationMs: 500"));

    assertThat(calculator.count(slo, start, NOW_NANOS)).isEqualTo(new SliResult.Counts(good, 300));
    assertThat(good).isEqualTo(120); // 3 of 5 durations are fast, 2 of 3 spans succeed
    // the windows of one stepped query equal a query per window
    TreeSet<Duration> windows =
        new TreeSet<>(List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1)));
    var counts = calculator.count(slo, windows, NOW_NANOS);
    for (Duration w : windows) {
      assertThat(counts.get(w))
          .isEqualTo(calculator.count(slo, NOW_NANOS - w.toNanos(), NOW_NANOS));
    }
    assertThat(counts.get(Duration.ofHours(1))).isEqualTo(new SliResult.Counts(120, 300));
    // a bad side: errors that were slow; good = total - bad
    String slowErrors =
        """
                bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error, maxDurationMs: 500}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}""";
    long fastErrors =
        spans.stream()
            .filter(s -> s.statusCode() == StatusCode.ERROR)
            .filter(s -> s.endTimeUnixNano() - s.startTimeUnixNano() <= 500 * MILLI)
            .count();
    assertThat(calculator.count(SloSpecs.slo("0.99", slowErrors), start, NOW_NANOS))
        .isEqualTo(new SliResult.Counts(300 - fastErrors, 300));
  }

  @Test
  void series_slidingWindowsOfStoredSpans_equalCounts() throws Exception {
    checkoutFailsForTenMinutes();
    Slo checkout = routeAvailability("/checkout");
    long start = NOW_NANOS - 30 * MINUTE;

    List<SliCalculator.SeriesPoint> series =
        calculator.series(checkout, Duration.ofMinutes(5), start, NOW_NANOS, Duration.ofMinutes(1));

    assertThat(series).hasSize(31);
    for (SliCalculator.SeriesPoint p : series) {
      SliResult.Counts c =
          (SliResult.Counts)
              calculator.count(checkout, p.timeUnixNano() - 5 * MINUTE, p.timeUnixNano());
      assertThat(p.good()).isEqualTo(c.good());
      assertThat(p.total()).isEqualTo(c.total());
    }
    // the burn starts with the failures, ten minutes ago
    assertThat(series.get(20).errorRatio()).isZero();
    assertThat(series.get(21).errorRatio())
        .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(series.get(30).errorRatio()).isEqualTo(1.0);
  }

  @Test
  void aBackendWithoutSpanCounts_rawSpanSlisAreUnsupported_redSlisStillEvaluate() throws Exception {
    checkoutFailsForTenMinutes();
    // the view closes nothing here: @AfterEach closes the backend
    BurnRateEvaluator withoutCounts =
        BurnRateEvaluator.builder()
            .storage(ReducedStorage.without(storage, StorageCapability.SPAN_COUNTS))
            .build();

    assertThat(withoutCounts.evaluate(routeAvailability("/checkout"), NOW))
        .isInstanceOfSatisfying(
            SloEvaluation.Unsupported.class,
            u ->
                assertThat(u.reason())
                    .isEqualTo(
                        "ReducedStorage does not offer SPAN_COUNTS (counts of stored spans)"));
    assertThat(
            window(
                evaluation(withoutCounts.evaluate(SloSpecs.availability("0.999"), NOW)),
                Duration.ofHours(1)))
        .extracting(WindowBurnRate::good, WindowBurnRate::total)
        .containsExactly(660.0, 720.0);
  }
}
