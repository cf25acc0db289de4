package dev.sightline.storage.duckdb;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable writer: a bounded queue (counted in items) drained by a two-stage pipeline that
 * group-commits.
 *
 * <p>A write is encoded on the caller's thread (ids validated, attributes rendered to JSON), which
 * spreads that CPU work over the callers, then queued. The <b>writer thread</b> takes everything
 * queued up to {@code maxBatchItems}, opens a transaction on one of two connections and appends the
 * group with DuckDB appenders ({@link GroupAppender#appendRows}: the rows and what derives from
 * them). The <b>committer thread</b> then pairs the group's service-graph edges ({@link
 * GroupAppender#appendEdges}, in commit order), runs {@code COMMIT} (DuckDB writes and syncs its
 * WAL) and only then completes the futures of all those writes, on a separate completion thread so
 * callbacks never delay the next commit. While one group commits, the next is appended on the other
 * connection: DuckDB appends of concurrent transactions never conflict, and the commit (merge, ART
 * index, WAL, fsync) and the appends (columnar conversion into the transaction) are the two halves
 * of the writer's time, so overlapping them raises what one database file takes (measured in the
 * module README). Groups commit in the order they were formed. What a small group derives (RED,
 * trace summaries, indexes) is handed, once it committed, to the {@link DerivedWriter}, which
 * writes it behind the spans on a third connection and thread ({@link DerivedBacklog}).
 *
 * <p>If a group fails, each write of it is retried alone, so one bad batch fails only itself and
 * every batch stays atomic. The {@link ServiceEdgePairer} is used by the committer thread only; its
 * state takes a group only once its transaction committed.
 *
 * <p>When the queue is full, a write fails at once with {@link StorageOverloadedException}; the
 * caller is never blocked and memory never grows past the capacity.
 */
final class GroupCommitWriter implements TelemetryWriter {
  private static final Logger logger = LoggerFactory.getLogger(GroupCommitWriter.class);

  private static final PendingWrite STOP =
      new PendingWrite(0, List.of(), List.of(), List.of(), new CompletableFuture<>());

  /** Two connections: one group is appended on one while the previous commits on the other. */
  private final DuckDBConnection[] connections;

  /** Writer thread only: the last group handed to the committer from each connection. */
  private final CompletableFuture<?>[] lastOn = new CompletableFuture<?>[2];

  private final GroupAppender appender;

  /** Attribute keys indexed at ingest, for the aggregates each span batch gets on its caller. */
  private final Set<String> indexedAttributes;

  private final WriteAdmission admission;
  private final int maxBatchItems;

  /** Null with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off; the committer's only. */
  private final @Nullable ServiceEdgePairer pairer;

  /** Resources known to be stored; the committer adds a group's new ones to its transaction. */
  private final SpanResources resources;

  /** Writes the derived rows of committed groups behind them, on its own thread and connection. */
  private final DerivedWriter derivedWriter;

  /** {@link DuckDbStorageBuilder#derivedFlushInterval}, in nanoseconds (0: every group inline). */
  private final long derivedMaxAgeNanos;

  /** Writer thread only: the number of the next group ({@code spans.ingest_seq}). */
  private long nextSeq;

  /** {@link #MAX_QUEUE_AGE}; shorter in tests. */
  volatile Duration maxQueueAge = MAX_QUEUE_AGE;

  /** Tests only: runs inside each group's transaction, before COMMIT, to make it fail. */
  volatile @Nullable Consumer<List<SpanRows.Row>> beforeCommit;

  private final LinkedBlockingQueue<PendingWrite> queue = new LinkedBlockingQueue<>();
  private final AtomicLong expiredWrites = new AtomicLong();

  /** Groups appended while the previous group was still committing. */
  private final AtomicLong overlappedGroups = new AtomicLong();

  /** Items queued and not yet taken into a group by the writer thread. */
  private final AtomicLong waitingItems = new AtomicLong();

