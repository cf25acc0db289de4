package dev.sightline.slo.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import dev.sightline.testing.OpenSloExamples;
import java.util.Map;

/** OpenSLO specs for the export tests: the examples of docs/slo.md and some it cannot express. */
final class ExportSpecs {
  private ExportSpecs() {}

  static final String AVAILABILITY = OpenSloExamples.PLACE_ORDER_AVAILABILITY;

  static final String LATENCY =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: place-order-latency
        annotations:
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

  /** Errors of a whole service (bad side), with an alert condition: burn ≥ 10 over 2h for 5m. */
  static final String CONDITION =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: payment-errors}
      spec:
        service: payment
        budgetingMethod: Occurrences
        timeWindow: [{duration: 7d, isRolling: true}]
        objectives: [{target: 0.995}]
        indicator:
          metadata: {name: payment-errors}
          spec:
            ratioMetric:
              bad:   {metricSource: {type: sightline, spec: {signal: spans, service: payment, status: error}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: payment}}}
        alertPolicies:
          - kind: AlertPolicy
            metadata: {name: payment-fast-burn}
            spec:
              conditions:
                - kind: AlertCondition
                  metadata: {name: fast-burn}
                  spec:
                    severity: critical
                    condition: {kind: burnrate, op: gte, threshold: 10, lookbackWindow: 2h, alertAfter: 5m}
      """;

  static final String NOT_A_BOUND =
      LATENCY.replace("place-order-latency", "place-order-300ms").replace("500}", "300}");

  static final String METRICS =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: checkout-requests}
      spec:
        service: checkout
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{target: 0.99}]
        indicator:
          metadata: {name: checkout-ok}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests, attributes: {outcome: success}}}}
              total: {metricSource: {type: sightline, spec: {signal: metrics, metric: checkout.requests}}}
      """;

  static final String ATTRIBUTES =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: orders-route}
      spec:
        service: order
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{target: 0.99}]
        indicator:
          metadata: {name: orders-route-ok}
          spec:
            ratioMetric:
              bad:   {metricSource: {type: sightline, spec: {signal: spans, service: order, status: error, attributes: {http.route: /orders}}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: order, attributes: {http.route: /orders}}}}
      """;

  /** The specs, all in one file; fails on any problem. */
  static SloCatalog catalog(String... specs) {
    SloCatalog catalog = SloLoader.parse(Map.of("slos.yaml", String.join("---\n", specs)));
    assertThat(catalog.problems()).isEmpty();
    return catalog;
  }
}
