package dev.sightline.storage.duckdb;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.SpanMetricsReader;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable writer: a bounded queue (counted in items) drained by one thread that group-commits.
 *
 * <p>A write is encoded on the caller's thread (ids validated, attributes rendered to JSON), which
 * spreads that CPU work over the callers, then queued. The writer thread takes everything queued up
 * to {@code maxBatchItems}, appends it with DuckDB appenders inside one transaction, commits once
 * (DuckDB writes and syncs its WAL at commit) and only then completes the futures of all those
 * writes, on a separate completion thread so callbacks never delay the next commit. If a group
 * fails, each write of it is retried alone, so one bad batch fails only itself and every batch
 * stays atomic. Span metrics (RED) of the group's spans are appended to {@code span_metrics} in the
 * same transaction ({@link SpanMetricsRows}); with {@link
 * DuckDbStorageBuilder#serviceEdgesAtIngest} on (the default), so are the service-graph edges the
 * group completes, to {@code service_edges}: paired in memory by the {@link ServiceEdgePairer} this
 * thread owns, whose state takes the group only once its transaction committed.
 *
 * <p>When the queue is full, a write fails at once with {@link StorageOverloadedException}; the
 * caller is never blocked and memory never grows past the capacity.
 */
final class GroupCommitWriter implements TelemetryWriter {
  private static final Logger logger = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** One accepted batch, encoded, waiting for its commit. */
  private record Pending(
      int items,
      List<SpanRows.Row> spans,
      List<LogRows.Row> logs,
      List<MetricRows.Row> metrics,
      CompletableFuture<Void> future,
      AtomicBoolean settled,
      long queuedAtNanos) {
    Pending(
        int items,
        List<SpanRows.Row> spans,
        List<LogRows.Row> logs,
        List<MetricRows.Row> metrics,
        CompletableFuture<Void> future) {
      this(items, spans, logs, metrics, future, new AtomicBoolean(), System.nanoTime());
    }

    /** True the first time only: each pending write is completed or failed exactly once. */
    boolean settle() {
      return settled.compareAndSet(false, true);
    }
  }

  private static final long[] NO_KEYS = new long[0];

  private static final Pending STOP =
      new Pending(0, List.of(), List.of(), List.of(), new CompletableFuture<>());

  private final DuckDBConnection connection;
  private final long capacity;
  private final int maxBatchItems;

  /** Null with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off; used by the writer only. */
  private final @Nullable ServiceEdgePairer pairer;

  /** {@link #MAX_QUEUE_AGE}; shorter in tests. */
  volatile Duration maxQueueAge = MAX_QUEUE_AGE;

  /** Tests only: runs inside each group's transaction, before COMMIT, to make it fail. */
  volatile @Nullable Consumer<List<SpanRows.Row>> beforeCommit;

  /** {@link DuckDbStorageBuilder#indexedAttributes}. */
  private final Set<String> indexedAttributes;

  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedItems = new AtomicLong();
  private final AtomicLong expiredWrites = new AtomicLong();
  private final Thread thread;
  private final ExecutorService completer;
  private volatile boolean closed;
  private volatile @Nullable Throwable fatal;

  /**
   * The earliest span start committed since {@link #takeOldestSpanStart} last took it ({@code
   * Long.MAX_VALUE}: none), so compaction also reaches buckets that late or back-filled spans
   * touched, however old.
   */
  private final AtomicLong oldestSpanStart = new AtomicLong(Long.MAX_VALUE);

  /** Items per second over recent commits, for the retry-after hint and the wait bound. */
  private volatile double itemsPerSecond = 50_000;

  /**
   * The longest a newly queued item is expected to wait for its commit (queued items ÷ the recent
   * rate): a write that would wait longer is refused like one that does not fit, even while the
   * queue has room, so that under overload a client gets a retryable answer before its own timeout
   * (OTel SDK exporters give up after 10 s) rather than an acknowledgement it no longer waits for
   * and re-sends. The overload run (bench/README.md) saw acknowledged requests wait 15 s p50 behind
   * a full queue without it.
   */
  static final double MAX_QUEUE_WAIT_SECONDS = 5;

  /**
   * The longest a write may wait in the queue before its commit starts. {@link
   * #MAX_QUEUE_WAIT_SECONDS} refuses writes by an <i>estimate</i> of the wait; a commit that stalls
   * (a checkpoint, a slower group) can still keep accepted writes waiting longer. A write queued
   * longer than this is failed with {@link StorageOverloadedException} (retryable, never
   * acknowledged, nothing stored) instead of being committed late: with a group's own commit time
   * on top, the answer still reaches a client before an OTel exporter's 10 s timeout, so it retries
   * on our hint rather than re-sending blind.
   */
  static final Duration MAX_QUEUE_AGE = Duration.ofSeconds(6);

  /** Commits below this rate count as this rate: the wait bound never goes under 5,000 items. */
  private static final double MIN_RATE = 1_000;

  GroupCommitWriter(
      DuckDBConnection connection,
      long capacity,
      int maxBatchItems,
      @Nullable ServiceEdgePairer pairer,
      Set<String> indexedAttributes) {
    this.connection = connection;
    this.indexedAttributes = indexedAttributes;
    this.capacity = capacity;
    this.maxBatchItems = maxBatchItems;
    this.pairer = pairer;
    this.completer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sightline-duckdb-completer");
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::run, "sightline-duckdb-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  public CompletableFuture<Void> writeSpans(List<Span> spans) {
    return submit(
        spans,
        SpanRows::encode,
        (rows, f) -> new Pending(rows.size(), rows, List.of(), List.of(), f));
  }

  @Override
  public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
    return submit(
        logs,
        LogRows::encode,
        (rows, f) -> new Pending(rows.size(), List.of(), rows, List.of(), f));
  }

  @Override
  public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
    return submit(
        points,
        MetricRows::encode,
        (rows, f) -> new Pending(rows.size(), List.of(), List.of(), rows, f));
  }

  @Override
  public long queuedItems() {
    return queuedItems.get();
  }

  private interface PendingFactory<R> {
    Pending create(List<R> rows, CompletableFuture<Void> future);
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
    if (!reserve(n)) {
      long queued = queuedItems.get();
      return CompletableFuture.failedFuture(
          new StorageOverloadedException(
              queued + n > capacity
                  ? "write queue full (" + queued + " of " + capacity + " items)"
                  : String.format(
                      java.util.Locale.ROOT,
                      "write queue holds %.1f s of work (%d items; at most %.0f s)",
                      queued / Math.max(MIN_RATE, itemsPerSecond),
                      queued,
                      MAX_QUEUE_WAIT_SECONDS),
              retryAfter()));
    }
    Pending pending;
    try {
      pending = factory.create(encoder.apply(items), new CompletableFuture<>());
    } catch (RuntimeException e) {
      queuedItems.addAndGet(-n);
      return CompletableFuture.failedFuture(e);
    }
    queue.add(pending);
    if ((closed || fatal != null) && queue.remove(pending)) {
      // lost the race with close() or a writer failure: the writer may already have stopped
      queuedItems.addAndGet(-n);
      Throwable cause = fatal;
      return CompletableFuture.failedFuture(
          cause != null
              ? new IllegalStateException("writer failed", cause)
              : new IllegalStateException("storage is closed"));
    }
    return pending.future();
  }

  /** Reserves room for {@code n} items; a batch larger than the capacity fits an empty queue. */
  private boolean reserve(int n) {
    while (true) {
      long current = queuedItems.get();
      if (!admits(current, n, capacity, itemsPerSecond)) return false;
      if (queuedItems.compareAndSet(current, current + n)) return true;
    }
  }

  /**
   * Whether {@code n} more items may join {@code queued}: they fit the capacity and the queue's
   * expected wait at {@code itemsPerSecond} stays within {@link #MAX_QUEUE_WAIT_SECONDS}. An empty
   * queue admits any batch, so a batch larger than either bound is never refused forever.
   */
  static boolean admits(long queued, int n, long capacity, double itemsPerSecond) {
    if (queued <= 0) return true;
    long after = queued + n;
    return after <= capacity
        && after / Math.max(MIN_RATE, itemsPerSecond) <= MAX_QUEUE_WAIT_SECONDS;
  }

  private Duration retryAfter() {
    double seconds = queuedItems.get() / Math.max(1_000, itemsPerSecond);
    long millis = (long) Math.ceil(seconds * 1_000);
    return Duration.ofMillis(Math.max(100, Math.min(millis, 10_000)));
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    boolean stopping = false;
    while (true) {
      try {
        // once stopping, drain without blocking: a late write may be withdrawn by its submitter
        Pending first = stopping ? queue.poll() : queue.take();
        if (first == null) break;
        int items = 0;
        for (Pending next = first;
            next != null;
            next = items < maxBatchItems ? queue.poll() : null) {
          if (next == STOP) {
            stopping = true;
          } else if (expired(next, System.nanoTime())) {
            failExpired(next);
          } else {
            group.add(next);
            items += next.items();
          }
        }
        if (!group.isEmpty()) commitGroup(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        fatal = t;
        logger.error("DuckDB writer stopped", t);
        for (Pending p : group) fail(p, t);
        break;
      } finally {
        group.clear();
      }
    }
    Throwable f = fatal != null ? fatal : new IllegalStateException("storage is closed");
    for (Pending p; (p = queue.poll()) != null; ) if (p != STOP) fail(p, f);
  }

  /** Whether {@code p} waited in the queue past {@link #maxQueueAge} at {@code nowNanos}. */
  private boolean expired(Pending p, long nowNanos) {
    return nowNanos - p.queuedAtNanos() > maxQueueAge.toNanos();
  }

  private void failExpired(Pending p) {
    expiredWrites.incrementAndGet();
    fail(
        p,
        new StorageOverloadedException(
            "write waited more than "
                + maxQueueAge.toSeconds()
                + " s in the queue behind slower commits; not stored, retry",
            retryAfter()));
  }

  /** Writes failed because they waited past {@link #maxQueueAge} (nothing of them stored). */
  long expiredWrites() {
    return expiredWrites.get();
  }

  private void commitGroup(List<Pending> group) {
    long start = System.nanoTime();
    int items = 0;
    for (Pending p : group) items += p.items();
    List<ServiceEdgePairer.End> ends;
    try {
      ends = appendAndCommit(group);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      if (group.size() == 1) {
        logger.warn("DuckDB write of {} items failed", items, e);
        fail(group.get(0), e);
        return;
      }
      // isolate the bad batch: retry each alone
      for (Pending p : group) commitGroup(List.of(p));
      return;
    }
    long oldest = Long.MAX_VALUE;
    for (Pending p : group) {
      for (SpanRows.Row r : p.spans()) oldest = Math.min(oldest, r.span().startTimeUnixNano());
    }
    if (oldest != Long.MAX_VALUE) noteSpanStart(oldest);
    if (pairer != null && !ends.isEmpty()) {
      // the group is stored: only now does the pairer's state take it
      try {
        pairer.commit(ends);
      } catch (RuntimeException e) {
        logger.error(
            "service edge pairing state lost; edges of spans stored so far may be missed", e);
        pairer.clear();
      }
    }
    double seconds = Math.max(1e-6, (System.nanoTime() - start) / 1e9);
    itemsPerSecond = 0.8 * itemsPerSecond + 0.2 * (items / seconds);
    for (Pending p : group) {
      if (!p.settle()) continue;
      queuedItems.addAndGet(-p.items());
      completer.execute(() -> p.future().complete(null));
    }
  }

  /** Stores the group in one transaction; returns the pairer's view of its spans (or none). */
  private List<ServiceEdgePairer.End> appendAndCommit(List<Pending> group) throws SQLException {
    // Explicitly: with JDBC's setAutoCommit(false) alone, an appender commits on its own on flush.
    execute("BEGIN TRANSACTION");
    boolean spans = false, logs = false, metrics = false;
    for (Pending p : group) {
      spans |= !p.spans().isEmpty();
      logs |= !p.logs().isEmpty();
      metrics |= !p.metrics().isEmpty();
    }
    List<ServiceEdgePairer.End> ends = List.of();
    if (spans) {
      if (pairer != null) {
        // the service-graph edges the group completes, paired in memory with the spans of earlier
        // commits and of the group; the pairer's state is left as is until the COMMIT succeeded
        ends = new ArrayList<>();
        for (Pending p : group) for (SpanRows.Row r : p.spans()) ends.add(pairer.end(r));
        ServiceEdgeRows edges = new ServiceEdgeRows();
        pairer.pairs(ends, edges);
        if (!edges.isEmpty()) {
          try (DuckDBAppender a = connection.createAppender("main", Schema.SERVICE_EDGES)) {
            edges.appendTo(a);
          }
        }
      }
      SpanMetricsRows red = new SpanMetricsRows(SpanMetricsReader.BUCKET_NANOS);
      SpanMetricsRows redHourly = new SpanMetricsRows(SpanMetricsHourly.HOUR_NANOS);
      TraceSummaryRows summaries = new TraceSummaryRows();
      AttributeIndexRows index = new AttributeIndexRows(indexedAttributes);
      ServiceOperationRows operations = new ServiceOperationRows();
      KeyBlocks blocks = new KeyBlocks();
      try (DuckDBAppender a = connection.createAppender("main", Schema.SPANS)) {
        for (Pending p : group) {
          for (SpanRows.Row r : p.spans()) {
            SpanRows.append(a, r);
            long[] keys = r.blockKeys();
            blocks.add(
                r.span().tenant(),
                new KeyBlocks.Entry(
                    r.span().startTimeUnixNano(), keys == null ? NO_KEYS : keys, keys != null));
            red.add(r);
            redHourly.add(r);
            summaries.add(r);
            index.add(r);
            operations.add(r);
          }
        }
      }
      // RED and trace summaries derived in the same transaction, so they are durable exactly
      // when the spans are
      try (DuckDBAppender a = connection.createAppender("main", Schema.SPAN_METRICS)) {
        red.appendTo(a);
      }
      try (DuckDBAppender a = connection.createAppender("main", Schema.SPAN_METRICS_HOURLY)) {
        redHourly.appendTo(a);
      }
      try (DuckDBAppender a = connection.createAppender("main", Schema.TRACE_SUMMARIES)) {
        summaries.appendTo(a);
      }
      try (DuckDBAppender a = connection.createAppender("main", Schema.SERVICE_OPERATIONS)) {
        operations.appendTo(a);
      }
      if (!index.isEmpty()) {
        try (DuckDBAppender a = connection.createAppender("main", Schema.ATTRIBUTE_INDEX)) {
          index.appendTo(a);
        }
      }
      // the span block index of the same spans
      try (DuckDBAppender a = connection.createAppender("main", Schema.SPAN_BLOCKS)) {
        blocks.appendTo(a);
      }
    }
    if (logs) {
      try (DuckDBAppender a = connection.createAppender("main", Schema.LOGS)) {
        for (Pending p : group) for (LogRows.Row r : p.logs()) LogRows.append(a, r);
      }
      // the text index of the same logs, in the same transaction
      KeyBlocks blocks = new KeyBlocks();
      for (Pending p : group) {
        for (LogRows.Row r : p.logs()) {
          blocks.add(
              r.log().tenant(),
              new KeyBlocks.Entry(r.log().eventTimeUnixNano(), r.textKeys(), r.textIndexable()));
        }
      }
      try (DuckDBAppender a = connection.createAppender("main", Schema.LOG_BLOCKS)) {
        blocks.appendTo(a);
      }
    }
    if (metrics) {
      try (DuckDBAppender a = connection.createAppender("main", Schema.METRIC_POINTS)) {
        for (Pending p : group) for (MetricRows.Row r : p.metrics()) MetricRows.append(a, r);
      }
    }
    Consumer<List<SpanRows.Row>> hook = beforeCommit;
    if (hook != null) {
      List<SpanRows.Row> rows = new ArrayList<>();
      for (Pending p : group) rows.addAll(p.spans());
      hook.accept(rows);
    }
    long commitStart = System.nanoTime();
    execute("COMMIT");
    long commitMillis = (System.nanoTime() - commitStart) / 1_000_000;
    // a commit that crosses the WAL threshold runs DuckDB's checkpoint inline
    if (commitMillis > 1_000) logger.debug("commit took {} ms (checkpoint)", commitMillis);
    return ends;
  }

  /** One statement per command: DuckDB JDBC closes a statement after any error. */
  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private void rollbackQuietly() {
    try {
      execute("ROLLBACK");
    } catch (SQLException e) {
      logger.debug("rollback failed", e);
    }
  }

  private void fail(Pending p, Throwable t) {
    if (!p.settle()) return;
    queuedItems.addAndGet(-p.items());
    completer.execute(() -> p.future().completeExceptionally(t));
  }

  /** Stops accepting writes, commits everything accepted, then stops the threads. */
  void close() {
    if (closed) return;
    closed = true;
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    completer.shutdown();
    try {
      if (!completer.awaitTermination(30, TimeUnit.SECONDS)) {
        logger.warn("write completions still running after 30 s");
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
    return fatal == null && thread.isAlive();
  }

  @Nullable Throwable failure() {
    return fatal;
  }
}
