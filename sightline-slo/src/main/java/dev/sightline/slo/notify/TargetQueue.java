package dev.sightline.slo.notify;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One target of a {@link NotificationDispatcher}: a bounded queue (full → the oldest is dropped,
 * counted and logged) and a serial task on the {@link DeliveryPool}. At most one {@link #step} of a
 * queue is submitted, running or scheduled at any time ({@code scheduled}), so batches go out one
 * after the other in dispatch order; a step sends one batch once, then either resubmits itself for
 * the next batch (behind other targets' steps: fair) or schedules the retry after the backoff. A
 * waiting retry holds no thread.
 */
final class TargetQueue {
  private static final System.Logger LOG = System.getLogger(NotificationDispatcher.class.getName());

  /** A queued notification and when it was dispatched ({@link System#nanoTime()}). */
  private record Pending(AlertNotification notification, long dispatchedNanos) {}

  final Notifier notifier;
  private final DeliveryPool pool;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final int capacity;
  private final int maxBatchSize;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final long maxAgeNanos;
  private final @Nullable Duration resendInterval;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  // guarded by this:
  private @Nullable Instant lastRefresh;
  private boolean scheduled;
  private @Nullable List<Pending> current;
  private long backoff;
  private @Nullable ScheduledFuture<?> retry;
  private long retryAt;
  private @Nullable Thread sending;
  private boolean closing;
  private long drainDeadline;
  private boolean terminated;
  private boolean full; // log when a queue becomes full, not every drop
  private boolean failing; // log transitions, not every attempt

  TargetQueue(Notifier notifier, NotificationDispatcher.Builder b, DeliveryPool pool) {
    this.notifier = notifier;
    this.pool = pool;
    this.capacity = b.queueCapacity;
    this.maxBatchSize = b.maxBatchSize;
    this.initialBackoffNanos = b.initialBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.maxAgeNanos = b.maxAge.toNanos();
    this.resendInterval = notifier.resendInterval();
    pool.register(this);
  }

  synchronized void offer(List<AlertNotification> notifications, long now) {
    if (closing) {
      drop(notifications.size());
      return;
    }
    for (AlertNotification n : notifications) {
      if (queue.size() >= capacity) {
        queue.pollFirst();
        drop(1);
        if (!full) {
          full = true;
          LOG.log(
              Level.WARNING,
              "notification queue of {0} is full ({1}): dropping the oldest waiting notifications"
                  + " (counted in sightline_notifications_dropped)",
              notifier.target(),
              capacity);
        }
      }
      queue.addLast(new Pending(n, now));
    }
    if (!scheduled) submit();
  }

  synchronized boolean refreshDue(Instant now) {
    if (resendInterval == null || closing) return false;
    if (lastRefresh != null && now.isBefore(lastRefresh.plus(resendInterval))) return false;
    lastRefresh = now;
    return true;
  }

  synchronized DeliveryStats stats() {
    return new DeliveryStats(
        notifier.target(),
        sent.get(),
        failedAttempts.get(),
        givenUp.get(),
        dropped.get(),
        queue.size());
  }

  /**
   * Stops accepting notifications; what is queued is delivered until {@code deadline} ({@link
   * System#nanoTime()}), then dropped (counted), and the queue leaves the pool. Never blocks.
   */
  synchronized void close(long deadline) {
    if (closing) return;
    closing = true;
    drainDeadline = deadline;
    if (!scheduled) {
      terminate();
      return;
    }
    // a retry waiting beyond the deadline is tried once more at the deadline
    if (retry != null && retryAt - deadline > 0 && retry.cancel(false)) {
      schedule(Math.max(0, deadline - System.nanoTime()));
    }
    // a request still hanging at the deadline is interrupted
    try {
      pool.onTimer(this::deadlinePassed, Math.max(0, deadline - System.nanoTime()));
    } catch (RejectedExecutionException e) {
      terminate();
    }
  }

  /** Waits until the queue has left the pool, at most {@code timeoutNanos}; whether it has. */
  synchronized boolean awaitTermination(long timeoutNanos) throws InterruptedException {
    long until = System.nanoTime() + timeoutNanos;
    while (!terminated) {
      long left = until - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private synchronized void deadlinePassed() {
    if (terminated) return;
    if (sending != null) sending.interrupt(); // its step gives the batch up and terminates
    else if (retry == null || retry.cancel(false)) {
      // nothing in flight: what is left goes now (a step already submitted finds it terminated)
      if (current != null) givenUp(current.size());
      current = null;
      terminate();
    }
  }

  /** Counts and clears what is queued, and leaves the pool. */
  private void terminate() {
    if (terminated) return;
    terminated = true;
    drop(queue.size());
    queue.clear();
    pool.deregister(this);
    notifyAll();
  }

  private void submit() {
    scheduled = true;
    try {
      pool.execute(this::step);
    } catch (RejectedExecutionException e) {
      scheduled = false; // the pool is closed: what is queued is counted when the queue closes
      terminate();
    }
  }

  private void schedule(long delayNanos) {
    retryAt = System.nanoTime() + delayNanos;
    try {
      retry = pool.schedule(this::step, delayNanos);
    } catch (RejectedExecutionException e) {
      if (current != null) givenUp(current.size());
      current = null;
      scheduled = false;
      terminate();
    }
  }

  /** One attempt: the current batch again, or the next one. */
  private void step() {
    Thread.interrupted(); // a stale interrupt meant for an earlier step of this thread
    List<Pending> batch;
    synchronized (this) {
      retry = null;
      if (terminated) {
        scheduled = false;
        return;
      }
      if (closing && System.nanoTime() - drainDeadline >= 0) {
        if (current != null) givenUp(current.size());
        current = null;
        scheduled = false;
        terminate();
        return;
      }
      if (current == null) {
        if (queue.isEmpty()) {
          idle();
          return;
        }
        current = nextBatch();
        backoff = initialBackoffNanos;
      }
      batch = current;
      sending = Thread.currentThread();
    }
    List<AlertNotification> notifications = new ArrayList<>(batch.size());
    for (Pending p : batch) notifications.add(p.notification());
    DeliveryResult result;
    try {
      result = notifier.send(notifications);
    } catch (RuntimeException e) {
      result = DeliveryResult.ofError(e); // a notifier must not throw; never lose the queue over it
    }
    synchronized (this) {
      sending = null;
      boolean interrupted = Thread.interrupted();
      if (terminated || interrupted) {
        // close() ran out of time while the request hung
        givenUp(batch.size());
        current = null;
        scheduled = false;
        terminate();
        return;
      }
      if (handled(batch, result)) {
        current = null;
        if (queue.isEmpty()) idle();
        else submit();
      }
    }
  }

  /** Nothing to send: the queue waits for {@link #offer}; a closing one terminates. */
  private void idle() {
    scheduled = false;
    full = false;
    if (closing) terminate();
  }

  /** Whether {@code batch} is done with (delivered or given up); else its retry is scheduled. */
  private boolean handled(List<Pending> batch, DeliveryResult result) {
    if (result.delivered()) {
      sent.addAndGet(batch.size());
      pool.sent.add(batch.size());
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, "notifications to {0} delivered again", notifier.target());
      }
      return true;
    }
    failedAttempts.incrementAndGet();
    pool.failedAttempts.increment();
    if (result.outcome() == DeliveryResult.Outcome.REJECTED) {
      givenUp(batch.size());
      LOG.log(
          Level.WARNING,
          "{0} rejected {1} notification(s), not retried: {2}",
          notifier.target(),
          batch.size(),
          result.detail());
      return true;
    }
    if (!failing) {
      failing = true;
      LOG.log(
          Level.WARNING,
          "notifications to {0} failed, retrying with backoff: {1}",
          notifier.target(),
          result.detail());
    }
    long now = System.nanoTime();
    long ageLeft = maxAgeNanos - (now - batch.get(0).dispatchedNanos());
    long delay = jittered(backoff);
    if (result.retryAfter() != null) {
      delay = Math.max(delay, Math.min(result.retryAfter().toNanos(), maxBackoffNanos));
    }
    if (ageLeft <= 0 || (closing && drainDeadline - now <= 0)) {
      givenUp(batch.size());
      LOG.log(
          Level.WARNING,
          "gave up {0} notification(s) to {1} ({2}): {3}",
          batch.size(),
          notifier.target(),
          ageLeft <= 0 ? "older than the maximum age" : "closing",
          result.detail());
      return true;
    }
    // the last retry happens at the maximum age; a close shortens the wait to its deadline
    long wait = Math.min(delay, ageLeft);
    if (closing) wait = Math.min(wait, Math.max(0, drainDeadline - now));
    backoff = Math.min(maxBackoffNanos, backoff * 2);
    schedule(wait);
    return false;
  }

  /** The next batch: oldest first, at most one notification per fingerprint. */
  private List<Pending> nextBatch() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatchSize));
    Set<String> fingerprints = new HashSet<>();
    while (!queue.isEmpty() && batch.size() < maxBatchSize) {
      if (!fingerprints.add(queue.peekFirst().notification().fingerprint())) break;
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  private void drop(int n) {
    if (n <= 0) return;
    dropped.addAndGet(n);
    pool.dropped.add(n);
  }

  private void givenUp(int n) {
    givenUp.addAndGet(n);
    pool.givenUp.add(n);
  }

  /** Equal jitter: half the backoff plus a random part of the other half. */
  private static long jittered(long backoff) {
    long half = backoff / 2;
    return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
  }
}