  /**
   * Queued items from which the writer forms a group while the previous one still commits ({@link
   * DuckDbStorageBuilder#DEFAULT_OVERLAP_ITEMS}). Measured end to end (module README): with 4 k
   * spans in flight, overlapping halved the groups and gained nothing (−18 % with one DuckDB
   * thread); with 32 k in flight it gained 25 %.
   */
  private final int overlapItems;

  private final Thread thread;
  private final ExecutorService committer;
  private final ExecutorService completer;

  /** Committer thread only: when the previous group's commit ended, for the rate. */
  private long lastCommitEndNanos;

  private volatile boolean closed;
  private volatile @Nullable Throwable fatal;

  /**
   * The earliest span start committed since {@link #takeOldestSpanStart} last took it ({@code
   * Long.MAX_VALUE}: none), so compaction also reaches buckets that late or back-filled spans
   * touched, however old.
   */
  private final AtomicLong oldestSpanStart = new AtomicLong(Long.MAX_VALUE);

  /**
   * The longest a write may wait in the queue before its commit starts (checked when its group
   * forms and again just before the group's COMMIT, after the previous group's). {@link
   * WriteAdmission#MAX_QUEUE_WAIT_SECONDS} refuses writes by an <i>estimate</i> of the wait; a
   * commit that stalls (a checkpoint, a slower group) can still keep accepted writes waiting
   * longer. A write queued longer than this is failed with {@link StorageOverloadedException}
   * (retryable, never acknowledged, nothing stored) instead of being committed late: with a group's
   * own commit time on top, the answer still reaches a client before an OTel exporter's 10 s
   * timeout, so it retries on our hint rather than re-sending blind.
   */
  static final Duration MAX_QUEUE_AGE = Duration.ofSeconds(6);

  /**
   * A COMMIT this long ran a checkpoint (or waited for one); {@link WriterPhases} counts it apart.
   */
  private static final long SLOW_COMMIT_NANOS = 250_000_000L;

  /**
   * @param connections two connections of the same database, used by this writer only
   * @param derivedConnection a third, for the {@link DerivedWriter}
   */
  GroupCommitWriter(
      List<DuckDBConnection> connections,
      DuckDBConnection derivedConnection,
      long capacity,
      int maxBatchItems,
      int overlapItems,
      @Nullable ServiceEdgePairer pairer,
      Set<String> indexedAttributes,
      SpanResources resources,
      long lastSeq,
      Duration derivedMaxAge,
      int derivedMaxSpans) {
    if (connections.size() != 2) throw new IllegalArgumentException("two connections");
    this.resources = resources;
    this.nextSeq = lastSeq + 1;
    this.derivedMaxAgeNanos = derivedMaxAge.toNanos();
    this.connections = connections.toArray(new DuckDBConnection[0]);
    this.admission = new WriteAdmission(capacity);
    this.maxBatchItems = maxBatchItems;
    this.overlapItems = overlapItems;
    this.pairer = pairer;
    this.indexedAttributes = indexedAttributes;
    this.appender = new GroupAppender(indexedAttributes, pairer);
    this.committer = singleThread("sightline-duckdb-committer");
    this.completer = singleThread("sightline-duckdb-completer");
    this.derivedWriter =
        new DerivedWriter(
            derivedConnection,
            indexedAttributes,
            lastSeq,
            derivedMaxAge,
            derivedMaxSpans,
            t -> {
              if (fatal == null) fatal = t;
            });
    this.thread = new Thread(this::run, "sightline-duckdb-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private static ExecutorService singleThread(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public CompletableFuture<Void> writeSpans(List<Span> spans) {
    return submit(
        spans,
        SpanRows::encode,
        (rows, f) ->
            new PendingWrite(
                rows.size(),
                rows,
                List.of(),
                List.of(),
                SpanAggregates.of(rows, indexedAttributes),
                f));
  }

  @Override
  public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
    return submit(
        logs,
        LogRows::encode,
        (rows, f) -> new PendingWrite(rows.size(), List.of(), rows, List.of(), f));
  }

