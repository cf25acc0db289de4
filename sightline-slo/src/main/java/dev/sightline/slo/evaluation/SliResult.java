package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

/** What {@link SliCalculator} found for one SLI over one range: counts, or why it cannot count. */
public sealed interface SliResult {

  /**
   * Good and total events. Both are whole numbers except for a latency threshold that is not a
   * bound of the duration histogram, where the good side is interpolated (see {@link
   * SliCalculator#countAtMost}).
   */
  record Counts(double good, double total) implements SliResult {
    /** Events that were not good: {@code total - good}. */
    public double bad() {
      return total - good;
    }

    /** {@code bad / total}; NaN when there were no events. */
    public double errorRatio() {
      return total == 0 ? Double.NaN : bad() / total;
    }
  }

  /** The SLI cannot be computed from span metrics; {@code reason} says why. */
  record Unsupported(String reason) implements SliResult {
    public Unsupported {
      requireNonNull(reason, "reason");
    }
  }
}
