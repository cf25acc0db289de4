package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * RED of a service (server and consumer spans) or of a service-map edge ({@code caller} set),
 * before (baseline) and during the incident window. Rates are per second; latencies in ms; NaN
 * percentiles are null.
 */
public record DependencyTrend(
    @Nullable String caller,
    String service,
    double baselineRate,
    double rate,
    double baselineErrorRatio,
    double errorRatio,
    @Nullable Double baselineP95Ms,
    @Nullable Double p95Ms) {
  public DependencyTrend {
    requireNonNull(service, "service");
  }
}