  @Override
  public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
    return submit(
        points,
        MetricRows::encode,
        (rows, f) -> new PendingWrite(rows.size(), List.of(), List.of(), rows, f));
  }

  @Override
  public long queuedItems() {
    return admission.queued();
  }

  private interface PendingFactory<R> {
    PendingWrite create(List<R> rows, CompletableFuture<Void> future);
  }

  private <T, R> CompletableFuture<Void> submit(
      @Nullable List<T> items, Function<List<T>, List<R>> encoder, PendingFactory<R> factory) {
    if (items == null) return CompletableFuture.failedFuture(new NullPointerException("batch"));
    if (items.isEmpty()) return CompletableFuture.completedFuture(null);
    if (closed)
      return CompletableFuture.failedFuture(new IllegalStateException("storage is closed"));
    Throwable f = fatal;
    if (f != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("writer failed", f));
    }
    int n = items.size();
    StorageOverloadedException refused = admission.reserve(n);
    if (refused != null) return CompletableFuture.failedFuture(refused);
    PendingWrite pending;
    try {
      pending = factory.create(encoder.apply(items), new CompletableFuture<>());
    } catch (RuntimeException e) {
      admission.release(n);
      return CompletableFuture.failedFuture(e);
    }
    queue.add(pending);
    // may briefly go below zero: the writer can take the write before this line counts it
    if (waitingItems.addAndGet(n) >= overlapItems) LockSupport.unpark(thread);
    if ((closed || fatal != null) && queue.remove(pending)) {
      // lost the race with close() or a writer failure: the writer may already have stopped
      waitingItems.addAndGet(-n);
      admission.release(n);
      Throwable cause = fatal;
      return CompletableFuture.failedFuture(
          cause != null
              ? new IllegalStateException("writer failed", cause)
              : new IllegalStateException("storage is closed"));
    }
    return pending.future();
  }

  private void run() {
    List<PendingWrite> group = new ArrayList<>();
    boolean stopping = false;
    for (int turn = 0; fatal == null; turn++) {
      int slot = turn & 1;
      try {
        // the connection is free once the group last appended on it has committed; the group is
        // formed only then, so its age is checked as late as possible
        awaitFinished(lastOn[slot]);
        // the previous group commits meanwhile on the other connection: forming this one now
        // overlaps its append with that commit, but takes only what is queued yet; with a
        // shallow queue, waiting for the commit makes one larger group, cheaper per item
        awaitOverlapOrFinished(lastOn[slot ^ 1]);
        // once stopping, drain without blocking: a late write may be withdrawn by its submitter
        PendingWrite first = stopping ? queue.poll() : queue.poll(IDLE_CHECK_MILLIS, MILLISECONDS);
        if (first == null) {
          if (stopping) break;
          continue;
        }
        int items = 0;
        for (PendingWrite next = first;
            next != null;
            next = items < maxBatchItems ? queue.poll() : null) {
          if (next == STOP) {
            stopping = true;
            continue;
          }
          waitingItems.addAndGet(-next.items());
          if (expired(next, System.nanoTime())) {
            failExpired(next);
          } else {
            group.add(next);
            items += next.items();
          }
        }
        if (!group.isEmpty()) {
          CompletableFuture<?> previous = lastOn[slot ^ 1];
          if (previous != null && !previous.isDone()) overlappedGroups.incrementAndGet();
          lastOn[slot] = append(connections[slot], List.copyOf(group), nextSeq++);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        fatal = t;
        logger.error("DuckDB writer stopped", t);
        for (PendingWrite p : group) fail(p, t);
        break;
      } finally {
        group.clear();
      }
    }
    awaitFinished(lastOn[0]);
    awaitFinished(lastOn[1]);
    // closing: the backlog is written now, so the next open has nothing to derive again
    derivedWriter.close(fatal == null && !skipFinalDerivedFlush);
    Throwable f = fatal != null ? fatal : new IllegalStateException("storage is closed");
    for (PendingWrite p; (p = queue.poll()) != null; ) if (p != STOP) fail(p, f);
  }

  /**
   * Waits until the previous group's commit stage ended or at least {@link #overlapItems} items
   * wait in the queue (submitters and the committer wake this thread).
   */
  private void awaitOverlapOrFinished(@Nullable CompletableFuture<?> previous) {
    while (previous != null && !previous.isDone() && waitingItems.get() < overlapItems) {
      LockSupport.parkNanos(this, 10_000_000L);
    }
  }

  /** Waits for a group's commit stage to end, however it ended (its failures are its own). */
  private static void awaitFinished(@Nullable CompletableFuture<?> stage) {
    if (stage != null) stage.handle((r, e) -> null).join();
  }

  /**
   * Writer thread: opens a transaction on {@code connection} and appends the group's rows, then
   * hands it to the committer thread, behind the group before it.
   */
  private CompletableFuture<Void> append(
      DuckDBConnection connection, List<PendingWrite> group, long seq) {
    long formed = System.nanoTime();
    int spans = 0;
    for (PendingWrite p : group) spans += p.spans().size();
    // derived rows with the group when it is large (their fixed cost is amortised, and the writer
    // thread, not the committer, appends them) or when nothing may wait
    boolean inline =
        spans > 0
            && (spans >= INLINE_SPANS
                || admission.queued() >= INLINE_SPANS
                || derivedMaxAgeNanos == 0
                || derivedWriter.behind());
    Exception failure = null;
    DerivedBacklog.Group derived = null;
    try {
      // Explicitly: with JDBC's setAutoCommit(false) alone, an appender commits on its own on
      // flush.
      long[] ph = WriterPhases.start();
      execute(connection, "BEGIN TRANSACTION");
      WriterPhases.end("BEGIN", ph);
      derived = appender.appendRows(connection, group, seq, inline);
    } catch (SQLException | RuntimeException e) {
      failure = e;
    } catch (Error e) {
      rollbackQuietly(connection);
      throw e;
    }
    Exception appendFailure = failure;
    DerivedBacklog.Group groupDerived = derived;
    CompletableFuture<Void> stage =
        CompletableFuture.runAsync(
            () -> finish(connection, group, groupDerived, inline, seq, appendFailure, formed),
            committer);
    // once the stage is done (not from inside it, or the writer could wake, see it running still
    // and park again)
    stage.whenComplete((r, e) -> LockSupport.unpark(thread));
    return stage;
  }

  /** Whether {@code p} waited in the queue past {@link #maxQueueAge} at {@code nowNanos}. */
  private boolean expired(PendingWrite p, long nowNanos) {
    return nowNanos - p.queuedAtNanos() > maxQueueAge.toNanos();
  }

  private void failExpired(PendingWrite p) {
    expiredWrites.incrementAndGet();
    fail(
        p,
        new StorageOverloadedException(
            "write waited more than "
                + maxQueueAge.toSeconds()
                + " s in the queue behind slower commits; not stored, retry",
            admission.retryAfter()));
  }

  /** Groups appended while the previous group was still committing (tests, diagnostics). */
  long overlappedGroups() {
    return overlappedGroups.get();
  }

  /** Writes failed because they waited past {@link #maxQueueAge} (nothing of them stored). */
  long expiredWrites() {
    return expiredWrites.get();
  }

  /**
   * Committer thread, in group order: pairs the edges, commits, completes the writes; a failed
   * group is rolled back and each of its writes retried alone on the same connection.
   */
  private void finish(
      DuckDBConnection connection,
      List<PendingWrite> group,
      DerivedBacklog.@Nullable Group derived,
      boolean inline,
      long seq,
      @Nullable Exception appendFailure,
      long formedNanos) {
    try {
      Throwable stopped = fatal;
      if (stopped != null) {
        rollbackQuietly(connection);
        for (PendingWrite p : group) fail(p, new IllegalStateException("writer failed", stopped));
        return;
      }
      Exception failure = appendFailure;
      if (failure == null && anyExpired(group)) {
        // waited past the bound behind a slow commit (a checkpoint) since the group formed: those
        // writes fail retryably, the others are committed alone below
        failure = new StorageOverloadedException("expired in the group", Duration.ZERO);
      }
      if (failure == null) {
        List<ServiceEdgePairer.End> ends = null;
        List<SpanResources.Key> fresh = null;
        try {
          ends = appender.appendEdges(connection, group);
          fresh = resources.appendNew(connection, group);
          commit(connection, group);
        } catch (SQLException | RuntimeException e) {
          failure = e;
        }
        if (failure == null) {
          // after the COMMIT nothing may send the group down the failure path: it is stored
          resources.committed(fresh);
          // handed over before the writes complete, so a reader that saw one waits for its rows
          derivedWriter.committed(inline ? null : derived, seq);
          committed(group, ends, formedNanos);
          return;
        }
      }
      rollbackQuietly(connection);
      if (group.size() == 1 && !(failure instanceof StorageOverloadedException)) {
        logger.warn("DuckDB write of {} items failed", group.get(0).items(), failure);
        fail(group.get(0), failure);
        return;
      }
      // isolate the bad batch: retry each alone (failing those that waited too long)
      for (PendingWrite p : group) {
        if (expired(p, System.nanoTime())) failExpired(p);
        else commitAlone(connection, p, seq);
      }
      derivedWriter.groupDone(seq);
    } catch (Throwable t) {
      fatal = t;
      logger.error("DuckDB writer stopped", t);
      rollbackQuietly(connection);
      for (PendingWrite p : group) fail(p, t);
    }
  }

  private void commitAlone(DuckDBConnection connection, PendingWrite p, long seq) {
    long start = System.nanoTime();
    List<PendingWrite> alone = List.of(p);
    List<ServiceEdgePairer.End> ends;
    List<SpanResources.Key> fresh;
    DerivedBacklog.Group derived;
    try {
      execute(connection, "BEGIN TRANSACTION");
      derived = appender.appendRows(connection, alone, seq, false);
      ends = appender.appendEdges(connection, alone);
      fresh = resources.appendNew(connection, alone);
      commit(connection, alone);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection);
      logger.warn("DuckDB write of {} items failed", p.items(), e);
      fail(p, e);
      return;
    }
    resources.committed(fresh);
    derivedWriter.committedPart(derived, seq);
    committed(alone, ends, start);
  }

  /**
   * A group of this many spans, or any group while this many items are accepted and not yet
   * committed, appends its own derived rows in its transaction, on the writer thread (its span rows
   * then hold no group number, so they are never derived again; the backlog is left to its own
   * transactions, the only ones that write {@code sightline_meta}: written in a group's, it made
   * overlapping groups conflict): their fixed cost per table is then amortised, with deep queues
   * (the writer appending while the committer commits) the committer stays free, and the groups
   * stay large. Measured with 64 clients: deferring every small group stored 0.53–0.77× the spans/s
   * (the lighter writer took groups of ~900 spans as they arrived); with 8 clients (~4,000 spans in
   * flight, groups of ~2,000) deferring stored 1.16× (module README).
   */
  static final int INLINE_SPANS = 8_192;

  /**
   * Returns once every group committed before this call has its derived rows written ({@link
   * DerivedWriter#awaitDerived}).
   */
  void awaitDerived() {
    derivedWriter.awaitDerived();
  }

  /** Tests only. */
  DerivedWriter derivedWriter() {
    return derivedWriter;
  }

  /** Tests only: close without writing the backlog, as a process killed would. */
  volatile boolean skipFinalDerivedFlush;

  /** Checked this often while idle, for a failure. */
  private static final long IDLE_CHECK_MILLIS = 100;

  private boolean anyExpired(List<PendingWrite> group) {
    long now = System.nanoTime();
    for (PendingWrite p : group) if (expired(p, now)) return true;
    return false;
  }

  private void commit(DuckDBConnection connection, List<PendingWrite> group) throws SQLException {
    Consumer<List<SpanRows.Row>> hook = beforeCommit;
    if (hook != null) {
      List<SpanRows.Row> rows = new ArrayList<>();
      for (PendingWrite p : group) rows.addAll(p.spans());
      hook.accept(rows);
    }
    long commitStart = System.nanoTime();
    long[] ph = WriterPhases.start();
    execute(connection, "COMMIT");
    // a COMMIT that crosses the WAL threshold runs DuckDB's checkpoint inline: counted apart
    WriterPhases.end(
        System.nanoTime() - commitStart > SLOW_COMMIT_NANOS
            ? "COMMIT > 250 ms (checkpoint)"
            : "COMMIT",
        ph);
    int spans = 0;
    for (PendingWrite p : group) spans += p.spans().size();
    WriterPhases.committed(spans);
    long commitMillis = (System.nanoTime() - commitStart) / 1_000_000;
    // a commit that crosses the WAL threshold runs DuckDB's checkpoint inline
    if (commitMillis > 1_000) logger.debug("commit took {} ms (checkpoint)", commitMillis);
  }

  /** After a group's COMMIT: the pairer's state takes it, the rate is updated, writes complete. */
  private void committed(
      List<PendingWrite> group, List<ServiceEdgePairer.End> ends, long formedNanos) {
    long oldest = Long.MAX_VALUE;
    int items = 0;
    for (PendingWrite p : group) {
      items += p.items();
      for (SpanRows.Row r : p.spans()) oldest = Math.min(oldest, r.span().startTimeUnixNano());
    }
    if (oldest != Long.MAX_VALUE) noteSpanStart(oldest);
    if (pairer != null && !ends.isEmpty()) {
      try {
        pairer.commit(ends);
      } catch (RuntimeException e) {
        logger.error(
            "service edge pairing state lost; edges of spans stored so far may be missed", e);
        pairer.clear();
      }
    }
    // the rate the pipeline commits at: from when this group formed or the last commit ended,
    // whichever is later, to now
    long now = System.nanoTime();
    long since = Math.max(formedNanos, lastCommitEndNanos);
    lastCommitEndNanos = now;
    admission.committed(items, (now - since) / 1e9);
    for (PendingWrite p : group) {
      if (!p.settle()) continue;
      admission.release(p.items());
      completer.execute(() -> p.future().complete(null));
    }
  }

  /** One statement per command: DuckDB JDBC closes a statement after any error. */
  static void execute(DuckDBConnection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  static void rollbackQuietly(DuckDBConnection connection) {
    try {
      execute(connection, "ROLLBACK");
    } catch (SQLException e) {
      logger.debug("rollback failed", e);
    }
  }

  private void fail(PendingWrite p, Throwable t) {
    if (!p.settle()) return;
    admission.release(p.items());
    completer.execute(() -> p.future().completeExceptionally(t));
  }

  /** Stops accepting writes, commits everything accepted, then stops the threads. */
  void close() {
    if (closed) return;
    closed = true;
    queue.add(STOP);
    // the writer hands every accepted write to the committer before it stops; the executors are
    // shut down only after that, even if this thread is interrupted meanwhile
    boolean interrupted = DerivedWriter.joinThroughInterrupts(thread);
    shutDown(committer, 60, "commits");
    shutDown(completer, 30, "write completions");
    if (interrupted) Thread.currentThread().interrupt();
  }

  private static void shutDown(ExecutorService executor, int seconds, String what) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(seconds, TimeUnit.SECONDS)) {
        logger.warn("{} still running after {} s", what, seconds);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The earliest span start committed since the last call, and forgets it. */
  long takeOldestSpanStart() {
    return oldestSpanStart.getAndSet(Long.MAX_VALUE);
  }

  /** Puts back what {@link #takeOldestSpanStart} took when the pass that used it failed. */
  void noteSpanStart(long startUnixNano) {
    oldestSpanStart.accumulateAndGet(startUnixNano, Math::min);
  }

  boolean isHealthy() {
    return fatal == null && thread.isAlive() && derivedWriter.isHealthy();
  }

  @Nullable Throwable failure() {
    return fatal;
  }
}
