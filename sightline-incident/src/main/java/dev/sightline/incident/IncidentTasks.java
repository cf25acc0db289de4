package dev.sightline.incident;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident engine's own small, bounded executor: investigations, evidence gathering and the
 * verify pass run here, never on the SLO evaluation thread. At most one task per key (an incident,
 * or the verify pass) is queued or running at a time: a task submitted while one of its key is
 * pending is skipped (the next evaluation submits it again). A full queue rejects the task
 * (logged); what it was for is retried at a later evaluation.
 */
final class IncidentTasks implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(IncidentTasks.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final ThreadPoolExecutor executor;
  private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
  private int pending; // guarded by this

  IncidentTasks(int threads, int queueCapacity) {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            r -> {
              Thread t = new Thread(r, "sightline-incident-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Whether a task of {@code key} is queued or running. */
  boolean busy(String key) {
    return pendingKeys.contains(key);
  }

  /** Runs {@code body} on the executor unless a task of {@code key} is pending; never blocks. */
  boolean submit(String key, Runnable body) {
    if (!pendingKeys.add(key)) return false;
    synchronized (this) {
      pending++;
    }
    try {
      executor.execute(
          () -> {
            try {
              body.run();
            } catch (RuntimeException e) {
              logger.warn("incident task {} failed", key, e);
            } finally {
              done(key);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      if (!executor.isShutdown()) logger.warn("incident task {} rejected: queue full", key);
      done(key);
      return false;
    }
  }

  private void done(String key) {
    pendingKeys.remove(key);
    synchronized (this) {
      pending--;
      notifyAll();
    }
  }

  /** Waits until no task is queued or running, at most {@code timeout}; whether it is so. */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Stops taking tasks and waits up to 10 s for those under way, then interrupts them; an
   * investigation cut short is done again at the next start (its incident is still {@code
   * running}).
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
