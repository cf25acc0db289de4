package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.StatusCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;

/**
 * Aggregates the spans of one commit group into rows of {@code trace_summaries}: one part per
 * tenant and trace, holding what a search result shows of the trace (earliest start, latest end,
 * the root candidate, the span ids, the error span ids, the services). Computed per batch on the
 * caller's thread ({@link SpanAggregates}), merged per group on the writer thread and written
 * behind the spans ({@link DerivedBacklog}: derived again at open when a stop left them unwritten).
 *
 * <p>A trace whose spans arrive in several commits gets several parts. Readers merge them with
 * operations that do not care how often a span is seen or in which part: minimum, maximum, the
 * first root candidate in (has a parent, start, span id) order, and unions of id and service lists.
 * A span stored twice therefore counts once, parts can be rebuilt from spans and added beside the
 * existing ones (the upgrade of an old directory, retention), and the order of arrival never
 * matters.
 */
final class TraceSummaryRows {
  private final Map<Key, Part> parts = new HashMap<>();

  private record Key(String tenant, long traceIdHigh, long traceIdLow) {}

  /** Mutable per-trace accumulator, one row per part. */
  private static final class Part {
    long start = Long.MAX_VALUE;
    long lastStart = Long.MIN_VALUE;
    long end = Long.MIN_VALUE;
    boolean rootIsChild = true;
    long rootStart = Long.MAX_VALUE;
    long rootSpanId;
    String rootService = "";
    String rootName = "";
    boolean hasRoot;
    long[] spanIds = new long[4];
    int spanCount;
    final List<Long> errorSpanIds = new ArrayList<>(0);
    final Set<String> services = new LinkedHashSet<>(4);

    void add(SpanRows.Row r) {
      Span s = r.span();
      long spanStart = s.startTimeUnixNano();
      start = Math.min(start, spanStart);
      lastStart = Math.max(lastStart, spanStart);
      end = Math.max(end, s.endTimeUnixNano());
      boolean isChild = r.hasParent();
      if (!hasRoot || isBefore(isChild, spanStart, r.spanId())) {
        hasRoot = true;
        rootIsChild = isChild;
        rootStart = spanStart;
        rootSpanId = r.spanId();
        rootService = r.resource().service();
        rootName = s.name();
      }
      if (spanCount == spanIds.length) spanIds = Arrays.copyOf(spanIds, spanCount * 2);
      spanIds[spanCount++] = r.spanId();
      if (s.statusCode() == StatusCode.ERROR) errorSpanIds.add(r.spanId());
      services.add(r.resource().service());
    }

    /** Takes {@code o}'s spans as if added after this part's, leaving {@code o} as it was. */
    void mergeFrom(Part o) {
      start = Math.min(start, o.start);
      lastStart = Math.max(lastStart, o.lastStart);
      end = Math.max(end, o.end);
      if (o.hasRoot && (!hasRoot || isBefore(o.rootIsChild, o.rootStart, o.rootSpanId))) {
        hasRoot = true;
        rootIsChild = o.rootIsChild;
        rootStart = o.rootStart;
        rootSpanId = o.rootSpanId;
        rootService = o.rootService;
        rootName = o.rootName;
      }
      if (spanCount + o.spanCount > spanIds.length) {
        spanIds = Arrays.copyOf(spanIds, Math.max(spanIds.length * 2, spanCount + o.spanCount));
      }
      System.arraycopy(o.spanIds, 0, spanIds, spanCount, o.spanCount);
      spanCount += o.spanCount;
      errorSpanIds.addAll(o.errorSpanIds);
      services.addAll(o.services);
    }

    /** The readers' root order: a span without a parent first, then earliest, then by span id. */
    private boolean isBefore(boolean isChild, long spanStart, long spanId) {
      if (isChild != rootIsChild) return !isChild;
      if (spanStart != rootStart) return spanStart < rootStart;
      return spanId < rootSpanId; // as the column compares: signed BIGINT
    }
  }

  void add(SpanRows.Row r) {
    Key key = new Key(r.span().tenant(), r.traceIdHigh(), r.traceIdLow());
    Part p = parts.get(key);
    if (p == null) parts.put(key, p = new Part());
    p.add(r);
  }

  /**
   * Merges {@code other}'s parts into this one's, as if its spans had been added after these: the
   * same rows as adding every span here. {@code other} is left as it was.
   */
  void mergeFrom(TraceSummaryRows other) {
    for (Map.Entry<Key, Part> e : other.parts.entrySet()) {
      Part p = parts.get(e.getKey());
      if (p == null) parts.put(e.getKey(), p = new Part());
      p.mergeFrom(e.getValue());
    }
  }

  /** Appends one row per part, in the order of {@link Schema}'s {@code trace_summaries}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<Key, Part> e : parts.entrySet()) {
      Key k = e.getKey();
      Part p = e.getValue();
      a.beginRow();
      a.append(k.tenant());
      a.appendHugeInt(k.traceIdLow(), k.traceIdHigh());
      a.append(p.start);
      a.append(p.lastStart);
      a.append(p.end);
      a.append(p.rootIsChild);
      a.append(p.rootStart);
      a.append(p.rootSpanId);
      a.append(p.rootService);
      a.append(p.rootName);
      a.append(Arrays.copyOf(p.spanIds, p.spanCount));
      long[] errors = new long[p.errorSpanIds.size()];
      for (int i = 0; i < errors.length; i++) errors[i] = p.errorSpanIds.get(i);
      a.append(errors);
      a.append(new ArrayList<>(p.services));
      a.endRow();
    }
  }
}
