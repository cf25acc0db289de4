package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * What derives from committed spans and is not written yet: the {@link DerivedWriter}'s, between
 * two writes of the six derived tables (RED by 10 s and by hour, trace summaries, service
 * operations, the attribute index, the span block index).
 *
 * <p>Why: each of those tables costs a commit group a fixed ~0.5–1 ms (appender creation and flush,
 * its part of {@code COMMIT}) whatever it holds; with the groups a few clients make (~2,000 spans)
 * that was a third of the writer's time per span (module README, "Derived rows written behind the
 * spans"). So a group's {@code COMMIT} holds its spans, and its derived rows wait here, merged with
 * the next groups', until the backlog is {@link #due} (an age, a span count), a reader asks for it
 * ({@link GroupCommitWriter#awaitDerived}) or the store closes; then they are written in one
 * transaction of their own, on a connection of their own while the next groups commit, together
 * with {@code sightline_meta}'s {@value #SEQ_KEY}, the number of the last group they cover.
 *
 * <p>Durability: the spans are durable when acknowledged; what derives from them can be recomputed.
 * Every span row holds its group's number ({@code ingest_seq}); at open, {@link #recover} derives
 * again what the spans numbered after {@value #SEQ_KEY} derive (a crash, a kill) and writes it in
 * one transaction with the new number, so every span is counted exactly once. Readers of derived
 * tables call {@link GroupCommitWriter#awaitDerived} first: a write acknowledged before a query
 * began is in its results.
 */
final class DerivedBacklog {
  /** The {@code sightline_meta} key: the last commit group whose derived rows are written. */
  static final String SEQ_KEY = "derived_through_seq";

  /** What one commit group (or one write committed alone) derives from its spans. */
  record Group(SpanAggregates aggregates, KeyBlocks blocks, int spans) {}

  private final Set<String> indexedAttributes;
  private final List<Group> groups = new ArrayList<>();
  private int spans;
  private long sinceNanos;

  DerivedBacklog(Set<String> indexedAttributes) {
    this.indexedAttributes = indexedAttributes;
  }

  boolean isEmpty() {
    return groups.isEmpty();
  }

  int spans() {
    return spans;
  }

  /** When the oldest group waiting was added ({@link System#nanoTime}); meaningless when empty. */
  long sinceNanos() {
    return sinceNanos;
  }

  /** A committed group's derived rows wait. */
  void add(Group g, long nowNanos) {
    if (groups.isEmpty()) sinceNanos = nowNanos;
    groups.add(g);
    spans += g.spans();
  }

  /** The backlog was written (its transaction committed). */
  void clear() {
    groups.clear();
    spans = 0;
  }

  /**
   * Whether to write the backlog now: it waited {@code maxAgeNanos} (0: always) or holds {@code
   * maxSpans}.
   */
  boolean due(long nowNanos, long maxAgeNanos, int maxSpans) {
    if (maxAgeNanos == 0) return true;
    return !groups.isEmpty() && (nowNanos - sinceNanos >= maxAgeNanos || spans >= maxSpans);
  }

  /**
   * Appends the backlog's rows to the open transaction, merged, and records {@code throughSeq}. The
   * backlog is left as it was: {@link #clear} it once that transaction committed.
   */
  void appendTo(DuckDBConnection c, long throughSeq) throws SQLException {
    if (groups.isEmpty()) {
      Meta.put(c, SEQ_KEY, Long.toString(throughSeq));
      return;
    }
    List<SpanAggregates> aggregates = new ArrayList<>(groups.size());
    KeyBlocks blocks = new KeyBlocks();
    for (Group g : groups) {
      aggregates.add(g.aggregates());
      blocks.addAll(g.blocks());
    }
    if (!aggregates.isEmpty()) {
      long[] t = WriterPhases.start();
      SpanAggregates merged = SpanAggregates.merge(aggregates, indexedAttributes);
      WriterPhases.end("derived: merged", t);
      GroupAppender.appendDerived(c, merged, blocks);
    }
    Meta.put(c, SEQ_KEY, Long.toString(throughSeq));
  }

  /** The column that numbers span rows by commit group (schema version 3); idempotent. */
  static void ensure(DuckDBConnection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE spans ADD COLUMN IF NOT EXISTS ingest_seq BIGINT");
      // the view lists the spans' columns as they were when it was made
      s.execute(SpanResources.VIEW);
    }
  }

  /** Spans read back per statement at open (a group larger than this is read whole). */
  private static final int RECOVERY_CHUNK = 50_000;

  /**
   * At open, before any write: derives again, from the spans numbered after {@value #SEQ_KEY}, the
   * rows that were waiting when the process stopped without writing them, and writes them with the
   * new number, in one transaction. Returns the last group number in {@code spans} (0: none).
   */
  static long recover(DuckDBConnection c, Set<String> indexedAttributes) throws SQLException {
    String through = Meta.get(c, SEQ_KEY);
    long done = through == null ? 0 : Long.parseLong(through);
    // the groups to derive again, in order, with their sizes
    List<long[]> groups = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ingest_seq, count(*) FROM spans WHERE ingest_seq > ?"
                + " GROUP BY ingest_seq ORDER BY ingest_seq")) {
      ps.setLong(1, done);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) groups.add(new long[] {rs.getLong(1), rs.getLong(2)});
      }
    }
    if (groups.isEmpty()) return done;
    long last = groups.get(groups.size() - 1)[0];
    Meta.inTransaction(
        c,
        () -> {
          DerivedBacklog backlog = new DerivedBacklog(indexedAttributes);
          int i = 0;
          while (i < groups.size()) {
            // consecutive groups up to RECOVERY_CHUNK spans (at least one group)
            long from = groups.get(i)[0];
            long spans = 0;
            int j = i;
            while (j < groups.size() && (j == i || spans + groups.get(j)[1] <= RECOVERY_CHUNK)) {
              spans += groups.get(j)[1];
              j++;
            }
            long to = groups.get(j - 1)[0];
            backlog.add(derive(c, from, to, indexedAttributes), 0);
            i = j;
          }
          backlog.appendTo(c, last);
          return null;
        });
    return last;
  }

  /** What the spans of groups {@code from} to {@code to} derive, read back from {@code spans}. */
  private static Group derive(DuckDBConnection c, long from, long to, Set<String> indexedAttributes)
      throws SQLException {
    List<Span> spans = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + SpanRows.COLUMNS
                + ", trace_id FROM "
                + SpanResources.RESOLVED
                + " WHERE ingest_seq BETWEEN ? AND ?")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) spans.add(SpanRows.read(rs, HexIds.traceIdHex(rs.getObject(26))));
      }
    }
    List<SpanRows.Row> rows = SpanRows.encode(spans);
    KeyBlocks blocks = new KeyBlocks();
    for (SpanRows.Row r : rows) blocks.add(r.span().tenant(), GroupAppender.blockEntry(r));
    return new Group(SpanAggregates.of(rows, indexedAttributes), blocks, rows.size());
  }
}
