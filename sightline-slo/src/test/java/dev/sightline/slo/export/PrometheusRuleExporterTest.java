package dev.sightline.slo.export;

import static dev.sightline.slo.export.ExportSpecs.ATTRIBUTES;
import static dev.sightline.slo.export.ExportSpecs.AVAILABILITY;
import static dev.sightline.slo.export.ExportSpecs.CONDITION;
import static dev.sightline.slo.export.ExportSpecs.LATENCY;
import static dev.sightline.slo.export.ExportSpecs.METRICS;
import static dev.sightline.slo.export.ExportSpecs.NOT_A_BOUND;
import static dev.sightline.slo.export.ExportSpecs.catalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class PrometheusRuleExporterTest {
  private static final String SEL =
      "{sightline_id=\"place-order-availability\", sightline_service=\"order\","
          + " sightline_slo=\"place-order-availability\"}";
  private static final String REQ =
      "sightline_span_requests_total{service=\"order\", operation=\"Shop.OrderService.PlaceOrder\"";

  private final PrometheusRuleExporter exporter = PrometheusRuleExporter.builder().build();

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> groups(RuleExport export) {
    Map<String, Object> root = new Yaml().load(export.yaml());
    return (List<Map<String, Object>>) root.get("groups");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(Map<String, Object> group) {
    return (List<Map<String, Object>>) group.get("rules");
  }

  static Map<String, Object> recording(
      List<Map<String, Object>> groups, String group, String name) {
    return groups.stream()
        .filter(g -> g.get("name").equals(group))
        .flatMap(g -> rules(g).stream())
        .filter(r -> name.equals(r.get("record")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + group));
  }

  @Test
  void availabilityOfTheDocsExampleGivesSlothStyleRecordingsAndThreeAlerts() {
    RuleExport export = exporter.export(catalog(AVAILABILITY).slos());
    assertThat(export.skipped()).isEmpty();
    List<Map<String, Object>> groups = groups(export);
    assertThat(groups)
        .extracting(g -> g.get("name"))
        .containsExactly(
            "sightline-slo-sli-recordings-place-order-availability",
            "sightline-slo-meta-recordings-place-order-availability",
            "sightline-slo-alerts-place-order-availability");
    assertThat(rules(groups.get(0)))
        .extracting(r -> r.get("record"))
        .containsExactly(
            "slo:sli_error:ratio_rate5m",
            "slo:sli_error:ratio_rate30m",
            "slo:sli_error:ratio_rate1h",
            "slo:sli_error:ratio_rate6h",
            "slo:sli_error:ratio_rate3d",
            "slo:sli_error:ratio_rate30d");
    Map<String, Object> fiveMinutes = rules(groups.get(0)).get(0);
    assertThat(fiveMinutes.get("expr"))
        .isEqualTo(
            "sum(rate(" + REQ + ", status_code=\"ERROR\"}[5m])) / sum(rate(" + REQ + "}[5m]))");
    assertThat(fiveMinutes.get("labels"))
        .isEqualTo(
            Map.of(
                "sightline_id", "place-order-availability",
                "sightline_service", "order",
                "sightline_slo", "place-order-availability",
                "sightline_window", "5m"));

    String meta = "sightline-slo-meta-recordings-place-order-availability";
    assertThat(recording(groups, meta, "slo:objective:ratio").get("expr"))
        .isEqualTo("vector(0.999)");
    assertThat(recording(groups, meta, "slo:error_budget:ratio").get("expr"))
        .isEqualTo("vector(1 - 0.999)");
    assertThat(recording(groups, meta, "slo:time_period:days").get("expr")).isEqualTo("vector(30)");
    assertThat(recording(groups, meta, "slo:current_burn_rate:ratio").get("expr"))
        .isEqualTo(
            "slo:sli_error:ratio_rate5m"
                + SEL
                + " / on(sightline_id, sightline_service, sightline_slo) group_left"
                + " slo:error_budget:ratio"
                + SEL);
    assertThat(recording(groups, meta, "slo:period_burn_rate:ratio").get("expr"))
        .isEqualTo(
            "slo:sli_error:ratio_rate30d"
                + SEL
                + " / on(sightline_id, sightline_service, sightline_slo) group_left"
                + " slo:error_budget:ratio"
                + SEL);
    assertThat(recording(groups, meta, "slo:period_error_budget_remaining:ratio").get("expr"))
        .isEqualTo("1 - slo:period_burn_rate:ratio" + SEL);

    List<Map<String, Object>> alerts = rules(groups.get(2));
    assertThat(alerts)
        .extracting(a -> a.get("alert"))
        .containsExactly(
            "PlaceOrderAvailabilityPageFast",
            "PlaceOrderAvailabilityPageSlow",
            "PlaceOrderAvailabilityTicket");
    Map<String, Object> pageFast = alerts.get(0);
    assertThat(pageFast.get("expr"))
        .isEqualTo(
            "max(slo:sli_error:ratio_rate1h"
                + SEL
                + " >= (14.4 * (1 - 0.999))) without (sightline_window)"
                + " and max(slo:sli_error:ratio_rate5m"
                + SEL
                + " >= (14.4 * (1 - 0.999))) without (sightline_window)");
    assertThat(pageFast).doesNotContainKey("for");
    assertThat(pageFast.get("labels"))
        .isEqualTo(
            Map.of("severity", "page", "sightline_severity", "P1", "sightline_rule", "page-fast"));
    assertThat((Map<String, String>) pageFast.get("annotations"))
        .containsEntry("runbook_url", "https://runbooks.example.com/place-order")
        .containsEntry("owner", "team-orders")
        .containsEntry(
            "summary",
            "SLO place-order-availability of order is burning its error budget: burn rate >= 14.4"
                + " over 1h and 5m (objective availability, 0.999 over 30d)");
    assertThat(alerts.get(2).get("labels"))
        .isEqualTo(
            Map.of("severity", "ticket", "sightline_severity", "P1", "sightline_rule", "ticket"));
    assertThat(export.yaml()).startsWith("# Generated by sightline slo export");
  }

  @Test
  void latencyReadsTheHistogramBucketOfTheThresholdAndScalesDefaultsToTheWindow() {
    RuleExport export = exporter.export(catalog(LATENCY).slos());
    assertThat(export.skipped()).isEmpty();
    List<Map<String, Object>> groups = groups(export);
    String hist = "{service=\"order\", operation=\"Shop.OrderService.PlaceOrder\"";
    assertThat(
            recording(
                    groups,
                    "sightline-slo-sli-recordings-place-order-latency",
                    "slo:sli_error:ratio_rate1h")
                .get("expr"))
        .isEqualTo(
            "1 - (sum(rate(sightline_span_duration_seconds_bucket"
                + hist
                + ", le=\"0.5\"}[1h])) / sum(rate(sightline_span_duration_seconds_count"
                + hist
                + "}[1h])))");
    assertThat(
            recording(
                groups,
                "sightline-slo-sli-recordings-place-order-latency",
                "slo:sli_error:ratio_rate28d"))
        .isNotNull();
    List<Map<String, Object>> alerts = rules(groups.get(2));
    assertThat(alerts)
        .extracting(a -> (Object) ((Map<?, ?>) a.get("labels")).get("sightline_severity"))
        .containsOnly("P0");
    assertThat((String) alerts.get(0).get("expr")).contains(">= (13.44 * (1 - 0.99))");
    assertThat((String) alerts.get(2).get("expr")).contains(">= (0.9333333333333333 * (1 - 0.99))");
  }

  @Test
  void integralBoundsMatchBothLeSpellings() {
    RuleExport export = exporter.export(catalog(LATENCY.replace("500}", "1000}")).slos());
    assertThat(export.yaml()).contains("le=~\"1(\\\\.0)?\"");
    assertThat(
            (String)
                recording(
                        groups(export),
                        "sightline-slo-sli-recordings-place-order-latency",
                        "slo:sli_error:ratio_rate5m")
                    .get("expr"))
        .contains("le=~\"1(\\\\.0)?\"");
  }

  @Test
  void alertConditionsGiveOneAlertEachWithTheirSeverityAndFor() {
    RuleExport export = exporter.export(catalog(CONDITION).slos());
    List<Map<String, Object>> groups = groups(export);
    assertThat(rules(groups.get(0)))
        .extracting(r -> r.get("record"))
        .containsExactly(
            "slo:sli_error:ratio_rate10m",
            "slo:sli_error:ratio_rate2h",
            "slo:sli_error:ratio_rate7d");
    assertThat(rules(groups.get(0)).get(0).get("expr"))
        .isEqualTo(
            "sum(rate(sightline_span_requests_total{service=\"payment\", status_code=\"ERROR\"}[10m]))"
                + " / sum(rate(sightline_span_requests_total{service=\"payment\"}[10m]))");
    List<Map<String, Object>> alerts = rules(groups.get(2));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0))
        .containsEntry("alert", "PaymentErrorsFastBurn")
        .containsEntry("for", "5m")
        .containsEntry(
            "labels",
            Map.of(
                "severity", "critical", "sightline_severity", "P1", "sightline_rule", "fast-burn"));
    assertThat((String) alerts.get(0).get("expr")).contains(">= (10 * (1 - 0.995))");
  }

  @Test
  void inexpressibleSlisAreSkippedWithTheirReasonAndTheOthersExported() {
    RuleExport export =
        exporter.export(catalog(METRICS, AVAILABILITY, ATTRIBUTES, NOT_A_BOUND).slos());
    assertThat(export.skipped())
        .extracting(RuleExport.SkippedSlo::toString)
        .containsExactlyInAnyOrder(
            "checkout-requests: the good side is a signal: metrics source; only span RED metrics"
                + " are exported",
            "orders-route: the bad side filters on span attributes, which are not labels of RED"
                + " metrics",
            "place-order-300ms: maxDurationMs 300 is not a bucket bound of"
                + " sightline_span_duration_seconds (bounds in ms: 0.1, 0.2, 0.5, 1, 2, 5, 10, 20,"
                + " 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)");
    assertThat(groups(export))
        .extracting(g -> g.get("name"))
        .containsExactly(
            "sightline-slo-sli-recordings-place-order-availability",
            "sightline-slo-meta-recordings-place-order-availability",
            "sightline-slo-alerts-place-order-availability");
    assertThat(exporter.export(List.of()).yaml()).endsWith("groups: []\n");
  }

  @Test
  void ownInstrumentationNamesReplaceSightlinesMetricsAndLabels() {
    PrometheusRuleExporter own =
        PrometheusRuleExporter.builder()
            .requestsMetric("rpc_requests_total")
            .serviceLabel("job")
            .operationLabel("rpc_method")
            .statusLabel("outcome")
            .errorStatus("failure")
            .build();
    String expr =
        (String) rules(groups(own.export(catalog(AVAILABILITY).slos())).get(0)).get(0).get("expr");
    assertThat(expr)
        .isEqualTo(
            "sum(rate(rpc_requests_total{job=\"order\", rpc_method=\"Shop.OrderService.PlaceOrder\","
                + " outcome=\"failure\"}[5m])) / sum(rate(rpc_requests_total{job=\"order\","
                + " rpc_method=\"Shop.OrderService.PlaceOrder\"}[5m]))");
    assertThatThrownBy(() -> PrometheusRuleExporter.builder().requestsMetric("bad-name"))
        .hasMessageContaining("requestsMetric");
    assertThatThrownBy(() -> PrometheusRuleExporter.builder().statusLabel("__name__"))
        .hasMessageContaining("statusLabel");
  }
}
