package dev.sightline.storage.duckdb;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * Appends one commit group to a connection's open transaction, in two steps because they run on
 * different threads of the {@link GroupCommitWriter} pipeline: {@link #appendRows} (the rows
 * themselves, the log block index) needs nothing but the group; {@link #appendEdges} reads the
 * service-edge pairer's state, which must already hold every group committed before this one. What
 * aggregates the spans (RED by 10 s and by hour, trace summaries, the attribute index, service
 * operations — aggregated per batch on the callers' threads, {@link SpanAggregates}, merged here —
 * and the span block index) is returned by {@link #appendRows}, not appended: the writer keeps it
 * in its {@link DerivedBacklog} and writes it every so often with {@link #appendDerived}.
 */
final class GroupAppender {
  private static final long[] NO_KEYS = new long[0];

  /** Rows of one table, written to an appender of that table. */
  @FunctionalInterface
  interface Rows {
    void appendTo(DuckDBAppender a) throws SQLException;
  }

  private final Set<String> indexedAttributes;

  /** Null with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off. */
  private final @Nullable ServiceEdgePairer pairer;

  GroupAppender(Set<String> indexedAttributes, @Nullable ServiceEdgePairer pairer) {
    this.indexedAttributes = indexedAttributes;
    this.pairer = pairer;
  }

  /**
   * Appends the group's spans (numbered {@code ingestSeq}), logs and metrics; returns what derives
   * from its spans, to be written with {@link #appendDerived} (null: no spans).
   */
  DerivedBacklog.@Nullable Group appendRows(
      DuckDBConnection connection, List<PendingWrite> group, long ingestSeq, boolean inline)
      throws SQLException {
    boolean spans = false, logs = false, metrics = false;
    for (PendingWrite p : group) {
      spans |= !p.spans().isEmpty();
      logs |= !p.logs().isEmpty();
      metrics |= !p.metrics().isEmpty();
    }
    DerivedBacklog.Group derived =
        spans ? appendSpans(connection, group, inline ? 0 : ingestSeq) : null;
    // a large group writes its own derived rows, with them (see GroupCommitWriter#inlineSpans)
    if (inline && derived != null)
      appendDerived(connection, derived.aggregates(), derived.blocks());
    if (logs) appendLogs(connection, group);
    if (metrics) {
      append(
          connection,
          Schema.METRIC_POINTS,
          a -> {
            for (PendingWrite p : group)
              for (MetricRows.Row r : p.metrics()) MetricRows.append(a, r);
          });
    }
    return derived;
  }

  private DerivedBacklog.Group appendSpans(
      DuckDBConnection connection, List<PendingWrite> group, long ingestSeq) throws SQLException {
    long[] t = WriterPhases.start();
    List<SpanAggregates> batches = new ArrayList<>(group.size());
    for (PendingWrite p : group) {
      if (p.spans().isEmpty()) continue;
      SpanAggregates a = p.aggregates();
      batches.add(a != null ? a : SpanAggregates.of(p.spans(), indexedAttributes));
    }
    SpanAggregates aggregates = SpanAggregates.merge(batches, indexedAttributes);
    WriterPhases.end("spans: aggregates merged", t);
    KeyBlocks blocks = new KeyBlocks();
    int[] count = {0};
    append(
        connection,
        Schema.SPANS,
        a -> {
          long derive = 0;
          for (PendingWrite p : group) {
            for (SpanRows.Row r : p.spans()) {
              SpanRows.append(a, r, ingestSeq);
              count[0]++;
              long d0 = WriterPhases.ON ? System.nanoTime() : 0;
              blocks.add(r.span().tenant(), blockEntry(r));
              if (WriterPhases.ON) derive += System.nanoTime() - d0;
            }
          }
          // the block entries, on this thread's CPU: one clock per span, counted as wall and CPU
          WriterPhases.add("spans: block entries", derive, derive);
        });
    return new DerivedBacklog.Group(aggregates, blocks, count[0]);
  }

  /** A span's entry in the span block index. */
  static KeyBlocks.Entry blockEntry(SpanRows.Row r) {
    long[] keys = r.blockKeys();
    return new KeyBlocks.Entry(
        r.span().startTimeUnixNano(), keys == null ? NO_KEYS : keys, keys != null);
  }

  /**
   * Appends what derives from spans already appended or committed: RED by 10 s and by hour, trace
   * summaries, service operations, the attribute index, the span block index.
   */
  static void appendDerived(
      DuckDBConnection connection, SpanAggregates aggregates, KeyBlocks blocks)
      throws SQLException {
    append(connection, Schema.SPAN_METRICS, aggregates.red::appendTo);
    append(connection, Schema.SPAN_METRICS_HOURLY, aggregates.redHourly::appendTo);
    append(connection, Schema.TRACE_SUMMARIES, aggregates.summaries::appendTo);
    append(connection, Schema.SERVICE_OPERATIONS, aggregates.operations::appendTo);
    if (!aggregates.index.isEmpty()) {
      append(connection, Schema.ATTRIBUTE_INDEX, aggregates.index::appendTo);
    }
    if (!blocks.isEmpty()) append(connection, Schema.SPAN_BLOCKS, blocks::appendTo);
  }

  private static void appendLogs(DuckDBConnection connection, List<PendingWrite> group)
      throws SQLException {
    append(
        connection,
        Schema.LOGS,
        a -> {
          for (PendingWrite p : group) for (LogRows.Row r : p.logs()) LogRows.append(a, r);
        });
    KeyBlocks blocks = new KeyBlocks();
    for (PendingWrite p : group) {
      for (LogRows.Row r : p.logs()) {
        blocks.add(
            r.log().tenant(),
            new KeyBlocks.Entry(r.log().eventTimeUnixNano(), r.textKeys(), r.textIndexable()));
      }
    }
    append(connection, Schema.LOG_BLOCKS, blocks::appendTo);
  }

  /**
   * Pairs the group's spans with the pairer's state and among themselves and appends the
   * service-graph edges they complete, by 10 s and by hour; returns the pairer's view of the spans,
   * for {@link ServiceEdgePairer#commit} once the transaction committed (the state is left as is
   * until then). Call in commit order, after the previous group's {@code commit}.
   */
  List<ServiceEdgePairer.End> appendEdges(DuckDBConnection connection, List<PendingWrite> group)
      throws SQLException {
    if (pairer == null) return List.of();
    List<ServiceEdgePairer.End> ends = new ArrayList<>();
    for (PendingWrite p : group) for (SpanRows.Row r : p.spans()) ends.add(pairer.end(r));
    if (ends.isEmpty()) return ends;
    ServiceEdgeRows edges = new ServiceEdgeRows();
    pairer.pairs(ends, edges);
    if (!edges.isEmpty()) {
      append(connection, Schema.SERVICE_EDGES, edges::appendTo);
      append(connection, Schema.SERVICE_EDGES_HOURLY, edges.byHour()::appendTo);
    }
    return ends;
  }

  /** One appender of {@code table}, its rows, and its flush into the open transaction. */
  private static void append(DuckDBConnection connection, String table, Rows rows)
      throws SQLException {
    long[] t = WriterPhases.start();
    try (DuckDBAppender a = connection.createAppender("main", table)) {
      WriterPhases.end(table + ": create", t);
      t = WriterPhases.start();
      rows.appendTo(a);
      WriterPhases.end(table + ": rows", t);
      t = WriterPhases.start();
    }
    WriterPhases.end(table + ": flush", t);
  }
}
