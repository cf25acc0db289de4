package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.CounterIncreasePoint;
import dev.sightline.core.storage.CounterIncreaseQuery;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.slo.MetricSource;
import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.SightlineSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Counts ratio indicators whose sides are {@code signal: metrics} sources: a side is the summed
 * increase of the metric's counter series whose point attributes match ({@link
 * CounterIncreaseReader#counterIncrease}), over the data points whose time is in the range, of
 * every service. One query per distinct source (good and total usually differ by an attribute:
 * two).
 */
final class MetricSliCounter {
  static final String NO_READER =
      "signal: metrics sources need a metric reader (SliCalculator.Builder.metricReader)";
  static final String NO_COUNTER_INCREASES =
      "signal: metrics sources need a counter increase reader"
          + " (SliCalculator.Builder.counterIncreaseReader)";

  private final @Nullable MetricReader reader;
  private final @Nullable CounterIncreaseReader increases;
  private final String noIncreases;
  private final String tenant;

  /**
   * @param noIncreases why {@code signal: metrics} SLIs are unsupported without {@code increases}
   */
  MetricSliCounter(
      @Nullable MetricReader reader,
      @Nullable CounterIncreaseReader increases,
      String noIncreases,
      String tenant) {
    this.reader = reader;
    this.increases = increases;
    this.noIncreases = noIncreases;
    this.tenant = tenant;
  }

  /** Why metric sources cannot be counted; null when they can. */
  private @Nullable String missing() {
    if (reader == null) return NO_READER;
    if (increases == null) return noIncreases;
    return null;
  }

  /** Whether {@code ratio} is counted here: its total side is a metric source. */
  static boolean counts(RatioMetric ratio) {
    return ratio.total() instanceof MetricSource;
  }

  /** Why the sides of {@code ratio} cannot be counted together; empty when they can. */
  static Optional<String> mixedReason(RatioMetric ratio) {
    SightlineSource counted = ratio.good() != null ? ratio.good() : requireNonNull(ratio.bad());
    if ((counted instanceof MetricSource) == (ratio.total() instanceof MetricSource)) {
      return Optional.empty();
    }
    return Optional.of(
        (ratio.good() != null ? "good" : "bad")
            + " and total must both be signal: metrics or both signal: spans sources");
  }

  /** The time of the oldest stored point of the total side's metric; empty without any. */
  java.util.OptionalLong oldestEvent(RatioMetric ratio) {
    if (reader == null) return java.util.OptionalLong.empty();
    return reader.oldestPoint(tenant, ((MetricSource) ratio.total()).metric());
  }

  /** Good and total of the points in [start, end). */
  SliResult count(RatioMetric ratio, long startUnixNano, long endUnixNano) {
    String missing = missing();
    if (missing != null) return new SliResult.Unsupported(missing);
    return counts(ratio, query(ratio, startUnixNano, endUnixNano, 0), startUnixNano);
  }

  /**
   * Window {@code w} counts the points in [end − w, end). One stepped query per source (step = gcd
   * of the windows) when the longest window holds at most {@link SliCalculator#MAX_STEPS} steps,
   * else one query per window. A series that began inside the longest window and has no point
   * before a shorter window then counts whole in the shorter window too.
   */
  Map<Duration, SliResult> count(RatioMetric ratio, SortedSet<Duration> windows, long endUnixNano) {
    Map<Duration, SliResult> out = new TreeMap<>();
    long step = 0;
    for (Duration w : windows) step = gcd(step, w.toNanos());
    long longest = windows.last().toNanos();
    if (missing() != null || longest / step > SliCalculator.MAX_STEPS) {
      for (Duration w : windows) out.put(w, count(ratio, endUnixNano - w.toNanos(), endUnixNano));
      return out;
    }
    Map<MetricSource, List<CounterIncreasePoint>> points =
        query(ratio, endUnixNano - longest, endUnixNano, windows.size() == 1 ? 0 : step);
    for (Duration w : windows) out.put(w, counts(ratio, points, endUnixNano - w.toNanos()));
    return out;
  }

  /**
   * Adds each source's increase per slot of {@code slot} from {@code from} to {@code totals} and
   * {@code counteds} (for {@link SliCalculator#series}).
   *
   * @throws IllegalArgumentException when there is no metric reader or no counter increase reader
   */
  void fill(
      RatioMetric ratio,
      long from,
      long endUnixNano,
      long slot,
      double[] totals,
      double[] counteds) {
    String missing = missing();
    if (missing != null) throw new IllegalArgumentException(missing);
    Map<MetricSource, List<CounterIncreasePoint>> points = query(ratio, from, endUnixNano, slot);
    for (CounterIncreasePoint p : requireNonNull(points.get(ratio.total()))) {
      totals[(int) ((p.timeUnixNano() - from) / slot)] += p.increase();
    }
    for (CounterIncreasePoint p : requireNonNull(points.get(counted(ratio)))) {
      counteds[(int) ((p.timeUnixNano() - from) / slot)] += p.increase();
    }
  }

  private static SightlineSource counted(RatioMetric ratio) {
    return ratio.good() != null ? ratio.good() : requireNonNull(ratio.bad());
  }

  private Map<MetricSource, List<CounterIncreasePoint>> query(
      RatioMetric ratio, long startUnixNano, long endUnixNano, long stepNanos) {
    CounterIncreaseReader r = requireNonNull(increases);
    Map<MetricSource, List<CounterIncreasePoint>> points = new LinkedHashMap<>();
    for (SightlineSource s : List.of(ratio.total(), counted(ratio))) {
      MetricSource m = (MetricSource) s;
      points.computeIfAbsent(
          m,
          k ->
              r.counterIncrease(
                  new CounterIncreaseQuery(
                      tenant,
                      k.metric(),
                      null,
                      k.attributes(),
                      startUnixNano,
                      endUnixNano,
                      stepNanos)));
    }
    return points;
  }

  private static SliResult counts(
      RatioMetric ratio, Map<MetricSource, List<CounterIncreasePoint>> points, long from) {
    double total = sum(requireNonNull(points.get(ratio.total())), from);
    double counted = sum(requireNonNull(points.get(counted(ratio))), from);
    return new SliResult.Counts(ratio.good() != null ? counted : total - counted, total);
  }

  private static double sum(List<CounterIncreasePoint> points, long from) {
    double n = 0;
    for (CounterIncreasePoint p : points) {
      if (p.timeUnixNano() >= from) n += p.increase();
    }
    return n;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
