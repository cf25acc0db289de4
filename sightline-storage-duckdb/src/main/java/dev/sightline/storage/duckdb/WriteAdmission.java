package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.StorageOverloadedException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Admission to the writer's queue: counts the items accepted and not yet settled, refuses a write
 * that does not fit the capacity or would wait longer than {@link #MAX_QUEUE_WAIT_SECONDS} at the
 * recent commit rate, and estimates the retry-after hint of a refusal. Lock-free; called by every
 * submitting thread, the rate updated by the committer.
 */
final class WriteAdmission {
  /**
   * The longest a newly queued item is expected to wait for its commit (queued items ÷ the recent
   * rate): a write that would wait longer is refused like one that does not fit, even while the
   * queue has room, so that under overload a client gets a retryable answer before its own timeout
   * (OTel SDK exporters give up after 10 s) rather than an acknowledgement it no longer waits for
   * and re-sends. The overload run (bench/README.md) saw acknowledged requests wait 15 s p50 behind
   * a full queue without it.
   */
  static final double MAX_QUEUE_WAIT_SECONDS = 5;

  /** Commits below this rate count as this rate: the wait bound never goes under 5,000 items. */
  private static final double MIN_RATE = 1_000;

  private final long capacity;
  private final AtomicLong queuedItems = new AtomicLong();

  /** Items per second over recent commits, for the retry-after hint and the wait bound. */
  private volatile double itemsPerSecond = 50_000;

  WriteAdmission(long capacity) {
    this.capacity = capacity;
  }

  /**
   * Reserves room for {@code n} items (a batch larger than the capacity fits an empty queue);
   * returns null when reserved, else the refusal to fail the write with.
   */
  @Nullable StorageOverloadedException reserve(int n) {
    while (true) {
      long current = queuedItems.get();
      if (!admits(current, n, capacity, itemsPerSecond)) break;
      if (queuedItems.compareAndSet(current, current + n)) return null;
    }
    long queued = queuedItems.get();
    return new StorageOverloadedException(
        queued + n > capacity
            ? "write queue full (" + queued + " of " + capacity + " items)"
            : String.format(
                Locale.ROOT,
                "write queue holds %.1f s of work (%d items; at most %.0f s)",
                queued / Math.max(MIN_RATE, itemsPerSecond),
                queued,
                MAX_QUEUE_WAIT_SECONDS),
        retryAfter());
  }

  /** Gives back {@code n} reserved items: their write was stored, failed or withdrawn. */
  void release(int n) {
    queuedItems.addAndGet(-n);
  }

  /** Items reserved and not yet released. */
  long queued() {
    return queuedItems.get();
  }

  /** A group of {@code items} committed in {@code seconds}: the recent rate follows. */
  void committed(int items, double seconds) {
    itemsPerSecond = 0.8 * itemsPerSecond + 0.2 * (items / Math.max(1e-6, seconds));
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

  /** When a refused client should retry: the queue's expected drain time, 100 ms to 10 s. */
  Duration retryAfter() {
    double seconds = queuedItems.get() / Math.max(MIN_RATE, itemsPerSecond);
    long millis = (long) Math.ceil(seconds * 1_000);
    return Duration.ofMillis(Math.max(100, Math.min(millis, 10_000)));
  }
}
