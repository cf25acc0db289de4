package dev.sightline.slo.export;

import static dev.sightline.slo.export.ExportSpecs.AVAILABILITY;
import static dev.sightline.slo.export.ExportSpecs.CONDITION;
import static dev.sightline.slo.export.ExportSpecs.LATENCY;
import static dev.sightline.slo.export.ExportSpecs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.testing.ExternalTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported rules checked and unit-tested by the real {@code promtool} (Debian package). */
class PrometheusRulesIT {
  /** Place-order availability, but of a healthy service. */
  static final String HEALTHY =
      AVAILABILITY
          .replace("place-order-availability", "pay-availability")
          .replace("service: order", "service: payment");

  @TempDir Path dir;

  record Result(int exit, String output) {}

  Result promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ExternalTools.require("promtool").toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void checkRulesAcceptsAvailabilityLatencyAndConditionRules() throws Exception {
    RuleExport export =
        PrometheusRuleExporter.builder()
            .build()
            .export(
                catalog(
                        AVAILABILITY,
                        LATENCY,
                        CONDITION,
                        LATENCY
                            .replace("500}", "1000}")
                            .replace("place-order-latency", "place-order-1s"))
                    .slos());
    assertThat(export.skipped()).isEmpty();
    Files.writeString(dir.resolve("rules.yaml"), export.yaml());

    Result result = promtool("check", "rules", "rules.yaml");
    assertThat(result.output()).contains("SUCCESS");
    assertThat(result.exit()).as(result.output()).isZero();
  }

  @Test
  void checkRulesRejectsABrokenFile_soTheCheckCanFail() throws Exception {
    String broken =
        PrometheusRuleExporter.builder()
            .build()
            .export(catalog(AVAILABILITY).slos())
            .yaml()
            .replace("without (sightline_window)", "without sightline_window");
    Files.writeString(dir.resolve("rules.yaml"), broken);
    Result result = promtool("check", "rules", "rules.yaml");
    assertThat(result.exit()).as(result.output()).isNotZero();
  }

  @Test
  void fastPageFiresOnceErrorsStart_andNeverForAHealthyService() throws Exception {
    RuleExport export =
        PrometheusRuleExporter.builder()
            .build()
            .export(catalog(AVAILABILITY, HEALTHY, LATENCY).slos());
    Files.writeString(dir.resolve("rules.yaml"), export.yaml());
    String order =
        "service=\"order\",operation=\"Shop.OrderService.PlaceOrder\",span_kind=\"SERVER\"";
    String payment =
        "service=\"payment\",operation=\"Shop.OrderService.PlaceOrder\",span_kind=\"SERVER\"";
    // order: 10 good spans a minute for 30 minutes, then only errors; payment: never an error.
    // Order's spans are all slower than 500 ms.
    String tests =
        """
        rule_files: [rules.yaml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'sightline_span_requests_total{%1$s,status_code="UNSET"}'
                values: '0+10x30 300x60'
              - series: 'sightline_span_requests_total{%1$s,status_code="ERROR"}'
                values: '0x30 10+10x60'
              - series: 'sightline_span_requests_total{%2$s,status_code="UNSET"}'
                values: '0+10x90'
              - series: 'sightline_span_requests_total{%2$s,status_code="ERROR"}'
                values: '0x90'
              - series: 'sightline_span_duration_seconds_bucket{%1$s,status_code="UNSET",le="0.5"}'
                values: '0x90'
              - series: 'sightline_span_duration_seconds_count{%1$s,status_code="UNSET"}'
                values: '0+10x90'
            alert_rule_test:
              - {eval_time: 30m, alertname: PlaceOrderAvailabilityPageFast, exp_alerts: []}
              - eval_time: 32m
                alertname: PlaceOrderAvailabilityPageFast
                exp_alerts:
                  - exp_labels:
                      severity: page
                      sightline_severity: P1
                      sightline_rule: page-fast
                      sightline_id: place-order-availability
                      sightline_service: order
                      sightline_slo: place-order-availability
                    exp_annotations:
                      summary: 'SLO place-order-availability of order is burning its error budget: burn rate >= 14.4 over 1h and 5m (objective availability, 0.999 over 30d)'
                      runbook_url: https://runbooks.example.com/place-order
                      owner: team-orders
                      sightline_id: place-order-availability
              - {eval_time: 90m, alertname: PayAvailabilityPageFast, exp_alerts: []}
              - {eval_time: 90m, alertname: PayAvailabilityPageSlow, exp_alerts: []}
              - {eval_time: 90m, alertname: PayAvailabilityTicket, exp_alerts: []}
              - eval_time: 5m
                alertname: PlaceOrderLatencyPageFast
                exp_alerts:
                  - exp_labels:
                      severity: page
                      sightline_severity: P0
                      sightline_rule: page-fast
                      sightline_id: place-order-latency
                      sightline_service: order
                      sightline_slo: place-order-latency
                    exp_annotations:
                      summary: 'SLO place-order-latency of order is burning its error budget: burn rate >= 13.44 over 1h and 5m (objective under 500 ms, 0.99 over 28d)'
                      sightline_id: place-order-latency
            promql_expr_test:
              - expr: slo:sli_error:ratio_rate5m{sightline_slo="place-order-availability"}
                eval_time: 40m
                exp_samples:
                  - labels: 'slo:sli_error:ratio_rate5m{sightline_id="place-order-availability",sightline_service="order",sightline_slo="place-order-availability",sightline_window="5m"}'
                    value: 1
              - expr: slo:sli_error:ratio_rate1h{sightline_slo="pay-availability"}
                eval_time: 60m
                exp_samples:
                  - labels: 'slo:sli_error:ratio_rate1h{sightline_id="pay-availability",sightline_service="payment",sightline_slo="pay-availability",sightline_window="1h"}'
                    value: 0
              - expr: slo:current_burn_rate:ratio{sightline_slo="place-order-availability"}
                eval_time: 40m
                exp_samples:
                  - labels: 'slo:current_burn_rate:ratio{sightline_id="place-order-availability",sightline_service="order",sightline_slo="place-order-availability",sightline_window="5m"}'
                    value: 999.9999999999991 # 1 / (1 - 0.999) in binary floating point
        """
            .formatted(order, payment);
    Files.writeString(dir.resolve("rules_test.yaml"), tests);

    Result result = promtool("test", "rules", "rules_test.yaml");
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");

    // the same test fails when no page is expected once the errors are recorded: the check has
    // teeth. (The errors start at minute 31; promtool evaluates rule groups in no fixed order, so
    // the alert group may see the recordings of minute 31 only at minute 32 — hence 32m above.)
    Files.writeString(
        dir.resolve("rules_test.yaml"),
        tests.replace(
            "{eval_time: 30m, alertname: PlaceOrderAvailabilityPageFast, exp_alerts: []}",
            "{eval_time: 32m, alertname: PlaceOrderAvailabilityPageFast, exp_alerts: []}"));
    assertThat(promtool("test", "rules", "rules_test.yaml").exit()).isNotZero();
  }
}
