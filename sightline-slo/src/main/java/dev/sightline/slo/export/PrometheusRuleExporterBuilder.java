package dev.sightline.slo.export;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.selftelemetry.SpanRedMetrics;
import java.util.regex.Pattern;

/**
 * Builds a {@link PrometheusRuleExporter}. The defaults read the span RED metrics Sightline exposes
 * at {@code /metrics} ({@link SpanRedMetrics}); for one's own instrumentation, set the metric and
 * label names.
 */
public final class PrometheusRuleExporterBuilder {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  String requestsMetric = SpanRedMetrics.REQUESTS;
  String durationMetric = SpanRedMetrics.DURATION;
  String serviceLabel = "service";
  String operationLabel = "operation";
  String statusLabel = "status_code";
  String errorStatus = "ERROR";
  double[] durationBucketsSeconds = SpanRedMetrics.bucketsSeconds();

  PrometheusRuleExporterBuilder() {}

  /**
   * The counter of requests (spans) with a status label; default {@value SpanRedMetrics#REQUESTS}.
   */
  public PrometheusRuleExporterBuilder requestsMetric(String name) {
    this.requestsMetric = metricName(name, "requestsMetric");
    return this;
  }

  /**
   * The duration histogram in seconds, without the {@code _bucket}/{@code _count} suffix; default
   * {@value SpanRedMetrics#DURATION}.
   */
  public PrometheusRuleExporterBuilder durationMetric(String name) {
    this.durationMetric = metricName(name, "durationMetric");
    return this;
  }

  /** The label holding the service name; default {@code service}. */
  public PrometheusRuleExporterBuilder serviceLabel(String name) {
    this.serviceLabel = labelName(name, "serviceLabel");
    return this;
  }

  /** The label holding the operation (span name); default {@code operation}. */
  public PrometheusRuleExporterBuilder operationLabel(String name) {
    this.operationLabel = labelName(name, "operationLabel");
    return this;
  }

  /** The label of the requests counter holding the status; default {@code status_code}. */
  public PrometheusRuleExporterBuilder statusLabel(String name) {
    this.statusLabel = labelName(name, "statusLabel");
    return this;
  }

  /** The value of the status label that marks a failed request; default {@code ERROR}. */
  public PrometheusRuleExporterBuilder errorStatus(String value) {
    requireNonNull(value, "errorStatus");
    if (value.isEmpty()) throw new IllegalArgumentException("errorStatus must not be empty");
    this.errorStatus = value;
    return this;
  }

  /**
   * The upper bounds (seconds) of the duration histogram; a latency SLI's {@code maxDurationMs}
   * must be one of them. Default: Sightline's 1-2-5 bounds from 0.1 ms to 100 s.
   */
  public PrometheusRuleExporterBuilder durationBucketsSeconds(double... bounds) {
    requireNonNull(bounds, "durationBucketsSeconds");
    if (bounds.length == 0) {
      throw new IllegalArgumentException("durationBucketsSeconds must not be empty");
    }
    this.durationBucketsSeconds = bounds.clone();
    return this;
  }

  public PrometheusRuleExporter build() {
    return new PrometheusRuleExporter(this);
  }

  private static String metricName(String name, String what) {
    requireNonNull(name, what);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " is not a Prometheus metric name: '" + name + "'");
    }
    return name;
  }

  private static String labelName(String name, String what) {
    requireNonNull(name, what);
    if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException(what + " is not a Prometheus label name: '" + name + "'");
    }
    return name;
  }
}
