package dev.sightline.slo.evaluation;

import static dev.sightline.slo.evaluation.SloSpecs.OPERATION;
import static dev.sightline.slo.evaluation.SloSpecs.goodOf;
import static dev.sightline.slo.evaluation.SloSpecs.slo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.slo.AlertCondition;
import dev.sightline.slo.Slo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Counting rules of {@link SliCalculator} and {@link BurnRateRule}, on a canned reader. */
class SliCalculatorTest {
  static final long MS = 1_000_000L;

  /** Answers every query with one point: 10 requests, 3 errors, {@link #durations}. */
  final List<SpanMetricsQuery> queries = new ArrayList<>();

  DurationHistogram durations = histogram(100, 150, 400, 400, 400, 500, 600, 1000, 1000, 200_000);

  final SpanMetricsReader reader =
      new SpanMetricsReader() {
        @Override
        public List<SpanMetricsPoint> query(SpanMetricsQuery query) {
          queries.add(query);
          return List.of(
              new SpanMetricsPoint(
                  "", "", null, query.startUnixNano(), 10, 3, 0, SliCalculatorTest.this.durations));
        }

        @Override
        public List<ServiceEdge> serviceEdges(String tenant, long start, long end) {
          return List.of();
        }

        @Override
        public java.util.OptionalLong oldestBucket(
            String tenant,
            @org.jspecify.annotations.Nullable String service,
            @org.jspecify.annotations.Nullable String operation) {
          return java.util.OptionalLong.empty();
        }
      };

  final SliCalculator calculator = SliCalculator.builder().reader(reader).tenant("acme").build();

  static DurationHistogram histogram(long... durationsMillis) {
    long[] counts = new long[DurationHistogram.BUCKETS];
    for (long ms : durationsMillis) counts[DurationHistogram.bucketOf(ms * MS)]++;
    return DurationHistogram.of(counts);
  }

  SliResult.Counts counts(Slo slo) {
    SliResult result = calculator.count(slo, 0, 60_000 * MS);
    assertThat(result).isInstanceOf(SliResult.Counts.class);
    return (SliResult.Counts) result;
  }

  @Test
  void availability_goodIsRequestsMinusErrors_oneQueryForBothSides() {
    assertThat(counts(slo("0.999", goodOf("status: ok")))).isEqualTo(new SliResult.Counts(7, 10));
    assertThat(queries).hasSize(1);
    SpanMetricsQuery q = queries.get(0);
    assertThat(q.tenant()).isEqualTo("acme");
    assertThat(q.service()).isEqualTo("order");
    assertThat(q.operation()).isEqualTo(OPERATION);
    assertThat(q.spanKinds()).isEmpty();
    assertThat(q.startUnixNano()).isZero();
    assertThat(q.endUnixNano()).isEqualTo(60_000 * MS);
    assertThat(q.stepNanos()).isZero();
    assertThat(q.groupBy()).isEqualTo(SpanMetricsQuery.GroupBy.NONE);
  }

  @Test
  void badForm_goodIsTotalMinusBad() {
    String ratio =
        """
                bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}""";
    SliResult.Counts c = counts(slo("0.99", ratio));
    assertThat(c).isEqualTo(new SliResult.Counts(7, 10));
    assertThat(c.bad()).isEqualTo(3);
    assertThat(c.errorRatio()).isEqualTo(0.3);
    assertThat(queries).singleElement().satisfies(q -> assertThat(q.operation()).isNull());
  }

  @Test
  void latency_thresholdOnABound_isExact() {
    // 100, 150, 400, 400, 400, 500 are at most 500 ms; 600, 1000, 1000 and 200 s are not
    assertThat(counts(slo("0.99", goodOf("maxDurationMs: 500"))))
        .isEqualTo(new SliResult.Counts(6, 10));
    assertThat(SliCalculator.countAtMost(durations, 1000 * MS)).isEqualTo(9);
    assertThat(SliCalculator.countAtMost(durations, 100 * MS)).isEqualTo(1);
  }

  @Test
  void latency_thresholdInsideABucket_isInterpolatedLinearly() {
    // (200, 500] holds 400, 400, 400, 500: 300 ms is a third of the way, so 4/3 of them count
    assertThat(SliCalculator.countAtMost(durations, 300 * MS))
        .isCloseTo(2 + 4 / 3.0, Offset.offset(1e-9));
    // (0, 0.1 ms] starts at 0
    assertThat(SliCalculator.countAtMost(histogram(0, 0), 50_000))
        .isCloseTo(1.0, Offset.offset(1e-9));
    // above 100 s nothing is known: the overflow bucket never counts
    assertThat(SliCalculator.countAtMost(durations, 300_000 * MS)).isEqualTo(9);
  }

  @Test
  void unsupportedSources_sayWhy_andNeverQuery() {
    String metrics =
        """
                good:  {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests, attributes: {outcome: success}}}}
                total: {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests}}}""";

    assertThat(calculator.count(slo("0.99", metrics), 0, 60_000 * MS))
        .isEqualTo(
            new SliResult.Unsupported(
                "signal: metrics sources need a metric reader"
                    + " (SliCalculator.Builder.metricReader)"));
    assertThat(queries).isEmpty();

    BurnRateEvaluator evaluator = BurnRateEvaluator.builder().calculator(calculator).build();
    assertThat(evaluator.evaluate(slo("0.99", metrics), java.time.Instant.EPOCH))
        .isInstanceOf(SloEvaluation.Unsupported.class);
    assertThat(queries).isEmpty();
  }

