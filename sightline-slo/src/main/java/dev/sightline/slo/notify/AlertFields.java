package dev.sightline.slo.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The labels and annotations of an {@link AlertNotification}, shared by every payload so that
 * webhook, Alertmanager and Slack show the same alert the same way.
 */
final class AlertFields {
  private AlertFields() {}

  /** The {@code alertname} label of every SLO burn-rate alert. */
  static final String ALERT_NAME = "SLOBurnRate";

  /** Annotation that overrides the computed respond-by instant. */
  static final String RESPOND_BY = "respond_by";

  /**
   * Identifying labels: {@code alertname}, {@code tenant} (for a tenant other than the default),
   * {@code slo}, {@code objective} (when set), {@code service}, {@code severity}. Equal for an
   * alert's FIRING, escalated and RESOLVED notifications, which is how Alertmanager matches them;
   * the rule, which changes when an alert escalates, is an annotation.
   */
  static Map<String, String> labels(AlertNotification n) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", ALERT_NAME);
    if (n.tenant() != null) labels.put("tenant", n.tenant());
    labels.put("slo", n.slo());
    if (n.objective() != null) labels.put("objective", n.objective());
    labels.put("service", n.service());
    labels.put("severity", n.severity());
    return labels;
  }

  /**
   * {@code summary}, {@code description}, {@code rule}, {@code rule_severity}, {@code runbook_url}
   * and {@code owner} (when set), {@code respond_within}, then the notification's extra annotations
   * (which cannot replace these).
   */
  static Map<String, String> annotations(AlertNotification n) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", n.summary());
    annotations.put("description", description(n));
    annotations.put("rule", n.rule());
    annotations.put("rule_severity", n.ruleSeverity());
    if (n.runbook() != null) annotations.put("runbook_url", n.runbook().toString());
    if (n.owner() != null) annotations.put("owner", n.owner());
    annotations.put("respond_within", duration(n.respondWithin()));
    n.annotations().forEach(annotations::putIfAbsent);
    return annotations;
  }

  /** e.g. "Burn rate 400x over 5m, 120x over 1h; 87.5% of the error budget left." */
  static String description(AlertNotification n) {
    StringBuilder s = new StringBuilder();
    if (!n.burnRates().isEmpty()) s.append("Burn rate ").append(burnRates(n)).append("; ");
    s.append(budget(n.budgetRemaining())).append('.');
    return s.toString();
  }

  /** e.g. "400x over 5m, 120x over 1h". */
  static String burnRates(AlertNotification n) {
    StringBuilder s = new StringBuilder();
    n.burnRates()
        .forEach(
            (window, rate) -> {
              if (s.length() > 0) s.append(", ");
              s.append(number(rate)).append("x over ").append(window);
            });
    return s.toString();
  }

  /** e.g. "87.5% of the error budget left" or "error budget overspent by 20%". */
  static String budget(double remaining) {
    if (Double.isNaN(remaining)) return "error budget unknown";
    if (remaining < 0) return "error budget overspent by " + number(-remaining * 100) + "%";
    return number(remaining * 100) + "% of the error budget left";
  }

  /** {@link AlertNotification#annotations() respond_by} if given, else startsAt + respondWithin. */
  static String respondBy(AlertNotification n) {
    String given = n.annotations().get(RESPOND_BY);
    return given != null ? given : n.startsAt().plus(n.respondWithin()).toString();
  }

  /** Up to 3 significant decimals, no trailing zeros: 400, 14.4, 0.933. */
  static String number(double value) {
    if (!Double.isFinite(value)) return Double.isNaN(value) ? "n/a" : value > 0 ? "∞" : "-∞";
    double abs = Math.abs(value);
    String s =
        abs >= 100
            ? String.format(Locale.ROOT, "%.0f", value)
            : abs >= 10
                ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }

  /** Prometheus style: 15m, 1h, 1h30m, 1d, 45s. */
  static String duration(Duration d) {
    if (d.isZero()) return "0s";
    StringBuilder s = new StringBuilder();
    long seconds = d.getSeconds();
    long days = seconds / 86400;
    long hours = seconds % 86400 / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    if (days > 0) s.append(days).append('d');
    if (hours > 0) s.append(hours).append('h');
    if (minutes > 0) s.append(minutes).append('m');
    if (secs > 0 || d.getNano() > 0) {
      s.append(secs);
      if (d.getNano() > 0) s.append(String.format(Locale.ROOT, ".%03d", d.getNano() / 1_000_000));
      s.append('s');
    }
    return s.toString();
  }

  /** RFC 3339 in UTC, as Alertmanager writes it. */
  static String time(Instant t) {
    return t.toString();
  }
}
