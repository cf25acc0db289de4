package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Delivers alert notifications to targets off the caller's thread, with retries.
 *
 * <p>{@link #dispatch} and {@link #refresh} never block and never throw: each target has a bounded
 * queue; when it is full, the oldest waiting notification is dropped, counted and logged. Delivery
 * runs on a {@link DeliveryPool}: a fixed number of threads shared by every target of every
 * dispatcher built with the same pool ({@link Builder#pool}), each target a serial queue on it, so
 * the number of threads never grows with the number of targets or tenants. A target sends a batch
 * (at most {@link Builder#maxBatchSize} notifications, at most one per fingerprint) and retries it
 * until it is delivered before taking the next, so notifications reach a target in the order they
 * were dispatched: a RESOLVED never overtakes its FIRING. A retry waits as a scheduled task, not on
 * a thread; a hanging target holds a pool thread for at most the request timeout per attempt.
 *
 * <p>Retried: no response (connection error, timeout), 5xx, 408 and 429, after an exponential
 * backoff with jitter ({@link Builder#initialBackoff} doubling to {@link Builder#maxBackoff}, at
 * least the server's {@code Retry-After}), until the batch's oldest notification is older than
 * {@link Builder#maxAge}; then it is given up. Other statuses are given up at once. Counters per
 * target: {@link #stats()}; over every target the pool ever served: {@link DeliveryPool#sent()} ….
 */
public final class NotificationDispatcher implements AutoCloseable {
  /** The default {@link Builder#queueCapacity}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;

  /** The default {@link Builder#maxBatchSize}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 100;

  private final List<TargetQueue> queues;
  private final Clock clock;
  private final Duration drainTimeout;
  private final DeliveryPool pool;
  private final boolean ownPool;
  private volatile boolean closed;

  private NotificationDispatcher(Builder b, List<Notifier> notifiers) {
    this.clock = b.clock;
    this.drainTimeout = b.drainTimeout;
    this.ownPool = b.pool == null;
    this.pool = b.pool != null ? b.pool : DeliveryPool.ofThreads(1);
    List<TargetQueue> qs = new ArrayList<>(notifiers.size());
    for (Notifier n : notifiers) qs.add(new TargetQueue(n, b, pool));
    this.queues = List.copyOf(qs);
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
   * Stops accepting notifications and, without waiting, lets each target deliver what is queued for
   * at most {@link Builder#drainTimeout}; then the rest is abandoned (counted) and the targets
   * leave the pool. What {@link AlertDelivery} does with a target no SLO uses any more.
   */
  public void release() {
    if (closed) return;
    closed = true;
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (TargetQueue q : queues) q.close(deadline);
  }

  /**
   * Stops accepting notifications and delivers what is queued for at most {@link
   * Builder#drainTimeout}; then abandons the rest (counted). Returns when every target is done (a
   * request still hanging at the deadline is interrupted; at most a second more is waited for it).
   */
  @Override
  public void close() {
    release();
    long deadline = System.nanoTime() + drainTimeout.toNanos() + 1_000_000_000L;
    try {
      for (TargetQueue q : queues) q.awaitTermination(Math.max(0, deadline - System.nanoTime()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownPool) pool.close();
  }

  /** Builds a {@link NotificationDispatcher}; give at least one target or notifier. */
  public static final class Builder {
    private final List<NotificationTarget> targets = new ArrayList<>();
    private final List<Notifier> notifiers = new ArrayList<>();
    private @Nullable HttpClient httpClient;
    private Duration requestTimeout = HttpNotifier.DEFAULT_TIMEOUT;
    int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    Duration initialBackoff = Duration.ofSeconds(1);
    Duration maxBackoff = Duration.ofMinutes(5);
    Duration maxAge = Duration.ofHours(1);
    Duration drainTimeout = Duration.ofSeconds(10);
    Clock clock = Clock.systemUTC();
    @Nullable DeliveryPool pool;

    private Builder() {}

    /**
     * The delivery threads, shared with other dispatchers; unless set, the dispatcher has a pool of
     * one thread of its own, stopped by {@link NotificationDispatcher#close}.
     */
    public Builder pool(DeliveryPool pool) {
      this.pool = requireNonNull(pool, "pool");
      return this;
    }

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

    /** The dispatcher; its targets deliver on {@link #pool} (no thread of their own). */
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
