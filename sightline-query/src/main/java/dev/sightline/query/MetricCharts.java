package dev.sightline.query;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue.ExponentialHistogramValue;
import dev.sightline.core.model.PointValue.HistogramValue;
import dev.sightline.core.model.PointValue.NumberValue;
import dev.sightline.core.model.PointValue.Quantile;
import dev.sightline.core.model.PointValue.SummaryValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns the stored points of one metric series into what a chart draws, so that the browser never
 * derives aggregates from raw points: gauges and non-monotonic sums as recorded; monotonic sums as
 * a rate per second over each point's interval; histograms (explicit and exponential) as p50, p95
 * and p99 of each interval, estimated from the buckets like Prometheus' {@code histogram_quantile};
 * summaries as their own 0.5/0.95/0.99 quantiles.
 *
 * <p>A cumulative point's interval runs from the previous point of the series; the first point, and
 * a point after a reset (a lower count or a new start time), covers its own start time to its time.
 * A delta point covers its own interval.
 */
public final class MetricCharts {
  private MetricCharts() {}

  /** How a metric is drawn. */
  public enum Display {
    VALUE,
    RATE,
    QUANTILES
  }

  /** One drawn point: {@code value} for VALUE and RATE, the percentiles for QUANTILES. */
  public record ChartPoint(
      long timeUnixNano,
      @Nullable Double value,
      @Nullable Double p50,
      @Nullable Double p95,
      @Nullable Double p99) {}

  public static Display display(MetricType type, boolean monotonic) {
    return switch (type) {
      case GAUGE -> Display.VALUE;
      case SUM -> monotonic ? Display.RATE : Display.VALUE;
      case HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY -> Display.QUANTILES;
    };
  }

  /** The chart points of one series, its points in time order and all of one type. */
  public static List<ChartPoint> points(List<MetricPoint> series) {
    List<ChartPoint> out = new ArrayList<>(series.size());
    MetricPoint previous = null;
    for (MetricPoint p : series) {
      out.add(point(p, isContinuation(previous, p) ? previous : null));
      previous = p;
    }
    return out;
  }

  /** True when {@code p} is a cumulative point continuing {@code previous} (no reset). */
  private static boolean isContinuation(@Nullable MetricPoint previous, MetricPoint p) {
    if (previous == null || p.temporality() != AggregationTemporality.CUMULATIVE) return false;
    if (previous.startTimeUnixNano() != p.startTimeUnixNano()) return false;
    if (previous.timeUnixNano() >= p.timeUnixNano()) return false;
    if (p.value() instanceof NumberValue n && previous.value() instanceof NumberValue pn) {
      return n.value() >= pn.value();
    }
    if (p.value() instanceof HistogramValue h && previous.value() instanceof HistogramValue ph) {
      return ph.explicitBounds().equals(h.explicitBounds()) && ph.count() <= h.count();
    }
    if (p.value() instanceof ExponentialHistogramValue e
        && previous.value() instanceof ExponentialHistogramValue pe) {
      return pe.scale() == e.scale()
          && pe.positiveOffset() == e.positiveOffset()
          && pe.positiveBucketCounts().size() <= e.positiveBucketCounts().size()
          && pe.count() <= e.count();
    }
    return false;
  }

