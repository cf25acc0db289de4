package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.Operation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The critical path of a trace, computed as the Jaeger UI does (jaeger-ui {@code
 * TracePage/CriticalPath}): start at the root at its end time, step back to the last-finishing
 * child that ends no later than the cursor, attribute the gap between that child's end and the
 * cursor to the parent as its own time, follow the child down the same way, and on return continue
 * in the parent from the child's start; when no child is left, the rest down to the parent's start
 * is the parent's own time.
 *
 * <p>Trace shape:
 *
 * <ul>
 *   <li>Spans whose parent is not in the trace are top-level. The path starts at the span without a
 *       parent id (the longest if several), else at the longest top-level span; other top-level
 *       spans are walked as detached paths.
 *   <li>Children are clipped to their parent's bounds (start no earlier, end no later), their own
 *       children to the clipped bounds, recursively.
 *   <li>Asynchronous work does not block its parent and is detached, walked as its own path from
 *       its own bounds (the analogue of Jaeger dropping {@code FOLLOWS_FROM} spans): a child that
 *       starts at or after its parent's end (fire-and-forget), and a {@code CONSUMER} child or a
 *       child of a {@code PRODUCER} span that ends after its parent. A consumer that finishes
 *       inside its parent is indistinguishable from a synchronous call and is kept.
 *   <li>Unlike Jaeger, a child ending exactly at the cursor qualifies ({@code <=}, Jaeger uses
 *       {@code <}), so back-to-back sequential children are all on the path; each child is visited
 *       at most once.
 * </ul>
 *
 * <p>Pure and thread-safe; O(n log n) in the number of spans.
 */
public final class CriticalPath {
  private static final int NONE = -1;

  private CriticalPath() {}

  /**
   * The critical path of {@code trace}, all spans of one trace (duplicate span ids: the first
   * wins).
   *
   * @throws IllegalArgumentException when {@code trace} is empty
   */
  public static TraceCriticalPath of(List<Span> trace) {
    requireNonNull(trace, "trace");
    if (trace.isEmpty()) throw new IllegalArgumentException("trace must not be empty");
    return new Walk(trace).run();
  }

  private static final class Walk {
    private final Span[] spans;
    private final int[] parent;
    private final int[][] children;
    private final long[] start;
    private final long[] end;
    private final boolean[] reached;
    private final Operation[] operations;
    private final List<Integer> detachedRoots = new ArrayList<>();

    Walk(List<Span> trace) {
      spans = trace.toArray(new Span[0]);
      int n = spans.length;
      Map<String, Integer> index = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) index.putIfAbsent(spans[i].spanId(), i);
      parent = new int[n];
      int[] childCount = new int[n];
      for (int i = 0; i < n; i++) {
        Integer p = spans[i].parentSpanId().isEmpty() ? null : index.get(spans[i].parentSpanId());
        parent[i] = p == null || p == i || index.get(spans[i].spanId()) != i ? NONE : p;
        if (parent[i] != NONE) childCount[parent[i]]++;
      }
      children = new int[n][];
      for (int i = 0; i < n; i++) children[i] = new int[childCount[i]];
      int[] fill = new int[n];
      for (int i = 0; i < n; i++) {
        if (parent[i] != NONE) children[parent[i]][fill[parent[i]]++] = i;
      }
      start = new long[n];
      end = new long[n];
      reached = new boolean[n];
      operations = new Operation[n];
    }

    TraceCriticalPath run() {
      int n = spans.length;
      int root = NONE;
      for (int pass = 0; pass < 2 && root == NONE; pass++) {
        for (int i = 0; i < n; i++) {
          boolean topLevel = parent[i] == NONE && (pass == 1 || spans[i].isRoot());
          if (topLevel && (root == NONE || longer(i, root))) root = i;
        }
      }
      if (root == NONE) root = 0; // every span in a parent cycle: degenerate, walk the first
      for (int i = 0; i < n; i++) {
        if (parent[i] == NONE && i != root) detachedRoots.add(i);
      }
      List<CriticalPathSegment> path = new ArrayList<>();
      long[] critical = new long[n];
      layOut(root);
      walk(root, path, critical);
      List<CriticalPathSegment> detached = new ArrayList<>();
      long[] ignored = new long[n];
      for (int k = 0; k < detachedRoots.size(); k++) { // grows while laying out
        int d = detachedRoots.get(k);
        if (reached[d]) continue;
        layOut(d);
        walk(d, detached, ignored);
      }
      return new TraceCriticalPath(
          spans[root].traceId(),
          spans[root].spanId(),
          end[root] - start[root],
          path,
          detached,
          operationTimes(critical));
    }

    private boolean longer(int a, int b) {
      long da = spans[a].durationNanos();
      long db = spans[b].durationNanos();
      if (da != db) return da > db;
      if (spans[a].startTimeUnixNano() != spans[b].startTimeUnixNano()) {
        return spans[a].startTimeUnixNano() < spans[b].startTimeUnixNano();
      }
      return spans[a].spanId().compareTo(spans[b].spanId()) < 0;
    }

