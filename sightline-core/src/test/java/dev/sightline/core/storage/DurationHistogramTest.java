package dev.sightline.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  static final long MS = 1_000_000L;

  @Test
  void bucketOf_usesLessOrEqualBounds() {
    assertThat(DurationHistogram.bucketOf(0)).isZero();
    assertThat(DurationHistogram.bucketOf(-5)).isZero();
    assertThat(DurationHistogram.bucketOf(MS / 10)).isZero();
    assertThat(DurationHistogram.bucketOf(MS / 10 + 1)).isEqualTo(1);
    assertThat(DurationHistogram.bucketOf(100 * MS)).isEqualTo(9);
    assertThat(DurationHistogram.bucketOf(100_000 * MS)).isEqualTo(18);
    assertThat(DurationHistogram.bucketOf(100_000 * MS + 1)).isEqualTo(19);
    assertThat(DurationHistogram.BUCKETS).isEqualTo(20);
    assertThat(DurationHistogram.upperBoundNanos(19)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void quantile_interpolatesInsideTheBucket() {
    long[] counts = new long[DurationHistogram.BUCKETS];
    counts[DurationHistogram.bucketOf(15 * MS)] = 6; // (10, 20] ms
    counts[DurationHistogram.bucketOf(150 * MS)] = 4; // (100, 200] ms
    DurationHistogram h = DurationHistogram.of(counts);

    // rank 5 of 10: 5/6 of the way through (10, 20] ms
    assertThat(h.quantileNanos(0.5)).isCloseTo(10 * MS + 10 * MS * 5.0 / 6, within());
    // rank 9.5: (9.5 - 6) / 4 of the way through (100, 200] ms
    assertThat(h.quantileNanos(0.95)).isCloseTo(100 * MS + 100 * MS * 3.5 / 4, within());
    assertThat(h.quantileNanos(1)).isCloseTo(200 * MS, within());
  }

  @Test
  void quantile_overflowReportsHighestBound_emptyIsNaN() {
    long[] counts = new long[DurationHistogram.BUCKETS];
    assertThat(DurationHistogram.of(counts).quantileNanos(0.5)).isNaN();
    counts[DurationHistogram.BUCKETS - 1] = 1;
    assertThat(DurationHistogram.of(counts).quantileNanos(0.99)).isEqualTo(100_000.0 * MS);
    assertThatThrownBy(() -> DurationHistogram.of(counts).quantileNanos(0))
        .hasMessageContaining("q");
    assertThatThrownBy(() -> DurationHistogram.of(1, 2)).hasMessageContaining("counts");
  }

  @Test
  void plus_addsBucketwise_equalityByCounts() {
    long[] a = new long[DurationHistogram.BUCKETS];
    a[3] = 2;
    long[] b = new long[DurationHistogram.BUCKETS];
    b[3] = 1;
    b[7] = 5;
    long[] sum = new long[DurationHistogram.BUCKETS];
    sum[3] = 3;
    sum[7] = 5;
    assertThat(DurationHistogram.of(a).plus(DurationHistogram.of(b)))
        .isEqualTo(DurationHistogram.of(sum));
    assertThat(DurationHistogram.of(sum).total()).isEqualTo(8);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-3);
  }
}
