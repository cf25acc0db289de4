package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Log patterns that are new or more frequent in the fault window than in the baseline. Both sides
 * are mined into one Drain tree (baseline first), so a template has one identity and a count per
 * side. Frequencies are compared as rates per minute when both window lengths are given, else as
 * shares of each side's records. Patterns seen only in the baseline are not reported.
 *
 * <p>Without a baseline — no baseline records, or a zero-length baseline window — nothing is
 * compared: the fault window's patterns are reported as merely seen there ({@code isNew} and {@code
 * increased} false, no ratio, no baseline rate). Calling every template "new" when there is nothing
 * before to hold it against (a server that just started, a baseline whose traces did not log) would
 * present ordinary logs as a symptom. Immutable and thread-safe.
 */
public final class LogPatternComparison {
  private final LogPatternMiner miner;
  private final double increaseRatio;
  private final long minCount;
  private final @Nullable Duration window;
  private final @Nullable Duration baselineWindow;

  private LogPatternComparison(Builder b) {
    miner = b.miner;
    increaseRatio = b.increaseRatio;
    minCount = b.minCount;
    window = b.window;
    baselineWindow = b.baselineWindow;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Patterns of {@code bad} records: new ones first, then increased ones, then the rest, each by
   * count descending, then pattern id. With no {@code baseline} records (or a zero-length baseline
   * window) no pattern is new or increased: see the class comment.
   */
  public List<PatternChange> compare(List<LogRecord> bad, List<LogRecord> baseline) {
    requireNonNull(bad, "bad");
    requireNonNull(baseline, "baseline");
    boolean compared = !baseline.isEmpty() && (baselineWindow == null || !baselineWindow.isZero());
    boolean rates = window != null && baselineWindow != null;
    List<PatternChange> out = new ArrayList<>();
    for (LogPatternMiner.Cluster c : miner.mineSides(bad, baseline)) {
      long count = c.count[0];
      long baselineCount = c.count[1];
      if (count == 0) continue;
      Double rate = rates ? count / minutes(window) : null;
      Double baselineRate = rates && compared ? baselineCount / minutes(baselineWindow) : null;
      Double ratio = null; // unless there is something to divide by
      if (compared && baselineCount > 0) {
        ratio =
            rates
                ? rate / baselineRate
                : (count / (double) bad.size()) / (baselineCount / (double) baseline.size());
      }
      boolean isNew = compared && baselineCount == 0;
      boolean increased =
          compared && !isNew && ratio != null && ratio >= increaseRatio && count >= minCount;
      out.add(
          new PatternChange(
              c.pattern(0),
              count,
              baselineCount,
              rate,
              baselineRate,
              ratio,
              isNew,
              increased,
              List.copyOf(c.traceIds.get(0))));
    }
    out.sort(
        Comparator.comparingInt(LogPatternComparison::rank)
            .thenComparing(Comparator.comparingLong(PatternChange::count).reversed())
            .thenComparingInt(p -> p.pattern().id()));
    return out;
  }

  private static double minutes(Duration d) {
    return d.toNanos() / 60e9;
  }

  private static int rank(PatternChange p) {
    return p.isNew() ? 0 : p.increased() ? 1 : 2;
  }

  /** Options of {@link LogPatternComparison}; every one has a default. */
  public static final class Builder {
    private LogPatternMiner miner = LogPatternMiner.builder().build();
    private double increaseRatio = 2.0;
    private long minCount = 2;
    private @Nullable Duration window;
    private @Nullable Duration baselineWindow;

    private Builder() {}

    /** The miner for both sides; default {@code LogPatternMiner.builder().build()}. */
    public Builder miner(LogPatternMiner miner) {
      this.miner = requireNonNull(miner, "miner");
      return this;
    }

    /** A pattern increased when its frequency ratio reaches this; above 1, default 2. */
    public Builder increaseRatio(double increaseRatio) {
      if (!(increaseRatio > 1)) throw new IllegalArgumentException("increaseRatio must be above 1");
      this.increaseRatio = increaseRatio;
      return this;
    }

    /** Fewer fault-window records than this are never flagged increased; default 2. */
    public Builder minCount(long minCount) {
      if (minCount < 1) throw new IllegalArgumentException("minCount must be positive");
      this.minCount = minCount;
      return this;
    }

    /**
     * Lengths of the fault window and of the baseline window, to compare rates per minute. A zero
     * {@code baselineWindow} means there is no baseline: nothing is compared (see the class
     * comment).
     */
    public Builder windows(Duration window, Duration baselineWindow) {
      requireNonNull(window, "window");
      requireNonNull(baselineWindow, "baselineWindow");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("window must be positive");
      }
      if (baselineWindow.isNegative()) {
        throw new IllegalArgumentException("baselineWindow must not be negative");
      }
      this.window = window;
      this.baselineWindow = baselineWindow;
      return this;
    }

    public LogPatternComparison build() {
      return new LogPatternComparison(this);
    }
  }
}