  @Test
  void rawSpanSources_onABackendWithoutCountSpans_areUnsupported_noRedQuery() {
    Slo okAndFast = slo("0.99", goodOf("status: ok, maxDurationMs: 500"));
    String routeBad =
        """
                bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error, attributes: {http.route: /orders}}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order, attributes: {http.route: /orders}}}}""";

    assertThat(SliCalculator.unsupportedReason(okAndFast)).isEmpty();
    assertThat(SliCalculator.unsupportedReason(slo("0.99", routeBad))).isEmpty();
    assertThat(calculator.count(okAndFast, 0, 60_000 * MS))
        .isInstanceOf(SliResult.Unsupported.class)
        .extracting(r -> ((SliResult.Unsupported) r).reason())
        .isEqualTo(RawSpanCounts.NO_READER);
    assertThat(
            calculator.countAll(
                List.of(slo("0.99", routeBad)),
                List.of(new java.util.TreeSet<>(List.of(Duration.ofMinutes(5)))),
                60_000 * MS))
        .singleElement()
        .satisfies(m -> assertThat(m.values()).allMatch(SliResult.Unsupported.class::isInstance));
    assertThat(queries).isEmpty();
  }

  @Test
  void countAll_readsOnlyTheServicesTheSlosCount() {
    // issue 13's review: a tick cost grew with every service and operation in storage
    Slo slo = slo("0.999", goodOf("status: ok"));
    calculator.countAll(
        List.of(slo, slo),
        List.of(
            new java.util.TreeSet<>(List.of(Duration.ofMinutes(5))),
            new java.util.TreeSet<>(List.of(Duration.ofMinutes(5), Duration.ofHours(1)))),
        24 * 3_600_000 * MS);
    assertThat(queries).hasSize(2); // one per distinct window
    assertThat(queries)
        .allSatisfy(
            q -> {
              assertThat(q.service()).isNull();
              assertThat(q.services()).containsExactly("order");
              assertThat(q.groupBy()).isEqualTo(SpanMetricsQuery.GroupBy.OPERATION);
            });
  }

  @Test
  void windows_oneSteppedQuery_whenTheyShareA10sDivisor_elsePerWindow() {
    Slo slo = slo("0.999", goodOf("status: ok"));
    long end = 24 * 3_600_000 * MS;

    // the canned point sits at the query start: only the longest window holds it
    var counts =
        calculator.count(
            slo, new java.util.TreeSet<>(List.of(Duration.ofMinutes(5), Duration.ofHours(1))), end);
    assertThat(queries).singleElement();
    assertThat(queries.get(0).startUnixNano()).isEqualTo(end - 3_600_000 * MS);
    assertThat(queries.get(0).stepNanos()).isEqualTo(300_000 * MS);
    assertThat(counts.get(Duration.ofHours(1))).isEqualTo(new SliResult.Counts(7, 10));
    assertThat(counts.get(Duration.ofMinutes(5))).isEqualTo(new SliResult.Counts(0, 0));

    queries.clear();
    counts =
        calculator.count(
            slo,
            new java.util.TreeSet<>(List.of(Duration.ofSeconds(45), Duration.ofHours(1))),
            end);
    assertThat(queries)
        .extracting(SpanMetricsQuery::startUnixNano, SpanMetricsQuery::stepNanos)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(end - 45_000 * MS, 0L),
            org.assertj.core.groups.Tuple.tuple(end - 3_600_000 * MS, 0L));
    assertThat(counts.values()).containsOnly(new SliResult.Counts(7, 10));
  }

  @Test
  void defaultRules_workbookFor30Days_sameBudgetShareForOtherWindows() {
    assertThat(BurnRateRule.defaults(Duration.ofDays(30)))
        .extracting(
            BurnRateRule::severity,
            BurnRateRule::longWindow,
            BurnRateRule::shortWindow,
            BurnRateRule::threshold)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "page", Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
            org.assertj.core.groups.Tuple.tuple(
                "page", Duration.ofHours(6), Duration.ofMinutes(30), 6.0),
            org.assertj.core.groups.Tuple.tuple(
                "ticket", Duration.ofDays(3), Duration.ofHours(6), 1.0));
    assertThat(BurnRateRule.defaults(Duration.ofDays(28)))
        .extracting(BurnRateRule::threshold)
        .containsExactly(13.44, 5.6, 28 * 24 * 0.1 / 72);
    assertThat(BurnRateRule.defaults(Duration.ofDays(1)))
        .extracting(BurnRateRule::name)
        .containsExactly("page-fast", "page-slow");
  }

  @Test
  void alertConditions_replaceTheDefaults_shortWindowIsATwelfth() {
    String policies =
        """
          alertPolicies:
            - kind: AlertPolicy
              metadata: {name: custom}
              spec:
                conditions:
                  - kind: AlertCondition
                    metadata: {name: quick}
                    spec:
                      severity: critical
                      condition: {kind: burnrate, op: gt, threshold: 20, lookbackWindow: 2h, alertAfter: 5m}
                  - kind: AlertCondition
                    metadata: {name: tiny}
                    spec:
                      severity: info
                      condition: {kind: burnrate, op: gte, threshold: 2, lookbackWindow: 1m}""";
    Slo slo = slo("0.999", "30d", goodOf("status: ok"), policies);

    assertThat(BurnRateRule.forSlo(slo))
        .containsExactly(
            new BurnRateRule(
                "quick",
                "critical",
                Duration.ofHours(2),
                Duration.ofMinutes(10),
                AlertCondition.Op.GT,
                20),
            new BurnRateRule(
                "tiny",
                "info",
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                AlertCondition.Op.GTE,
                2));
    BurnRateRule quick = BurnRateRule.forSlo(slo).get(0);
    assertThat(quick.matches(20)).isFalse();
    assertThat(quick.matches(20.1)).isTrue();
    assertThat(quick.matches(Double.NaN)).isFalse();
  }
}
