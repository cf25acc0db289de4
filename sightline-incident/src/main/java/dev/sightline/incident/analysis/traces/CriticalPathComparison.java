package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Span;
import dev.sightline.incident.analysis.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares the critical paths of bad traces (the fault window) with those of baseline traces: per
 * (service, operation), the mean and median time on the critical path on each side and their
 * difference. An operation that got slower itself shows a large delta; its callers, whose own time
 * did not change, do not, because the time they spent waiting is attributed to the callee.
 */
public final class CriticalPathComparison {
  private static final double NANOS_PER_MS = 1e6;

  private CriticalPathComparison() {}

  /**
   * Computes the critical path of every trace (each a list of its spans; empty ones skipped) and
   * compares them. Sorted by {@link OperationDelta#deltaMs()} descending (slowdowns first), then by
   * operation. Without baseline traces every baseline figure is 0 and every relative delta of an
   * operation on the bad critical paths is null: the deltas are then just the bad traces' times.
   */
  public static List<OperationDelta> compare(
      List<List<Span>> badTraces, List<List<Span>> baselineTraces) {
    requireNonNull(badTraces, "badTraces");
    requireNonNull(baselineTraces, "baselineTraces");
    return compareComputed(paths(badTraces), paths(baselineTraces));
  }

  /** As {@link #compare} on critical paths already computed with {@link CriticalPath#of}. */
  public static List<OperationDelta> compareComputed(
      List<TraceCriticalPath> bad, List<TraceCriticalPath> baseline) {
    requireNonNull(bad, "bad");
    requireNonNull(baseline, "baseline");
    Side b = new Side(bad);
    Side g = new Side(baseline);
    TreeSet<Operation> all = new TreeSet<>(b.ops.keySet());
    all.addAll(g.ops.keySet());
    List<OperationDelta> out = new ArrayList<>(all.size());
    for (Operation op : all) {
      double badMean = b.mean(op);
      double baseMean = g.mean(op);
      double delta = badMean - baseMean;
      // no baseline time to compare with: no relative change rather than an infinite one
      Double relative = null;
      if (baseMean > 0) {
        relative = delta / baseMean;
      } else if (badMean == 0) {
        relative = 0.0;
      }
      out.add(
          new OperationDelta(
              op,
              b.traces(op),
              g.traces(op),
              badMean,
              baseMean,
              b.p50(op),
              g.p50(op),
              delta,
              relative,
              b.totalDuration > 0 ? b.sum(op, 0) / (double) b.totalDuration : 0,
              b.meanOf(op, 1),
              g.meanOf(op, 1),
              b.errorRate(op),
              g.errorRate(op)));
    }
    out.sort(
        Comparator.comparingDouble(OperationDelta::deltaMs)
            .reversed()
            .thenComparing(OperationDelta::operation));
    return out;
  }

  private static List<TraceCriticalPath> paths(List<List<Span>> traces) {
    List<TraceCriticalPath> out = new ArrayList<>(traces.size());
    for (List<Span> t : traces) {
      if (!t.isEmpty()) out.add(CriticalPath.of(t));
    }
    return out;
  }

  /** Per operation: critical nanos per trace (index = trace), self nanos sum, spans, errors. */
  private static final class Side {
    final int traceCount;
    final long totalDuration;
    final Map<Operation, long[]> critical = new HashMap<>();

    /** [criticalSum, selfSum, spans, errorSpans, traces] */
    final Map<Operation, long[]> ops = new HashMap<>();

    Side(List<TraceCriticalPath> paths) {
      traceCount = paths.size();
      long total = 0;
      for (int t = 0; t < paths.size(); t++) {
        TraceCriticalPath p = paths.get(t);
        total += p.durationNanos();
        for (Map.Entry<Operation, OperationTime> e : p.operations().entrySet()) {
          OperationTime time = e.getValue();
          long[] a = ops.computeIfAbsent(e.getKey(), k -> new long[5]);
          a[0] += time.criticalNanos();
          a[1] += time.selfNanos();
          a[2] += time.spans();
          a[3] += time.errorSpans();
          a[4]++;
          critical.computeIfAbsent(e.getKey(), k -> new long[traceCount])[t] +=
              time.criticalNanos();
        }
      }
      totalDuration = total;
    }

    long sum(Operation op, int field) {
      long[] a = ops.get(op);
      return a == null ? 0 : a[field];
    }

    int traces(Operation op) {
      return (int) sum(op, 4);
    }

    double mean(Operation op) {
      return meanOf(op, 0);
    }

    double meanOf(Operation op, int field) {
      return traceCount == 0 ? 0 : sum(op, field) / (double) traceCount / NANOS_PER_MS;
    }

    double errorRate(Operation op) {
      long spans = sum(op, 2);
      return spans == 0 ? 0 : sum(op, 3) / (double) spans;
    }

    double p50(Operation op) {
      long[] perTrace = critical.get(op);
      if (perTrace == null || traceCount == 0) return 0;
      long[] sorted = perTrace.clone();
      Arrays.sort(sorted);
      int mid = sorted.length / 2;
      double median =
          sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + (double) sorted[mid]) / 2;
      return median / NANOS_PER_MS;
    }
  }
}
