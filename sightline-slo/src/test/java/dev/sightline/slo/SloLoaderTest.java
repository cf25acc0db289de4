package dev.sightline.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.testing.OpenSloExamples;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SloLoaderTest {
  /** The example of issue 4, exactly as written there. */
  static final String ISSUE_EXAMPLE = OpenSloExamples.PLACE_ORDER_AVAILABILITY;

  static final String LATENCY_EXAMPLE =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: place-order-latency
        labels:
          sightline.dev/severity: P0
      spec:
        service: order
        budgetingMethod: Occurrences
        timeWindow: [{duration: 28d, isRolling: true}]
        objectives: [{displayName: under 500 ms, target: 0.99}]
        indicator:
          metadata: {name: place-order-fast}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder, maxDurationMs: 500}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder}}}
      """;

  @TempDir Path dir;

  private static SloCatalog parse(String yaml) {
    return SloLoader.parse(Map.of("slos/test.yaml", yaml));
  }

  @Test
  void issueExampleParsesAsWritten() {
    SloCatalog c = parse(ISSUE_EXAMPLE);
    assertThat(c.problems()).isEmpty();
    assertThat(c.slos()).hasSize(1);
    Slo slo = c.slos().get(0);
    assertThat(slo.metadata().name()).isEqualTo("place-order-availability");
    assertThat(slo.service()).isEqualTo("order");
    assertThat(slo.timeWindow()).isEqualTo(new TimeWindow(Duration.ofDays(30)));
    assertThat(slo.objectives()).containsExactly(new Objective("availability", 0.999));
    assertThat(slo.alertPolicies()).isEmpty();
    assertThat(slo.responsibility())
        .isEqualTo(
            new Responsibility(
                URI.create("https://runbooks.example.com/place-order"),
                "team-orders",
                Severity.P1,
                Duration.ofMinutes(15)));
    Sli sli = slo.indicator();
    assertThat(sli.metadata().name()).isEqualTo("place-order-ok");
    String op = "Shop.OrderService.PlaceOrder";
    assertThat(sli.ratioMetric())
        .isEqualTo(
            new RatioMetric(
                true,
                new SpanSource("order", op, SpanSource.Status.OK, null, Map.of()),
                null,
                new SpanSource("order", op, null, null, Map.of())));
  }

  @Test
  void latencyVariantParses() {
    SloCatalog c = parse(LATENCY_EXAMPLE);
    assertThat(c.problems()).isEmpty();
    Slo slo = c.slos().get(0);
    assertThat(slo.timeWindow().duration()).isEqualTo(Duration.ofDays(28));
    assertThat(slo.responsibility())
        .isEqualTo(new Responsibility(null, null, Severity.P0, Duration.ofMinutes(15)));
    assertThat(slo.indicator().ratioMetric().good())
        .isEqualTo(
            new SpanSource(
                "order", "Shop.OrderService.PlaceOrder", null, Duration.ofMillis(500), Map.of()));
  }

  @Test
  void defaultsWithoutAnnotations() {
    SloCatalog c =
        parse(LATENCY_EXAMPLE.replace("  labels:\n    sightline.dev/severity: P0\n", ""));
    assertThat(c.problems()).isEmpty();
    assertThat(c.slos().get(0).responsibility())
        .isEqualTo(new Responsibility(null, null, Severity.P1, Duration.ofHours(1)));
  }

  @Test
  void attributeFiltersBadSideMetricsSignalAndTargetPercent() {
    SloCatalog c =
        parse(
            """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: orders-route}
            spec:
              service: order
              budgetingMethod: Occurrences
              timeWindow: [{duration: 1h, isRolling: true}]
              objectives: [{targetPercent: 99.5}]
              indicator:
                metadata: {name: orders-route-errors}
                spec:
                  ratioMetric:
                    counter: true
                    bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error, attributes: {http.route: /orders, http.status_code: 500}}}}
                    total: {metricSource: {type: sightline, spec: {signal: spans, service: order, attributes: {http.route: /orders}}}}
            ---
            apiVersion: openslo/v1
            kind: SLI
            metadata: {name: checkout-requests}
            spec:
              ratioMetric:
                counter: true
                good:  {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests, attributes: {outcome: success}}}}
                total: {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests}}}
            """);
    assertThat(c.problems()).isEmpty();
    Slo slo = c.slos().get(0);
    assertThat(slo.objectives().get(0).target()).isEqualTo(0.995);
    assertThat(slo.indicator().ratioMetric().good()).isNull();
    assertThat(slo.indicator().ratioMetric().bad())
        .isEqualTo(
            new SpanSource(
                "order",
                null,
                SpanSource.Status.ERROR,
                null,
                Map.of("http.route", "/orders", "http.status_code", "500")));
    assertThat(c.slis()).hasSize(1);
    assertThat(c.slis().get(0).ratioMetric().good())
        .isEqualTo(new MetricSource("checkout.requests", Map.of("outcome", "success")));
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of(
            "target above 1",
            ISSUE_EXAMPLE.replace("target: 0.999", "target: 1.5"),
            "slos/test.yaml:13: spec.objectives[0].target: must be between 0 and 1, got 1.5"),
        Arguments.of(
            "target not a number",
            ISSUE_EXAMPLE.replace("target: 0.999", "target: high"),
            "slos/test.yaml:13: spec.objectives[0].target: must be a number, got high"),
        Arguments.of(
            "targetPercent above 100",
            ISSUE_EXAMPLE.replace("target: 0.999", "targetPercent: 120"),
            "slos/test.yaml:13: spec.objectives[0].targetPercent: must be between 0 and 100, got"
                + " 120"),
        Arguments.of(
            "budgeting method",
            ISSUE_EXAMPLE.replace("Occurrences", "Timeslices"),
            "slos/test.yaml:11: spec.budgetingMethod: 'Timeslices' is not supported, only"
                + " Occurrences (ratio of good events)"),
        Arguments.of(
            "calendar window",
            ISSUE_EXAMPLE.replace("isRolling: true", "isRolling: false"),
            "slos/test.yaml:12: spec.timeWindow[0].isRolling: calendar-aligned windows are not"
                + " supported, use isRolling: true"),
        Arguments.of(
            "bad duration",
            ISSUE_EXAMPLE.replace("duration: 30d", "duration: 1M"),
            "slos/test.yaml:12: spec.timeWindow[0].duration: must be a duration like 5m, 1h, 28d"
                + " (units s, m, h, d, w), got '1M'"),
        Arguments.of(
            "duration past a long of nanoseconds",
            ISSUE_EXAMPLE.replace("duration: 30d", "duration: 999999999999999d"),
            "slos/test.yaml:12: spec.timeWindow[0].duration: duration too long:"
                + " '999999999999999d' (at most 3660d)"),
        Arguments.of(
            "duration in weeks past ten years",
            ISSUE_EXAMPLE.replace("duration: 30d", "duration: 523w"),
            "slos/test.yaml:12: spec.timeWindow[0].duration: duration too long: '523w' (at most"
                + " 3660d)"),
        Arguments.of(
            "missing service",
            ISSUE_EXAMPLE.replace("  service: order\n", ""),
            "slos/test.yaml:10: spec.service: is required"),
        Arguments.of(
            "unknown kind",
            ISSUE_EXAMPLE.replace("kind: SLO", "kind: Slo"),
            "slos/test.yaml:2: kind: unknown kind 'Slo', expected one of SLO, SLI, Service,"
                + " AlertPolicy, AlertCondition, AlertNotificationTarget"),
        Arguments.of(
            "old apiVersion",
            ISSUE_EXAMPLE.replace("openslo/v1", "openslo/v1alpha"),
            "slos/test.yaml:1: apiVersion: unsupported apiVersion 'openslo/v1alpha', expected"
                + " openslo/v1"),
        Arguments.of(
            "bad name",
            ISSUE_EXAMPLE.replace("name: place-order-availability", "name: Place_Order"),
            "slos/test.yaml:4: metadata.name: must be lowercase letters, digits, '-' and '.',"
                + " starting and ending with a letter or digit, got 'Place_Order'"),
        Arguments.of(
            "unknown status",
            ISSUE_EXAMPLE.replace("status: ok", "status: success"),
            "slos/test.yaml:18: spec.indicator.spec.ratioMetric.good.metricSource.spec.status: must"
                + " be ok or error, got 'success'"),
        Arguments.of(
            "misspelt field in the sightline spec",
            ISSUE_EXAMPLE.replace("status: ok", "maxDurationMS: 500"),
            "slos/test.yaml:18: spec.indicator.spec.ratioMetric.good.metricSource.spec"
                + ".maxDurationMS: unknown field"),
        Arguments.of(
            "non-positive latency threshold",
            ISSUE_EXAMPLE.replace("status: ok", "maxDurationMs: 0"),
            "slos/test.yaml:18: spec.indicator.spec.ratioMetric.good.metricSource.spec"
                + ".maxDurationMs: must be greater than 0, got 0"),
        Arguments.of(
            "other metric source type",
            ISSUE_EXAMPLE.replace(
                "good:  {metricSource: {type: sightline",
                "good:  {metricSource: {type: prometheus"),
            "slos/test.yaml:18: spec.indicator.spec.ratioMetric.good.metricSource.type:"
                + " metricSource type 'prometheus' is not supported, use sightline"),
        Arguments.of(
            "unknown signal",
            ISSUE_EXAMPLE.replace(
                "spec: {signal: spans, service: order, operation:"
                    + " Shop.OrderService.PlaceOrder, status: ok}",
                "spec: {signal: logs}"),
            "slos/test.yaml:18: spec.indicator.spec.ratioMetric.good.metricSource.spec.signal:"
                + " must be spans or metrics, got 'logs'"),
        Arguments.of(
            "threshold metric",
            ISSUE_EXAMPLE.replace("ratioMetric:", "thresholdMetric:"),
            "slos/test.yaml:18: spec.indicator.spec.thresholdMetric: thresholdMetric SLIs are not"
                + " supported, use ratioMetric"),
        Arguments.of(
            "bad respond-within",
            ISSUE_EXAMPLE.replace("respond-within: 15m", "respond-within: soon"),
            "slos/test.yaml:8: metadata.annotations.sightline.dev/respond-within: must be a"
                + " duration like 5m, 1h, 28d (units s, m, h, d, w), got 'soon'"),
        Arguments.of(
            "bad severity",
            ISSUE_EXAMPLE.replace(
                "  sightline.dev/owner",
                "  sightline.dev/severity: urgent\n    sightline.dev/owner"),
            "slos/test.yaml:7: metadata.annotations.sightline.dev/severity: must be P0, P1, P2 or"
                + " P3, got 'urgent'"),
        Arguments.of(
            "unresolved indicatorRef",
            ISSUE_EXAMPLE.substring(0, ISSUE_EXAMPLE.indexOf("  indicator:"))
                + "  indicatorRef: missing-sli\n",
            "slos/test.yaml:14: spec.indicatorRef: no SLI named 'missing-sli' in the folder"),
        Arguments.of(
            "YAML syntax error",
            ISSUE_EXAMPLE.replace("service: order\n", "service: [order\n"),
            "slos/test.yaml:11: -: YAML syntax error: expected ',' or ']', but got :"),
        Arguments.of(
            "document not a mapping",
            "- just\n- a list\n",
            "slos/test.yaml:1: -: must be a mapping"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecIsReportedWithFileLineAndField(String name, String yaml, String expected) {
    SloCatalog c = parse(yaml);
    assertThat(c.problems()).extracting(SloProblem::toString).containsExactly(expected);
    assertThat(c.slos()).isEmpty();
  }

  @Test
  void malformedFileNeverStopsTheGoodOne() throws Exception {
    Files.writeString(dir.resolve("a-good.yaml"), ISSUE_EXAMPLE);
    Files.writeString(
        dir.resolve("b-bad.yml"),
        LATENCY_EXAMPLE.replace("target: 0.99", "target: 1.5")
            + "---\n"
            + ISSUE_EXAMPLE
                .replace("place-order-availability", "other")
                .replace("kind: SLO", "kind: Nope"));
    Files.writeString(
        dir.resolve("c-broken.yaml"), "apiVersion: openslo/v1\nkind: SLO\n  bad: [\n");
    Files.writeString(dir.resolve("notes.txt"), "not a spec");
    SloCatalog c = SloLoader.loadFolder(dir);
    assertThat(c.slos())
        .extracting(s -> s.metadata().name())
        .containsExactly("place-order-availability");
    assertThat(c.problems())
        .extracting(SloProblem::toString)
        .containsExactly(
            dir.resolve("b-bad.yml")
                + ":11: spec.objectives[0].target: must be between 0 and 1, got 1.5",
            dir.resolve("b-bad.yml")
                + ":20: kind: unknown kind 'Nope', expected one of SLO, SLI, Service, AlertPolicy,"
                + " AlertCondition, AlertNotificationTarget",
            dir.resolve("c-broken.yaml")
                + ":3: -: YAML syntax error: mapping values are not allowed here");
  }

  @Test
  void referencesResolveAcrossFiles() throws Exception {
    Files.writeString(
        dir.resolve("slo.yaml"),
        """
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: checkout-availability}
        spec:
          service: checkout
          indicatorRef: checkout-ok
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: 0.995}]
          alertPolicies:
            - alertPolicyRef: fast-burn
            - kind: AlertPolicy
              metadata: {name: slow-burn}
              spec:
                conditions:
                  - kind: AlertCondition
                    metadata: {name: slow}
                    spec:
                      severity: ticket
                      condition: {kind: burnrate, op: gte, threshold: 1, lookbackWindow: 3d, alertAfter: 6h}
        """);
    Files.writeString(
        dir.resolve("sli.yaml"),
        """
        apiVersion: openslo/v1
        kind: SLI
        metadata: {name: checkout-ok}
        spec:
          ratioMetric:
            good:  {metricSource: {type: sightline, spec: {signal: spans, service: checkout, status: ok}}}
            total: {metricSource: {type: sightline, spec: {signal: spans, service: checkout}}}
        ---
        apiVersion: openslo/v1
        kind: Service
        metadata: {name: checkout}
        spec: {description: the checkout service}
        """);
    Files.writeString(
        dir.resolve("alerts.yaml"),
        """
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata: {name: fast-burn}
        spec:
          alertWhenResolved: true
          conditions: [{conditionRef: fast}]
          notificationTargets: [{targetRef: oncall}]
        ---
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata: {name: fast}
        spec:
          severity: page
          condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
        ---
        apiVersion: openslo/v1
        kind: AlertNotificationTarget
        metadata: {name: oncall}
        spec: {target: webhook, description: the on-call pager}
        """);
    SloCatalog c = SloLoader.loadFolder(dir);
    assertThat(c.problems()).isEmpty();
    assertThat(c.services()).extracting(s -> s.metadata().name()).containsExactly("checkout");
    Slo slo = c.slos().get(0);
    assertThat(slo.indicator()).isEqualTo(c.slis().get(0));
    assertThat(slo.alertPolicies()).hasSize(2);
    AlertPolicy fast = slo.alertPolicies().get(0);
    assertThat(fast.alertWhenResolved()).isTrue();
    assertThat(fast.conditions())
        .singleElement()
        .satisfies(
            cond -> {
              assertThat(cond.severity()).isEqualTo("page");
              assertThat(cond.op()).isEqualTo(AlertCondition.Op.GTE);
              assertThat(cond.threshold()).isEqualTo(14.4);
              assertThat(cond.lookbackWindow()).isEqualTo(Duration.ofHours(1));
              assertThat(cond.alertAfter()).isEqualTo(Duration.ofMinutes(5));
            });
    assertThat(fast.notificationTargets().get(0).target()).isEqualTo("webhook");
    AlertPolicy slow = slo.alertPolicies().get(1);
    assertThat(slow.metadata().name()).isEqualTo("slow-burn");
    assertThat(slow.conditions().get(0).lookbackWindow()).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void brokenReferencesAndDuplicatesNameBothPlaces() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("a.yaml", ISSUE_EXAMPLE);
    files.put(
        "b.yaml",
        ISSUE_EXAMPLE
            + "---\n"
            + """
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata: {name: p}
            spec:
              conditions: [{conditionRef: nowhere}]
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: uses-p}
            spec:
              service: order
              indicatorRef: bad-sli
              budgetingMethod: Occurrences
              timeWindow: [{duration: 30d}]
              objectives: [{target: 0.9}]
              alertPolicies: [{alertPolicyRef: p}]
            ---
            apiVersion: openslo/v1
            kind: SLI
            metadata: {name: bad-sli}
            spec:
              ratioMetric:
                good: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}
            """);
    SloCatalog c = SloLoader.parse(files);
    assertThat(c.slos())
        .extracting(s -> s.metadata().name())
        .containsExactly("place-order-availability");
    assertThat(c.problems())
        .extracting(SloProblem::toString)
        .containsExactly(
            "b.yaml:4: metadata.name: duplicate SLO name 'place-order-availability', first defined"
                + " at a.yaml:1",
            "b.yaml:25: spec.conditions[0].conditionRef: no AlertCondition named 'nowhere' in the"
                + " folder",
            "b.yaml:32: spec.indicatorRef: SLI 'bad-sli' (b.yaml:38) is invalid",
            "b.yaml:36: spec.alertPolicies[0].alertPolicyRef: AlertPolicy 'p' (b.yaml:21) is"
                + " invalid",
            "b.yaml:43: spec.ratioMetric.total: is required");
  }

  @Test
  void emptyFolderHasNothing() throws Exception {
    SloCatalog c = SloLoader.loadFolder(dir);
    assertThat(c.slos()).isEmpty();
    assertThat(c.problems()).isEqualTo(List.of());
  }
}
