package dev.sightline.slo.notify;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads that deliver notifications, shared by every target of every {@link
 * NotificationDispatcher} (and tenant) built with it: a fixed number of threads, however many
 * targets exist, plus one timer thread that only hands due retries to them and interrupts requests
 * still hanging at a close's deadline (so it works even when every delivery thread hangs). Each
 * target is a serial queue on the pool (at most one of its tasks runs or waits at a time), which
 * keeps its notifications in order; a retry waits as a timer entry, not on a thread. A request to a
 * hanging target occupies a thread for at most the request timeout.
 *
 * <p>It also keeps the delivery counters of every target it ever served ({@link #sent()} …), so
 * that they only grow when targets come and go (the {@code /metrics} counters).
 */
public final class DeliveryPool implements AutoCloseable {
  /** The default {@link #ofThreads threads}. */
  public static final int DEFAULT_THREADS = 4;

  private final int threads;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor timer;
  private final Set<Object> targets = ConcurrentHashMap.newKeySet();
  final LongAdder sent = new LongAdder();
  final LongAdder failedAttempts = new LongAdder();
  final LongAdder givenUp = new LongAdder();
  final LongAdder dropped = new LongAdder();

  private DeliveryPool(int threads) {
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), // at most one task per target (its serial step)
            r -> daemon(r, "sightline-notify-" + n.incrementAndGet()));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "sightline-notify-timer"));
    timer.setRemoveOnCancelPolicy(true);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A pool of {@code threads} delivery threads (started as needed, never more). */
  public static DeliveryPool ofThreads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    return new DeliveryPool(threads);
  }

  /** The number of delivery threads at most (plus the one timer thread). */
  public int threads() {
    return threads;
  }

  /** Targets with a queue now: in use, or released and still delivering what they hold. */
  public int targets() {
    return targets.size();
  }

  /** Notifications delivered, over every target served. */
  public long sent() {
    return sent.sum();
  }

  /** Failed delivery attempts (each retry counts), over every target served. */
  public long failedAttempts() {
    return failedAttempts.sum();
  }

  /** Notifications given up (rejected, too old, or still failing at close). */
  public long givenUp() {
    return givenUp.sum();
  }

  /**
   * Notifications never attempted: dropped as the oldest of a full queue, offered after close, or
   * still queued when a close ran out of time.
   */
  public long dropped() {
    return dropped.sum();
  }

  /** Runs {@code task} on a delivery thread. */
  void execute(Runnable task) {
    workers.execute(task);
  }

  /** Runs {@code task} on a delivery thread after {@code delayNanos}. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return timer.schedule(
        () -> {
          try {
            workers.execute(task);
          } catch (RejectedExecutionException closed) {
            // the pool closed meanwhile: the task's owner counted what it held when it closed
          }
        },
        delayNanos,
        TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task}, which must never block, on the timer thread after {@code delayNanos}. */
  ScheduledFuture<?> onTimer(Runnable task, long delayNanos) {
    return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** The delivery threads as an executor (for short tasks that must not wait on the timer). */
  Executor workers() {
    return workers;
  }

  void register(Object target) {
    targets.add(target);
  }

  void deregister(Object target) {
    targets.remove(target);
  }

  /**
   * Stops the threads at once (close the dispatchers first: their close delivers what is queued).
   */
  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
