package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * RED of a service (server and consumer spans) or of a service-map edge ({@code caller} set),
 * before (baseline) and during the incident window. Rates are per second; latencies in ms. Every
 * number is finite: what is unknown is null, so the card stays valid JSON (non-finite values given
 * are stored as null).
 *
 * @param baselineRate requests per second over the baseline; 0 when the service or edge was not
 *     seen in it; null without a baseline (zero-length baseline window)
 * @param baselineErrorRatio errors / requests over the baseline; null without a baseline or without
 *     requests in it
 * @param errorRatio errors / requests in the window (0 without requests)
 * @param baselineP95Ms null without requests in the baseline
 * @param p95Ms null without requests in the window
 */
public record DependencyTrend(
    @Nullable String caller,
    String service,
    @Nullable Double baselineRate,
    double rate,
    @Nullable Double baselineErrorRatio,
    double errorRatio,
    @Nullable Double baselineP95Ms,
    @Nullable Double p95Ms) {
  public DependencyTrend {
    requireNonNull(service, "service");
    baselineRate = finiteOrNull(baselineRate);
    baselineErrorRatio = finiteOrNull(baselineErrorRatio);
    baselineP95Ms = finiteOrNull(baselineP95Ms);
    p95Ms = finiteOrNull(p95Ms);
  }

  private static @Nullable Double finiteOrNull(@Nullable Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }
}
