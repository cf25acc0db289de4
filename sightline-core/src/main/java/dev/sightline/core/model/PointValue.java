package dev.sightline.core.model;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The value of one metric data point, by kind. */
public sealed interface PointValue {

  /** A gauge or sum value, recorded as a long or a double. */
  record NumberValue(boolean isLong, double asDouble, long asLong) implements PointValue {
    public static NumberValue ofLong(long value) {
      return new NumberValue(true, 0, value);
    }

    public static NumberValue ofDouble(double value) {
      return new NumberValue(false, value, 0);
    }

    public double value() {
      return isLong ? asLong : asDouble;
    }
  }

  /**
   * An explicit-bucket histogram: {@code bucketCounts} has one more entry than {@code
   * explicitBounds}. {@code sum}, {@code min} and {@code max} are optional in OTLP.
   */
  record HistogramValue(
      long count,
      @Nullable Double sum,
      @Nullable Double min,
      @Nullable Double max,
      List<Long> bucketCounts,
      List<Double> explicitBounds)
      implements PointValue {
    public HistogramValue {
      bucketCounts = List.copyOf(bucketCounts);
      explicitBounds = List.copyOf(explicitBounds);
    }
  }

  /** An exponential histogram (base 2^(2^-scale)). */
  record ExponentialHistogramValue(
      long count,
      @Nullable Double sum,
      @Nullable Double min,
      @Nullable Double max,
      int scale,
      long zeroCount,
      double zeroThreshold,
      int positiveOffset,
      List<Long> positiveBucketCounts,
      int negativeOffset,
      List<Long> negativeBucketCounts)
      implements PointValue {
    public ExponentialHistogramValue {
      positiveBucketCounts = List.copyOf(positiveBucketCounts);
      negativeBucketCounts = List.copyOf(negativeBucketCounts);
    }
  }

  /** A summary: count, sum and precomputed quantiles. */
  record SummaryValue(long count, double sum, List<Quantile> quantiles) implements PointValue {
    public SummaryValue {
      quantiles = List.copyOf(quantiles);
    }
  }

  record Quantile(double quantile, double value) {}

  static NumberValue requireNumber(PointValue value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof NumberValue n) return n;
    throw new IllegalArgumentException("not a number value: " + value);
  }
}
