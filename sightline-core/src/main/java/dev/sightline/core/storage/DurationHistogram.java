package dev.sightline.core.storage;

import java.util.Arrays;

/**
 * Span durations counted in fixed log-scale buckets (a 1-2-5 sequence from 0.1 ms to 100 s), the
 * layout every backend stores for span metrics. Bucket {@code i} counts durations {@code d} with
 * {@code BOUNDS_NANOS[i-1] < d <= BOUNDS_NANOS[i]} (Prometheus {@code le} semantics); the last
 * bucket counts everything above 100 s.
 *
 * <p>A final class rather than a record so that equality compares the counts, not the array.
 */
public final class DurationHistogram {
  private static final long MS = 1_000_000L;

  /** Upper bounds of the finite buckets, in nanoseconds. */
  private static final long[] BOUNDS_NANOS = {
    MS / 10,
    MS / 5,
    MS / 2,
    MS,
    2 * MS,
    5 * MS,
    10 * MS,
    20 * MS,
    50 * MS,
    100 * MS,
    200 * MS,
    500 * MS,
    1_000 * MS,
    2_000 * MS,
    5_000 * MS,
    10_000 * MS,
    20_000 * MS,
    50_000 * MS,
    100_000 * MS
  };

  /** Number of buckets: the finite ones plus the overflow bucket. */
  public static final int BUCKETS = BOUNDS_NANOS.length + 1;

  private final long[] counts;

  private DurationHistogram(long[] counts) {
    this.counts = counts;
  }

  /** A histogram of these per-bucket counts (copied); there must be {@link #BUCKETS} of them. */
  public static DurationHistogram of(long... counts) {
    if (counts.length != BUCKETS) {
      throw new IllegalArgumentException("counts must have " + BUCKETS + " entries");
    }
    return new DurationHistogram(counts.clone());
  }

  /** The upper bound of bucket {@code i} in nanoseconds; {@link Long#MAX_VALUE} for the last. */
  public static long upperBoundNanos(int i) {
    return i < BOUNDS_NANOS.length ? BOUNDS_NANOS[i] : Long.MAX_VALUE;
  }

  /** The bucket a duration falls into; negative durations count as zero. */
  public static int bucketOf(long durationNanos) {
    int i = Arrays.binarySearch(BOUNDS_NANOS, durationNanos);
    return i >= 0 ? i : -i - 1;
  }

  /** A copy of the per-bucket counts. */
  public long[] counts() {
    return counts.clone();
  }

  public long count(int bucket) {
    return counts[bucket];
  }

  public long total() {
    long n = 0;
    for (long c : counts) n += c;
    return n;
  }

  /** The sum of both histograms (the same fixed layout). */
  public DurationHistogram plus(DurationHistogram other) {
    long[] sum = counts.clone();
    for (int i = 0; i < sum.length; i++) sum[i] += other.counts[i];
    return new DurationHistogram(sum);
  }

  /**
   * Estimates the {@code q}-quantile (0 &lt; q ≤ 1) in nanoseconds the way Prometheus' {@code
   * histogram_quantile} does: find the bucket holding rank {@code q × total} and interpolate
   * linearly inside it (the first bucket starts at 0). A quantile in the overflow bucket reports
   * 100 s, the highest finite bound. Returns NaN for an empty histogram.
   */
  public double quantileNanos(double q) {
    if (!(q > 0 && q <= 1)) throw new IllegalArgumentException("q must be in (0, 1]");
    long total = total();
    if (total == 0) return Double.NaN;
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c > 0 && below + c >= rank) {
        if (i == BOUNDS_NANOS.length) return BOUNDS_NANOS[i - 1];
        double lower = i == 0 ? 0 : BOUNDS_NANOS[i - 1];
        double upper = BOUNDS_NANOS[i];
        return lower + (upper - lower) * (rank - below) / c;
      }
      below += c;
    }
    return BOUNDS_NANOS[BOUNDS_NANOS.length - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DurationHistogram h && Arrays.equals(counts, h.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "DurationHistogram" + Arrays.toString(counts);
  }
}