  private static ChartPoint point(MetricPoint p, @Nullable MetricPoint previous) {
    long t = p.timeUnixNano();
    long from = previous != null ? previous.timeUnixNano() : p.startTimeUnixNano();
    if (p.value() instanceof NumberValue n) {
      if (display(p.type(), p.monotonic()) == Display.VALUE) {
        return new ChartPoint(t, finite(n.value()), null, null, null);
      }
      double increase =
          previous != null ? n.value() - ((NumberValue) previous.value()).value() : n.value();
      Double rate = from > 0 && from < t ? increase / ((t - from) / 1e9) : null;
      return new ChartPoint(t, finite(rate), null, null, null);
    }
    if (p.value() instanceof HistogramValue h) {
      long[] counts = toArray(h.bucketCounts());
      if (previous != null) {
        long[] before = toArray(((HistogramValue) previous.value()).bucketCounts());
        for (int i = 0; i < counts.length && i < before.length; i++) counts[i] -= before[i];
      }
      double[] bounds = h.explicitBounds().stream().mapToDouble(Double::doubleValue).toArray();
      return quantiles(t, q -> explicitQuantile(q, counts, bounds));
    }
    if (p.value() instanceof ExponentialHistogramValue e) {
      long[] counts = toArray(e.positiveBucketCounts());
      long zero = e.zeroCount();
      if (previous != null) {
        ExponentialHistogramValue pe = (ExponentialHistogramValue) previous.value();
        long[] before = toArray(pe.positiveBucketCounts());
        for (int i = 0; i < before.length; i++) counts[i] -= before[i];
        zero -= pe.zeroCount();
      }
      long zeroCount = zero;
      return quantiles(
          t, q -> exponentialQuantile(q, zeroCount, e.scale(), e.positiveOffset(), counts));
    }
    SummaryValue s = (SummaryValue) p.value();
    return new ChartPoint(
        t, null, summaryQuantile(s, 0.5), summaryQuantile(s, 0.95), summaryQuantile(s, 0.99));
  }

  private interface QuantileFunction {
    @Nullable Double at(double q);
  }

  private static ChartPoint quantiles(long t, QuantileFunction f) {
    return new ChartPoint(t, null, f.at(0.5), f.at(0.95), f.at(0.99));
  }

  /**
   * Quantile {@code q} of an explicit-bucket histogram: linear interpolation inside the bucket
   * holding the rank; the first bucket starts at 0 (or at its bound when that is negative); a rank
   * in the overflow bucket reports the highest bound. Null without observations.
   */
  static @Nullable Double explicitQuantile(double q, long[] counts, double[] bounds) {
    long total = 0;
    for (long c : counts) total += Math.max(c, 0);
    if (total == 0) return null;
    double rank = q * total;
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = Math.max(counts[i], 0);
      if (c > 0 && cumulative + c >= rank) {
        if (i >= bounds.length) return bounds.length == 0 ? null : bounds[bounds.length - 1];
        double upper = bounds[i];
        double lower = i == 0 ? Math.min(0, upper) : bounds[i - 1];
        return lower + (upper - lower) * ((rank - cumulative) / c);
      }
      cumulative += c;
    }
    return bounds.length == 0 ? null : bounds[bounds.length - 1];
  }

  /**
   * Quantile {@code q} of an exponential histogram's zero and positive buckets (bucket {@code
   * offset + i} covers {@code (base^index, base^(index+1)]}, {@code base = 2^(2^-scale)}),
   * interpolated inside the bucket. Negative buckets are not drawn.
   */
  static @Nullable Double exponentialQuantile(
      double q, long zeroCount, int scale, int offset, long[] counts) {
    long total = Math.max(zeroCount, 0);
    for (long c : counts) total += Math.max(c, 0);
    if (total == 0) return null;
    double rank = q * total;
    if (rank <= Math.max(zeroCount, 0)) return 0.0;
    double base = Math.pow(2, Math.pow(2, -scale));
    long cumulative = Math.max(zeroCount, 0);
    for (int i = 0; i < counts.length; i++) {
      long c = Math.max(counts[i], 0);
      if (c > 0 && cumulative + c >= rank) {
        double lower = Math.pow(base, offset + i);
        double upper = Math.pow(base, offset + i + 1);
        return lower + (upper - lower) * ((rank - cumulative) / c);
      }
      cumulative += c;
    }
    return Math.pow(base, offset + counts.length);
  }

  private static @Nullable Double summaryQuantile(SummaryValue s, double q) {
    for (Quantile x : s.quantiles())
      if (Math.abs(x.quantile() - q) < 1e-9) return finite(x.value());
    return null;
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static @Nullable Double finite(@Nullable Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }
}
