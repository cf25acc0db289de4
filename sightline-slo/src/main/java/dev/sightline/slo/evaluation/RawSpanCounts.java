package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.SpanCountPoint;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.SightlineSource;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SpanSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The part of {@link SliCalculator} for {@code signal: spans} indicators that RED buckets cannot
 * answer (span {@code attributes} filters; {@code status} together with {@code maxDurationMs}):
 * both sides are counted from stored spans with {@link SpanCountReader#countSpans}, spans starting
 * in [start, end) to the nanosecond. Each call scans the stored spans of the indicator's service in
 * the range: one query per distinct service, operation, attribute filter and threshold (good and
 * total usually share one). Without a {@link SpanCountReader} (a backend without {@link
 * dev.sightline.core.storage.StorageCapability#SPAN_COUNTS}) such indicators are {@link
 * SliResult.Unsupported}, saying why.
 */
final class RawSpanCounts {
  static final String NO_READER =
      "span attribute filters, and status with maxDurationMs, need a span count reader"
          + " (SliCalculator.Builder.spanCountReader)";

  private final @Nullable SpanCountReader reader;
  private final String noReader;
  private final String tenant;

  /**
   * @param noReader why such indicators are unsupported without {@code reader}
   */
  RawSpanCounts(@Nullable SpanCountReader reader, String noReader, String tenant) {
    this.reader = reader;
    this.noReader = noReader;
    this.tenant = tenant;
  }

  /** Whether {@code slo} has a spans source that RED buckets cannot count. */
  static boolean needed(Slo slo) {
    RatioMetric ratio = slo.indicator().ratioMetric();
    return needed(ratio.total()) || needed(ratio.good()) || needed(ratio.bad());
  }

  private static boolean needed(@Nullable SightlineSource source) {
    return source instanceof SpanSource s
        && (!s.attributes().isEmpty() || (s.status() != null && s.maxDuration() != null));
  }

  SliResult count(Slo slo, long startUnixNano, long endUnixNano) {
    if (reader == null) return new SliResult.Unsupported(noReader);
    return read(reader, slo, startUnixNano, endUnixNano, 0).counts(startUnixNano);
  }

  /**
   * Like {@link SliCalculator#count(Slo, SortedSet, long)}: one stepped query per distinct source
   * (step = gcd of the windows) when the longest window holds at most {@link
   * SliCalculator#MAX_STEPS} steps, otherwise one query per window.
   */
  Map<Duration, SliResult> count(Slo slo, SortedSet<Duration> windows, long endUnixNano) {
    Map<Duration, SliResult> out = new TreeMap<>();
    if (windows.isEmpty()) return out;
    long longest = windows.last().toNanos();
    long step = 0;
    for (Duration w : windows) step = gcd(step, w.toNanos());
    if (longest / step > SliCalculator.MAX_STEPS) {
      for (Duration w : windows) out.put(w, count(slo, endUnixNano - w.toNanos(), endUnixNano));
      return out;
    }
    if (reader == null) {
      for (Duration w : windows) out.put(w, new SliResult.Unsupported(noReader));
      return out;
    }
    Sides sides =
        read(reader, slo, endUnixNano - longest, endUnixNano, windows.size() == 1 ? 0 : step);
    for (Duration w : windows) out.put(w, sides.counts(endUnixNano - w.toNanos()));
    return out;
  }

  /**
   * Adds the total and counted (good, or bad for a {@code bad} side) events of the spans starting
   * in each slot {@code [from + k × slot, from + (k + 1) × slot)} before {@code end} to {@code
   * totals[k]} and {@code counteds[k]}.
   *
   * @throws IllegalArgumentException without a span count reader
   */
  void fill(Slo slo, long from, long endUnixNano, long slot, double[] totals, double[] counteds) {
    if (reader == null) throw new IllegalArgumentException(noReader);
    Sides sides = read(reader, slo, from, endUnixNano, slot);
    for (SpanCountPoint p : sides.totals()) {
      totals[(int) ((p.timeUnixNano() - from) / slot)] += count(sides.total(), p);
    }
    for (SpanCountPoint p : sides.counteds()) {
      counteds[(int) ((p.timeUnixNano() - from) / slot)] += count(sides.counted(), p);
    }
  }

  /** The points of both sides of {@code slo}'s ratio: one query when they share a scope. */
  private Sides read(SpanCountReader reader, Slo slo, long start, long end, long step) {
    RatioMetric ratio = slo.indicator().ratioMetric();
    SpanSource total = (SpanSource) ratio.total();
    boolean goodSide = ratio.good() != null;
    SpanSource counted = (SpanSource) (goodSide ? ratio.good() : requireNonNull(ratio.bad()));
    List<SpanCountPoint> counteds =
        reader.countSpans(query(counted, counted.maxDuration(), start, end, step));
    boolean sameScope =
        total.service().equals(counted.service())
            && Objects.equals(total.operation(), counted.operation())
            && total.attributes().equals(counted.attributes())
            && (total.maxDuration() == null || total.maxDuration().equals(counted.maxDuration()));
    List<SpanCountPoint> totals =
        sameScope
            ? counteds
            : reader.countSpans(query(total, total.maxDuration(), start, end, step));
    return new Sides(total, counted, goodSide, totals, counteds);
  }

  private SpanCountQuery query(
      SpanSource s, @Nullable Duration threshold, long start, long end, long step) {
    return new SpanCountQuery(
        tenant,
        s.service(),
        s.operation(),
        s.attributes(),
        threshold == null ? null : threshold.toNanos(),
        start,
        end,
        step);
  }

  /** The events of {@code s} among the spans of {@code p}, queried with {@code s}'s scope. */
  private static long count(SpanSource s, SpanCountPoint p) {
    if (s.maxDuration() == null) {
      if (s.status() == null) return p.spans();
      return s.status() == SpanSource.Status.ERROR ? p.errors() : p.spans() - p.errors();
    }
    if (s.status() == null) return p.fast();
    return s.status() == SpanSource.Status.OK ? p.okFast() : p.fast() - p.okFast();
  }

  private record Sides(
      SpanSource total,
      SpanSource counted,
      boolean goodSide,
      List<SpanCountPoint> totals,
      List<SpanCountPoint> counteds) {
    /** The counts of the points starting at or after {@code from}. */
    SliResult.Counts counts(long from) {
      double t = 0;
      for (SpanCountPoint p : totals) if (p.timeUnixNano() >= from) t += count(total, p);
      double c = 0;
      for (SpanCountPoint p : counteds) if (p.timeUnixNano() >= from) c += count(counted, p);
      return new SliResult.Counts(goodSide ? c : t - c, t);
    }
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