    /** Sets clipped bounds below {@code top}, detaching asynchronous children. */
    private void layOut(int top) {
      start[top] = spans[top].startTimeUnixNano();
      end[top] = Math.max(spans[top].endTimeUnixNano(), start[top]);
      reached[top] = true;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(top);
      while (!queue.isEmpty()) {
        int p = queue.poll();
        operations[p] = Operation.of(spans[p]);
        List<Integer> attached = new ArrayList<>(children[p].length);
        for (int c : children[p]) {
          if (reached[c]) continue;
          Span child = spans[c];
          long s = child.startTimeUnixNano();
          long e = Math.max(child.endTimeUnixNano(), s);
          boolean messaging =
              child.kind() == SpanKind.CONSUMER || spans[p].kind() == SpanKind.PRODUCER;
          if (s >= end[p] && e > s || messaging && e > end[p]) {
            detachedRoots.add(c);
            continue;
          }
          start[c] = Math.min(Math.max(s, start[p]), end[p]);
          end[c] = Math.max(Math.min(e, end[p]), start[c]);
          reached[c] = true;
          attached.add(c);
          queue.add(c);
        }
        // last-finishing first; ties: later start first, then span id, for determinism
        attached.sort(
            Comparator.<Integer>comparingLong(c -> -end[c])
                .thenComparingLong(c -> -start[c])
                .thenComparing(c -> spans[c].spanId()));
        children[p] = attached.stream().mapToInt(Integer::intValue).toArray();
      }
    }

    /** Jaeger's walk without recursion: a stack of (span, next child to consider). */
    private void walk(int top, List<CriticalPathSegment> out, long[] critical) {
      List<CriticalPathSegment> reversed = new ArrayList<>();
      int[] stack = new int[spans.length];
      int[] next = new int[spans.length];
      int depth = 0;
      stack[0] = top;
      next[0] = 0;
      long cursor = end[top];
      while (depth >= 0) {
        int s = stack[depth];
        int[] kids = children[s];
        int j = next[depth];
        while (j < kids.length && end[kids[j]] > cursor) j++;
        if (j < kids.length) {
          int c = kids[j];
          next[depth] = j + 1;
          emit(s, end[c], cursor, reversed, critical);
          cursor = end[c];
          depth++;
          stack[depth] = c;
          next[depth] = 0;
        } else {
          emit(s, start[s], cursor, reversed, critical);
          cursor = Math.min(cursor, start[s]);
          depth--;
        }
      }
      Collections.reverse(reversed);
      out.addAll(reversed);
    }

    private void emit(
        int span, long from, long to, List<CriticalPathSegment> out, long[] critical) {
      if (to <= from) return;
      out.add(new CriticalPathSegment(spans[span].spanId(), operations[span], from, to));
      critical[span] += to - from;
    }

    private Map<Operation, OperationTime> operationTimes(long[] critical) {
      Map<Operation, long[]> acc = new HashMap<>();
      for (int i = 0; i < spans.length; i++) {
        if (!reached[i]) continue;
        long[] a = acc.computeIfAbsent(operations[i], k -> new long[4]);
        a[0] += critical[i];
        a[1] += selfNanos(i);
        a[2]++;
        if (spans[i].statusCode() == StatusCode.ERROR) a[3]++;
      }
      List<Map.Entry<Operation, long[]>> entries = new ArrayList<>(acc.entrySet());
      entries.sort(
          Comparator.<Map.Entry<Operation, long[]>>comparingLong(e -> -e.getValue()[0])
              .thenComparing(Map.Entry::getKey));
      Map<Operation, OperationTime> out = new LinkedHashMap<>();
      for (Map.Entry<Operation, long[]> e : entries) {
        long[] a = e.getValue();
        out.put(e.getKey(), new OperationTime(a[0], a[1], (int) a[2], (int) a[3]));
      }
      return out;
    }

    /** Duration minus the union of the (clipped, synchronous) children's intervals. */
    private long selfNanos(int s) {
      int[] kids = children[s];
      if (kids.length == 0) return end[s] - start[s];
      long[][] intervals = new long[kids.length][];
      for (int k = 0; k < kids.length; k++)
        intervals[k] = new long[] {start[kids[k]], end[kids[k]]};
      Arrays.sort(intervals, Comparator.comparingLong(iv -> iv[0]));
      long covered = 0;
      long curStart = intervals[0][0];
      long curEnd = intervals[0][1];
      for (int k = 1; k < intervals.length; k++) {
        if (intervals[k][0] > curEnd) {
          covered += curEnd - curStart;
          curStart = intervals[k][0];
          curEnd = intervals[k][1];
        } else {
          curEnd = Math.max(curEnd, intervals[k][1]);
        }
      }
      covered += curEnd - curStart;
      return end[s] - start[s] - covered;
    }
  }
}
