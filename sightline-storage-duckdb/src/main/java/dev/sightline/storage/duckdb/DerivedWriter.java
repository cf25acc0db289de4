package dev.sightline.storage.duckdb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the rows that committed span groups derive ({@link DerivedBacklog}) behind them, on a
 * thread and a connection of its own: the committer hands each committed group's derived rows over
 * and goes on committing the next groups while a second's worth is written (before, the committer
 * wrote the backlog itself between two groups' COMMITs, and every client waited for it).
 *
 * <p>The backlog is written, in one transaction that also records {@code derived_through_seq}, once
 * it is {@code maxAge} old or holds {@code maxSpans} spans, when a reader asks ({@link
 * #awaitDerived}), and when the store closes. Groups are handed over in commit order and written in
 * that order, so the recorded sequence number is always a prefix: a stop before a write leaves
 * spans whose {@code ingest_seq} is past it, derived again at the next open ({@link
 * DerivedBacklog#recover}). Appends to the derived tables never conflict with the groups' own (an
 * inline group appends to the same tables), and {@code sightline_meta} is written only here.
 *
 * <p>A failed write keeps the backlog and is retried (no sooner than {@link #RETRY_NANOS} later);
 * past {@link #MAX_BACKLOG_FACTOR} × {@code maxSpans} spans unwritten the store's writer is stopped
 * through {@code onFatal} (the health check fails; the stored spans are safe and their rows are
 * derived again at the next open).
 */
final class DerivedWriter {
  private static final Logger logger = LoggerFactory.getLogger(DerivedWriter.class);

  /** How long a reader waits for the backlog before reading without it. */
  static final Duration AWAIT = Duration.ofSeconds(10);

  /** See the class comment. */
  static final int MAX_BACKLOG_FACTOR = 4;

  /** The least time between two attempts to write the backlog after a failure. */
  private static final long RETRY_NANOS = 100_000_000L;

  /**
   * A committed group, or a part of one ({@code complete} false: a write of a failed group
   * committed alone): its derived rows (null: it wrote its own, or derived nothing).
   */
  private record Committed(DerivedBacklog.@Nullable Group derived, long seq, boolean complete) {}

  private static final Object FLUSH = new Object();
  private static final Object STOP = new Object();
  private static final Object STOP_UNWRITTEN = new Object();

  private final DuckDBConnection connection;
  private final long maxAgeNanos;
  private final int maxSpans;
  private final Consumer<Throwable> onFatal;
  private final LinkedBlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;

  /** This thread only. */
  private final DerivedBacklog backlog;

  /** This thread only: the last group handed over (every one before it too). */
  private long lastSeq;

  /** This thread only: no write before this (after a failure), or 0. */
  private long retryAtNanos;

  /**
   * This thread only: the parts of a group being committed write by write ({@link #committedPart})
   * since its last part came in. The backlog is not written meanwhile — a write of it records the
   * group's number, and must then hold all of the group or none (recovery derives again the spans
   * numbered after it).
   */
  private final java.util.List<DerivedBacklog.Group> parts = new java.util.ArrayList<>();

  /** This thread only: a group's parts are coming in ({@link #parts}). */
  private boolean partsOpen;

  /** This thread only: a reader asked while parts were open; written once they are done. */
  private boolean flushWanted;

  /** Spans whose derived rows were handed over and are not written yet (see {@link #behind}). */
  private final java.util.concurrent.atomic.AtomicLong pendingSpans =
      new java.util.concurrent.atomic.AtomicLong();

  /** The last group handed over; its task is queued before this is set. */
  private volatile long handedSeq;

  /** The last group whose derived rows are written (every one before it too). */
  private volatile long writtenSeq;

  private volatile boolean failed;

  /** A reader asked for the backlog and its FLUSH is queued. */
  private final AtomicBoolean flushRequested = new AtomicBoolean();

  /** Completed (and replaced) each time the backlog was written or found empty. */
  private volatile CompletableFuture<Void> nextFlush = new CompletableFuture<>();

  /**
   * @param lastSeq the last group whose derived rows are stored (after {@link
   *     DerivedBacklog#recover})
   * @param onFatal told once when the backlog can no longer be written
   */
  DerivedWriter(
      DuckDBConnection connection,
      Set<String> indexedAttributes,
      long lastSeq,
      Duration maxAge,
      int maxSpans,
      Consumer<Throwable> onFatal) {
    this.connection = connection;
    this.backlog = new DerivedBacklog(indexedAttributes);
    this.lastSeq = lastSeq;
    this.handedSeq = lastSeq;
    this.writtenSeq = lastSeq;
    this.maxAgeNanos = maxAge.toNanos();
    this.maxSpans = maxSpans;
    this.onFatal = onFatal;
    this.thread = new Thread(this::run, "sightline-duckdb-derived");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Committer thread, after group {@code seq} committed, before its writes are acknowledged. */
  void committed(DerivedBacklog.@Nullable Group derived, long seq) {
    hand(new Committed(derived, seq, true));
  }

  /**
   * Committer thread, after one write of a failed group {@code seq} committed alone, before it is
   * acknowledged; {@link #groupDone} follows once every write of the group was tried. A reader
   * waits for the whole group.
   */
  void committedPart(DerivedBacklog.@Nullable Group derived, long seq) {
    hand(new Committed(derived, seq, false));
  }

  /** Committer thread: every write of the failed group {@code seq} was tried alone. */
  void groupDone(long seq) {
    hand(new Committed(null, seq, true));
  }

  private void hand(Committed c) {
    if (c.derived() != null) pendingSpans.addAndGet(c.derived().spans());
    tasks.add(c);
    if (c.seq() > handedSeq) handedSeq = c.seq();
  }

  /**
   * Whether the derived rows handed over and not yet written exceed twice the span bound (this
   * thread is behind the commits, e.g. in a long checkpoint): the next groups then write their own,
   * so memory stays bounded.
   */
  boolean behind() {
    return pendingSpans.get() > 2L * maxSpans;
  }

  private void run() {
    boolean writeAtStop = true;
    try {
      while (true) {
        Object task = next();
        boolean flush = false;
        boolean stop = false;
        for (; task != null; task = tasks.poll()) {
          if (task instanceof Committed c) {
            take(c);
          } else if (task == FLUSH) {
            flush = true;
          } else if (task == STOP || task == STOP_UNWRITTEN) {
            stop = true;
            writeAtStop = task == STOP;
          }
        }
        if (partsOpen && !stop) {
          // a group's writes are being committed alone: wait for all of them
          flushWanted |= flush;
          continue;
        }
        flush |= flushWanted;
        if (backlog.isEmpty()) {
          written();
        } else if ((stop && writeAtStop)
            || ((flush || backlog.due(System.nanoTime(), maxAgeNanos, maxSpans))
                && System.nanoTime() - retryAtNanos >= 0)) {
          // at a stop with parts still open, they are left out: their spans are numbered after
          // what this write records, so the next open derives them again
          write();
        }
        if (stop || failed) return;
      }
    } catch (InterruptedException e) {
      // nothing interrupts this thread but a shutdown of the process: stop like a failure (what is
      // left is derived again at the next open)
      fail(e);
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** This thread: a group, or a part of one, handed over. */
  private void take(Committed c) {
    DerivedBacklog.Group g = c.derived();
    if (!c.complete()) {
      partsOpen = true;
      if (g != null) parts.add(g);
      return;
    }
    long now = System.nanoTime();
    for (DerivedBacklog.Group part : parts) backlog.add(part, now);
    parts.clear();
    partsOpen = false;
    if (g != null) backlog.add(g, now);
    lastSeq = Math.max(lastSeq, c.seq());
  }

  /**
   * The next task: waits until one comes, or until the backlog is due by age or may be retried
   * after a failure (null then).
   */
  private @Nullable Object next() throws InterruptedException {
    if (backlog.isEmpty() || partsOpen) return tasks.take();
    long now = System.nanoTime();
    long due =
        backlog.due(now, maxAgeNanos, maxSpans) || flushWanted
            ? retryAtNanos
            : Math.max(backlog.sinceNanos() + maxAgeNanos, retryAtNanos);
    long wait = due - now;
    return wait <= 0 ? tasks.poll() : tasks.poll(wait, TimeUnit.NANOSECONDS);
  }

  /** Tests only: runs on this thread before each write of the backlog (to hold one up). */
  volatile @Nullable Runnable beforeWrite;

  private void write() {
    long[] ph = WriterPhases.start();
    try {
      Runnable hook = beforeWrite;
      if (hook != null) hook.run();
      GroupCommitWriter.execute(connection, "BEGIN TRANSACTION");
      backlog.appendTo(connection, lastSeq);
      GroupCommitWriter.execute(connection, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      GroupCommitWriter.rollbackQuietly(connection);
      retryAtNanos = System.nanoTime() + RETRY_NANOS;
      if (backlog.spans() > (long) MAX_BACKLOG_FACTOR * maxSpans) {
        fail(
            new IllegalStateException(
                "the rows derived from "
                    + backlog.spans()
                    + " stored spans cannot be written; they are derived again at the next open",
                e));
      } else {
        logger.warn("writing the derived rows of {} spans failed; retried", backlog.spans(), e);
      }
      return;
    }
    WriterPhases.end("derived: backlog written", ph);
    retryAtNanos = 0;
    pendingSpans.addAndGet(-backlog.spans());
    backlog.clear();
    written();
  }

  private void fail(Throwable t) {
    if (failed) return;
    failed = true;
    logger.error("DuckDB derived-rows writer stopped", t);
    onFatal.accept(t);
    nextFlush.complete(null); // readers stop waiting
  }

  /** Every group handed over so far has its derived rows written. */
  private void written() {
    flushWanted = false;
    writtenSeq = lastSeq;
    flushRequested.set(false);
    CompletableFuture<Void> done = nextFlush;
    nextFlush = new CompletableFuture<>();
    done.complete(null);
  }

  /**
   * Returns once every group committed before this call has its derived rows written, so a reader
   * of derived tables sees every write acknowledged before its query. Returns at once when nothing
   * waits (the usual case between writes) and, without waiting, when this writer stopped; after
   * {@link #AWAIT} the reader goes on without the newest rows (logged).
   */
  void awaitDerived() {
    long target = handedSeq;
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (writtenSeq < target) {
      if (failed || !thread.isAlive()) return;
      CompletableFuture<Void> flushed = nextFlush;
      if (writtenSeq >= target) return;
      if (flushRequested.compareAndSet(false, true)) tasks.add(FLUSH);
      long left = deadline - System.nanoTime();
      try {
        flushed.get(Math.max(1, Math.min(left, 100_000_000L)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (System.nanoTime() - deadline >= 0) {
          logger.warn(
              "derived rows still not written after {} s; reading without the newest",
              AWAIT.toSeconds());
          return;
        }
        // the write asked for may have failed: ask again
        flushRequested.set(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  /**
   * Writes what is left (unless {@code writeBacklog} is false: tests of a process killed) and stops
   * the thread; called after the last group was handed over. The connection is the caller's.
   */
  void close(boolean writeBacklog) {
    tasks.add(writeBacklog ? STOP : STOP_UNWRITTEN);
    if (joinThroughInterrupts(thread)) Thread.currentThread().interrupt();
  }

  /** Waits for {@code t} to end even if interrupted meanwhile; returns whether it was. */
  static boolean joinThroughInterrupts(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  boolean isHealthy() {
    return !failed && thread.isAlive();
  }
}
