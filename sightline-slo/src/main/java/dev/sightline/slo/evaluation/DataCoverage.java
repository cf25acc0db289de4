package dev.sightline.slo.evaluation;

import dev.sightline.slo.MetricSource;
import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SpanSource;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * How far back the data of an SLO's scope reaches ({@link SliCalculator#oldestEvent}), for judging
 * whether a burn-rate rule has warmed up (see {@link BurnRateRule#requiredCoverage()}).
 *
 * <p>The oldest event of a scope only moves back (a back-fill) or forward (retention), so once a
 * scope's data reaches back further than every rule needs, the answer is kept and storage is not
 * asked again for that scope; until then each call asks (one {@code min()} over the scope's RED
 * buckets or metric points). Retention deleting data younger than the longest requirement (a
 * retention shorter than 12 hours with the default rules) is not noticed: the rules stay judged.
 * Thread-safe.
 */
final class DataCoverage {
  private final SliCalculator calculator;

  /** Oldest event per scope, kept once old enough for every rule of the SLOs that asked. */
  private final ConcurrentHashMap<List<@Nullable Object>, Long> settled = new ConcurrentHashMap<>();

  DataCoverage(SliCalculator calculator) {
    this.calculator = calculator;
  }

  /**
   * The age of the oldest event of {@code slo}'s scope as of {@code nowUnixNano}, or null when the
   * scope has no data; {@code longestNeeded} is the longest coverage any of its rules requires.
   */
  @Nullable Duration coverage(Slo slo, long nowUnixNano, Duration longestNeeded) {
    List<@Nullable Object> key = scope(slo.indicator().ratioMetric());
    Long known = settled.get(key);
    if (known != null && nowUnixNano - known >= longestNeeded.toNanos()) {
      return Duration.ofNanos(nowUnixNano - known);
    }
    OptionalLong oldest = calculator.oldestEvent(slo);
    if (oldest.isEmpty()) return null;
    long age = nowUnixNano - oldest.getAsLong();
    if (age >= longestNeeded.toNanos()) settled.put(key, oldest.getAsLong());
    return Duration.ofNanos(Math.max(0, age));
  }

  private static List<@Nullable Object> scope(RatioMetric ratio) {
    if (ratio.total() instanceof MetricSource m)
      return java.util.Arrays.asList("metric", m.metric());
    SpanSource s = (SpanSource) ratio.total();
    return java.util.Arrays.asList("spans", s.service(), s.operation());
  }
}
