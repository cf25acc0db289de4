package dev.sightline.storage.clickhouse;

import java.time.LocalDate;

/**
 * Event times as stored: {@code UInt64} Unix nanoseconds, plus the UTC day ({@code Date}) every
 * table is partitioned by, computed here rather than by the server (whose {@code toDate} follows
 * the server's time zone) so that retention drops exactly the days it means.
 */
final class Days {
  static final long NANOS_PER_DAY = 86_400_000_000_000L;

  /**
   * The last day stored as itself: 2100-12-31, safely inside {@code Date}'s range on every version
   * (18.16's ends in 2105 or 2106 depending on the function). Later times are kept on this day.
   */
  private static final long LAST_DAY = LocalDate.of(2100, 12, 31).toEpochDay();

  private Days() {}

  /** The UTC day of {@code unixNanos} as {@code yyyy-MM-dd}, clamped to {@code Date}'s range. */
  static String of(long unixNanos) {
    return LocalDate.ofEpochDay(epochDay(unixNanos)).toString();
  }

  /** The UTC day of {@code unixNanos} as days since 1970-01-01, clamped as {@link #of}. */
  static long epochDay(long unixNanos) {
    return Math.min(Math.max(Math.floorDiv(unixNanos, NANOS_PER_DAY), 0), LAST_DAY);
  }

  /**
   * Whether {@code unixNanos} falls on a day up to {@link #LAST_DAY} (not clamped by {@link #of}).
   */
  static boolean inDateRange(long unixNanos) {
    return Math.floorDiv(unixNanos, NANOS_PER_DAY) < LAST_DAY;
  }

  /** Checks that a time to store fits the unsigned column; returns it. */
  static long requireTime(long unixNanos, String what) {
    if (unixNanos < 0) throw new IllegalArgumentException(what + " before 1970: " + unixNanos);
    return unixNanos;
  }

  /** A time bound for SQL: negative bounds (from widening a range) become 0. */
  static long bound(long unixNanos) {
    return Math.max(unixNanos, 0);
  }

  /** {@code a + b} without overflow, saturating at the long range. */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }
}
