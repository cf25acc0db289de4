package dev.sightline.slo.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.slo.Slo;
import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import java.util.Map;

/** SLOs for the evaluation tests, parsed from OpenSLO YAML as users write them. */
final class SloSpecs {
  private SloSpecs() {}

  static final String OPERATION = "Shop.OrderService.PlaceOrder";

  /** The SLO of {@code ratioMetric} (indented YAML lines), {@code target}, {@code window}. */
  static Slo slo(String target, String window, String ratioMetric, String alertPolicies) {
    String yaml =
        """
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: test-slo}
        spec:
          service: order
          budgetingMethod: Occurrences
          timeWindow: [{duration: %s, isRolling: true}]
          objectives: [{target: %s}]
          indicator:
            metadata: {name: test-sli}
            spec:
              ratioMetric:
        %s
        %s
        """
            .formatted(
                window,
                target,
                ratioMetric.stripIndent().indent(8),
                alertPolicies.stripIndent().indent(2));
    SloCatalog catalog = SloLoader.parse(Map.of("slo.yaml", yaml));
    assertThat(catalog.problems()).isEmpty();
    return catalog.slos().get(0);
  }

  static Slo slo(String target, String ratioMetric) {
    return slo(target, "30d", ratioMetric, "");
  }

  /** good: {@code goodSpec} (fields of a spans source besides signal, service, operation). */
  static String goodOf(String goodSpec) {
    return ("        good:  {metricSource: {type: sightline, spec: {signal: spans, service: order,"
            + " operation: %s, %s}}}\n"
            + "        total: {metricSource: {type: sightline, spec: {signal: spans, service: order,"
            + " operation: %s}}}")
        .formatted(OPERATION, goodSpec, OPERATION);
  }

  /** The availability SLO of issue 4 with this target and window. */
  static Slo availability(String target) {
    return slo(target, goodOf("status: ok"));
  }

  static Slo latency(String target, int maxDurationMs) {
    return slo(target, goodOf("maxDurationMs: " + maxDurationMs));
  }
}
