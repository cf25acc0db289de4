package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Delivers alert notifications to targets off the caller's thread, with retries.
 *
 * <p>{@link #dispatch} and {@link #refresh} never block and never throw: each target has a bounded
 * queue; when it is full, the oldest waiting notification is dropped and counted. Each target has
 * its own delivery thread, so a hanging target delays only itself. A thread sends a batch (at most
 * {@link Builder#maxBatchSize} notifications, at most one per fingerprint) and retries it until it
 * is delivered before taking the next, so notifications reach a target in the order they were
 * dispatched: a RESOLVED never overtakes its FIRING.
 *
 * <p>Retried: no response (connection error, timeout), 5xx, 408 and 429, after an exponential
 * backoff with jitter ({@link Builder#initialBackoff} doubling to {@link Builder#maxBackoff}, at
 * least the server's {@code Retry-After}), until the batch's oldest notification is older than
 * {@link Builder#maxAge}; then it is given up. Other statuses are given up at once. Counters per
 * target: {@link #stats()}.
 */
public final class NotificationDispatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NotificationDispatcher.class.getName());

  /** The default {@link Builder#queueCapacity}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;

  /** The default {@link Builder#maxBatchSize}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 100;

  private final List<TargetQueue> queues;
  private final Clock clock;
  private final Duration drainTimeout;
  private volatile boolean closed;

  private NotificationDispatcher(Builder b, List<Notifier> notifiers) {
    this.clock = b.clock;
    this.drainTimeout = b.drainTimeout;
    List<TargetQueue> qs = new ArrayList<>(notifiers.size());
    for (Notifier n : notifiers) qs.add(new TargetQueue(n, b));
    this.queues = List.copyOf(qs);
    for (TargetQueue q : queues) q.thread.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The targets' notifiers, in configuration order. */
  public List<Notifier> notifiers() {
    List<Notifier> out = new ArrayList<>(queues.size());
    for (TargetQueue q : queues) out.add(q.notifier);
    return out;
  }

  /** Queues {@code notification} for every target. Never blocks. */
  public void dispatch(AlertNotification notification) {
    dispatch(List.of(notification));
  }

  /** Queues {@code notifications}, in order, for every target. Never blocks. */
  public void dispatch(List<AlertNotification> notifications) {
    requireNonNull(notifications, "notifications");
    if (notifications.isEmpty()) return;
    long now = System.nanoTime();
    for (TargetQueue q : queues) q.offer(notifications, now);
  }

  /**
   * Re-sends the currently firing alerts to targets that need it ({@link
   * Notifier#resendInterval()}, i.e. Alertmanager), at most once per resend interval per target.
   * Call it every evaluation tick with every firing alert; RESOLVED notifications in the list are
   * ignored. Never blocks.
   */
  public void refresh(List<AlertNotification> firing) {
    requireNonNull(firing, "firing");
    Instant now = clock.instant();
    List<AlertNotification> stillFiring = null;
    for (TargetQueue q : queues) {
      if (!q.refreshDue(now)) continue;
      if (stillFiring == null) {
        stillFiring = new ArrayList<>(firing.size());
        for (AlertNotification n : firing) {
          if (n.status() == AlertNotification.Status.FIRING) stillFiring.add(n);
        }
      }
      q.offer(stillFiring, System.nanoTime());
    }
  }

  /** Counters per target, in configuration order. */
  public List<DeliveryStats> stats() {
    List<DeliveryStats> out = new ArrayList<>(queues.size());
    for (TargetQueue q : queues) out.add(q.stats());
    return out;
  }

  /**
   * Stops accepting notifications and delivers what is queued for at most {@link
   * Builder#drainTimeout}; then abandons the rest (counted) and stops the threads.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (TargetQueue q : queues) q.close(deadline);
    boolean interrupted = false;
    for (TargetQueue q : queues) {
      try {
        long waitMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        q.thread.join(waitMillis);
        if (q.thread.isAlive()) {
          q.thread.interrupt(); // stuck in a request: abandon it
          q.thread.join(1000);
        }
      } catch (InterruptedException e) {
        interrupted = true;
        q.thread.interrupt();
      }
      q.dropRemaining();
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** A queued notification and when it was dispatched ({@link System#nanoTime()}). */
  private record Pending(AlertNotification notification, long dispatchedNanos) {}

  /** One target: its queue, delivery thread and counters. */
  private static final class TargetQueue {
    final Notifier notifier;
    final Thread thread;
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
    private @Nullable Instant lastRefresh; // guarded by this
    private boolean closing; // guarded by this
    private long drainDeadline; // guarded by this
    private boolean failing; // delivery thread only: log transitions, not every attempt

    TargetQueue(Notifier notifier, Builder b) {
      this.notifier = notifier;
      this.capacity = b.queueCapacity;
      this.maxBatchSize = b.maxBatchSize;
      this.initialBackoffNanos = b.initialBackoff.toNanos();
      this.maxBackoffNanos = b.maxBackoff.toNanos();
      this.maxAgeNanos = b.maxAge.toNanos();
      this.resendInterval = notifier.resendInterval();
      this.thread = new Thread(this::run, "sightline-notify " + notifier.target());
      thread.setDaemon(true);
    }

    synchronized void offer(List<AlertNotification> notifications, long now) {
      if (closing) {
        dropped.addAndGet(notifications.size());
        return;
      }
      for (AlertNotification n : notifications) {
        if (queue.size() >= capacity) {
          queue.pollFirst();
          dropped.incrementAndGet();
        }
        queue.addLast(new Pending(n, now));
      }
      notifyAll();
    }

    synchronized boolean refreshDue(Instant now) {
      if (resendInterval == null || closing) return false;
      if (lastRefresh != null && now.isBefore(lastRefresh.plus(resendInterval))) return false;
      lastRefresh = now;
      return true;
    }

    synchronized void close(long deadline) {
      closing = true;
      drainDeadline = deadline;
      notifyAll();
    }

    synchronized void dropRemaining() {
      dropped.addAndGet(queue.size());
      queue.clear();
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

    private void run() {
      try {
        List<Pending> batch;
        while ((batch = nextBatch()) != null) deliver(batch);
      } catch (InterruptedException e) {
        // close() gave up waiting; it counts what is left
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "notification delivery to " + notifier.target() + " stopped", e);
      }
    }

    /** The next batch, or null once closing with nothing left or past the drain deadline. */
    private synchronized @Nullable List<Pending> nextBatch() throws InterruptedException {
      while (queue.isEmpty() && !closing) wait();
      if (queue.isEmpty() || (closing && System.nanoTime() - drainDeadline >= 0)) return null;
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatchSize));
      Set<String> fingerprints = new HashSet<>();
      while (!queue.isEmpty() && batch.size() < maxBatchSize) {
        if (!fingerprints.add(queue.peekFirst().notification().fingerprint())) break;
        batch.add(queue.pollFirst());
      }
      return batch;
    }

    private void deliver(List<Pending> batch) throws InterruptedException {
      try {
        attempt(batch);
      } catch (InterruptedException e) {
        givenUp.addAndGet(batch.size());
        throw e;
      }
    }

    /** Sends {@code batch} until it is delivered, rejected or too old. */
    private void attempt(List<Pending> batch) throws InterruptedException {
      List<AlertNotification> notifications = new ArrayList<>(batch.size());
      for (Pending p : batch) notifications.add(p.notification());
      long oldest = batch.get(0).dispatchedNanos();
      long backoff = initialBackoffNanos;
      while (true) {
        DeliveryResult result = notifier.send(notifications);
        if (Thread.interrupted()) throw new InterruptedException();
        if (result.delivered()) {
          sent.addAndGet(batch.size());
          if (failing) {
            failing = false;
            LOG.log(Level.INFO, "notifications to {0} delivered again", notifier.target());
          }
          return;
        }
        failedAttempts.incrementAndGet();
        if (result.outcome() == DeliveryResult.Outcome.REJECTED) {
          givenUp.addAndGet(batch.size());
          LOG.log(
              Level.WARNING,
              "{0} rejected {1} notification(s), not retried: {2}",
              notifier.target(),
              batch.size(),
              result.detail());
          return;
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
        long ageLeft = maxAgeNanos - (now - oldest);
        long delay = jittered(backoff);
        if (result.retryAfter() != null) {
          delay = Math.max(delay, Math.min(result.retryAfter().toNanos(), maxBackoffNanos));
        }
        synchronized (this) {
          if (ageLeft <= 0 || (closing && drainDeadline - now <= 0)) {
            givenUp.addAndGet(batch.size());
            LOG.log(
                Level.WARNING,
                "gave up {0} notification(s) to {1} ({2}): {3}",
                batch.size(),
                notifier.target(),
                ageLeft <= 0 ? "older than the maximum age" : "closing",
                result.detail());
            return;
          }
          // the last retry happens at the maximum age; close() shortens the wait to its deadline
          long until = now + Math.min(delay, ageLeft);
          while (true) {
            if (closing) until = Math.min(until, drainDeadline);
            long left = until - System.nanoTime();
            if (left <= 0) break;
            wait(Math.max(1, left / 1_000_000));
          }
        }
        backoff = Math.min(maxBackoffNanos, backoff * 2);
      }
    }

    /** Equal jitter: half the backoff plus a random part of the other half. */
    private static long jittered(long backoff) {
      long half = backoff / 2;
      return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
    }
  }

  /** Builds a {@link NotificationDispatcher}; give at least one target or notifier. */
  public static final class Builder {
    private final List<NotificationTarget> targets = new ArrayList<>();
    private final List<Notifier> notifiers = new ArrayList<>();
    private @Nullable HttpClient httpClient;
    private Duration requestTimeout = HttpNotifier.DEFAULT_TIMEOUT;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private Duration maxAge = Duration.ofHours(1);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Adds a target, sent with {@link #httpClient} and {@link #requestTimeout}. */
    public Builder target(NotificationTarget target) {
      targets.add(requireNonNull(target, "target"));
      return this;
    }

    /** Adds targets, e.g. from {@link NotificationTargets#parse}. */
    public Builder targets(List<NotificationTarget> targets) {
      requireNonNull(targets, "targets").forEach(this::target);
      return this;
    }

    /** Adds a notifier configured by the caller (its own client and timeout). */
    public Builder notifier(Notifier notifier) {
      notifiers.add(requireNonNull(notifier, "notifier"));
      return this;
    }

    /** The client for {@link #target}s; a shared default client unless set. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Timeout of each request to a {@link #target}; 10 s unless set. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = HttpNotifier.checkTimeout(requestTimeout);
      return this;
    }

    /** Notifications waiting per target before the oldest are dropped; 1000 unless set. */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** Notifications per request at most; 100 unless set. */
    public Builder maxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be >= 1");
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /** Backoff before the first retry, doubled after each; 1 s unless set. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive(initialBackoff, "initialBackoff");
      return this;
    }

    /** Upper bound of the backoff; 5 minutes unless set. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /** How long after dispatch a notification is still retried; 1 hour unless set. */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = positive(maxAge, "maxAge");
      return this;
    }

    /** How long {@link NotificationDispatcher#close} delivers what is queued; 10 s unless set. */
    public Builder drainTimeout(Duration drainTimeout) {
      requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must be non-negative");
      }
      this.drainTimeout = drainTimeout;
      return this;
    }

    /** The clock of the resend schedule ({@link #refresh}); the system clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Starts one delivery thread per target. */
    public NotificationDispatcher build() {
      if (targets.isEmpty() && notifiers.isEmpty()) {
        throw new IllegalStateException("at least one target or notifier must be added");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException("maxBackoff must be >= initialBackoff");
      }
      HttpClient client = httpClient != null ? httpClient : HttpNotifier.sharedClient();
      List<Notifier> all = new ArrayList<>(notifiers);
      for (NotificationTarget t : targets) all.add(t.notifier(client, requestTimeout));
      return new NotificationDispatcher(this, all);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
