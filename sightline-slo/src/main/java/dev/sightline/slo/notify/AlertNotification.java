package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One alert as notifiers see it, at a transition (firing or resolved) or a periodic refresh.
 *
 * @param fingerprint stable id of the alert (same for firing and resolved)
 * @param slo SLO name
 * @param objective objective displayName
 * @param service the SLO's {@code spec.service}
 * @param status {@link Status#FIRING} or {@link Status#RESOLVED}
 * @param severity {@code P0}..{@code P3} (the SLO's severity)
 * @param rule rule name, e.g. {@code page-fast}, {@code page-slow}, {@code ticket} or an
 *     AlertCondition name
 * @param ruleSeverity {@code page}, {@code ticket} or the AlertCondition's severity
 * @param endsAt set when {@link Status#RESOLVED}
 * @param burnRates window label ({@code 5m}, {@code 1h}, ...) to burn rate, shortest first
 *     (insertion order is kept)
 * @param budgetRemaining share of the error budget left (1 = untouched; negative = overspent)
 * @param summary one line, e.g. "place-order-availability burning error budget 400x (page-fast)"
 * @param link Sightline URL of the SLO or incident (Alertmanager's generatorURL)
 * @param annotations extra annotations ({@code incident_id}, {@code root_cause}, {@code
 *     respond_by}, ...), copied in order
 * @param tenant the tenant whose SLO this is, a {@code tenant} label; null for the default tenant
 *     (no label, as before tenants had SLOs of their own)
 */
public record AlertNotification(
    String fingerprint,
    String slo,
    @Nullable String objective,
    String service,
    Status status,
    String severity,
    String rule,
    String ruleSeverity,
    Instant startsAt,
    @Nullable Instant endsAt,
    Map<String, Double> burnRates,
    double budgetRemaining,
    @Nullable URI runbook,
    @Nullable String owner,
    Duration respondWithin,
    String summary,
    @Nullable URI link,
    Map<String, String> annotations,
    @Nullable String tenant) {
  /** Whether the alert fires or has resolved. */
  public enum Status {
    FIRING,
    RESOLVED
  }

  /** A notification of the default tenant (no {@code tenant} label). */
  public AlertNotification(
      String fingerprint,
      String slo,
      @Nullable String objective,
      String service,
      Status status,
      String severity,
      String rule,
      String ruleSeverity,
      Instant startsAt,
      @Nullable Instant endsAt,
      Map<String, Double> burnRates,
      double budgetRemaining,
      @Nullable URI runbook,
      @Nullable String owner,
      Duration respondWithin,
      String summary,
      @Nullable URI link,
      Map<String, String> annotations) {
    this(
        fingerprint,
        slo,
        objective,
        service,
        status,
        severity,
        rule,
        ruleSeverity,
        startsAt,
        endsAt,
        burnRates,
        budgetRemaining,
        runbook,
        owner,
        respondWithin,
        summary,
        link,
        annotations,
        null);
  }

  public AlertNotification {
    requireNonNull(fingerprint, "fingerprint");
    requireNonNull(slo, "slo");
    requireNonNull(service, "service");
    requireNonNull(status, "status");
    requireNonNull(severity, "severity");
    requireNonNull(rule, "rule");
    requireNonNull(ruleSeverity, "ruleSeverity");
    requireNonNull(startsAt, "startsAt");
    requireNonNull(respondWithin, "respondWithin");
    requireNonNull(summary, "summary");
    burnRates =
        Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(burnRates, "burnRates")));
    annotations =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(requireNonNull(annotations, "annotations")));
  }

  /** This alert resolved at {@code endsAt}, everything else unchanged. */
  public AlertNotification resolved(Instant endsAt) {
    requireNonNull(endsAt, "endsAt");
    return new AlertNotification(
        fingerprint,
        slo,
        objective,
        service,
        Status.RESOLVED,
        severity,
        rule,
        ruleSeverity,
        startsAt,
        endsAt,
        burnRates,
        budgetRemaining,
        runbook,
        owner,
        respondWithin,
        summary,
        link,
        annotations,
        tenant);
  }
}
