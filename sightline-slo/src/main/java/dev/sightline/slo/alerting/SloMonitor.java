package dev.sightline.slo.alerting;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.Slo;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.slo.evaluation.SloEvaluation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every SLO of a {@link SloRegistry} on a schedule ({@code --slo-eval-interval}, 30 s by
 * default) as of the clock's now (event time), feeds the {@link AlertEngine} and tells {@link
 * AlertListener}s about each transition. Each tick first reloads the registry's folders when they
 * changed. A failing tick (storage down, say) is logged and the next one runs as planned; the
 * schedule never stops.
 */
public final class SloMonitor implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SloMonitor.class);

  private final SloRegistry registry;
  private final BurnRateEvaluator evaluator;
  private final AlertEngine engine;
  private final Clock clock;
  private final Duration interval;
  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
  private final @Nullable Consumer<Long> tickObserver;
  private volatile Map<String, SloEvaluation> latest = Map.of();
  private volatile @Nullable Instant lastTick;
  private @Nullable ScheduledExecutorService scheduler;

  private SloMonitor(Builder b) {
    this.registry = requireNonNull(b.registry, "registry");
    this.evaluator = requireNonNull(b.evaluator, "evaluator");
    this.engine = b.engine != null ? b.engine : AlertEngine.builder().build();
    this.clock = b.clock;
    this.interval = b.interval;
    this.listeners.addAll(b.listeners);
    this.tickObserver = b.tickObserver;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Adds a listener for later transitions. */
  public void addListener(AlertListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /** Starts evaluating every interval on a daemon thread, the first tick at once. */
  public synchronized void start() {
    if (scheduler != null) return;
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sightline-slo-monitor");
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    scheduler = s;
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      logger.warn("SLO evaluation failed; retrying at the next tick", e);
    }
  }

  /**
   * One evaluation round as of the clock's now: reload changed specs, evaluate every SLO, apply the
   * state machine, notify listeners. Public for tests and for an evaluation on demand.
   *
   * @return the transitions found
   */
  public synchronized List<AlertTransition> tick() {
    long started = System.nanoTime();
    if (registry.reload()) {
      logger.info("SLO specs (re)loaded: {} SLOs", registry.slos().size());
      for (var p : registry.problems()) logger.warn("SLO spec problem: {}", p);
    }
    List<Slo> slos = registry.slos();
    Instant now = clock.instant();
    List<SloEvaluation> evaluations = evaluator.evaluateAll(slos, now);
    Map<String, SloEvaluation> byName = new HashMap<>();
    for (SloEvaluation e : evaluations) byName.put(e.slo(), e);
    latest = Map.copyOf(byName);
    lastTick = now;
    List<AlertTransition> transitions = engine.apply(slos, evaluations, now);
    List<Alert> firing = engine.firing();
    for (AlertListener l : listeners) {
      for (AlertTransition t : transitions) {
        try {
          l.onTransition(t);
        } catch (RuntimeException e) {
          logger.warn("alert listener {} failed on {}", l, t.alert().id(), e);
        }
      }
      try {
        l.afterEvaluation(firing);
      } catch (RuntimeException e) {
        logger.warn("alert listener {} failed after evaluation", l, e);
      }
    }
    for (AlertTransition t : transitions) {
      logger.info(
          "alert {} {} for SLO {} (rule {}, burn rates {})",
          t.alert().id(),
          t.kind(),
          t.alert().slo(),
          t.alert().rule(),
          t.alert().currentBurnRates());
    }
    if (tickObserver != null) tickObserver.accept(System.nanoTime() - started);
    return transitions;
  }

  /** The latest evaluation of the SLO named {@code name}, if it was evaluated. */
  public Optional<SloEvaluation> latest(String name) {
    return Optional.ofNullable(latest.get(name));
  }

  /** When the latest evaluation ran (its event-time instant); null before the first. */
  public @Nullable Instant lastTick() {
    return lastTick;
  }

  public SloRegistry registry() {
    return registry;
  }

  public AlertEngine engine() {
    return engine;
  }

  public BurnRateEvaluator evaluator() {
    return evaluator;
  }

  /** Stops the schedule; an evaluation in progress finishes. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }

  /** Builds a {@link SloMonitor}. */
  public static final class Builder {
    private @Nullable SloRegistry registry;
    private @Nullable BurnRateEvaluator evaluator;
    private @Nullable AlertEngine engine;
    private Clock clock = Clock.systemUTC();
    private Duration interval = Duration.ofSeconds(30);
    private final List<AlertListener> listeners = new ArrayList<>();
    private @Nullable Consumer<Long> tickObserver;

    private Builder() {}

    public Builder registry(SloRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    public Builder evaluator(BurnRateEvaluator evaluator) {
      this.evaluator = requireNonNull(evaluator, "evaluator");
      return this;
    }

    /** The state machine; a new one unless set (set it to restore saved state). */
    public Builder engine(AlertEngine engine) {
      this.engine = requireNonNull(engine, "engine");
      return this;
    }

    /** The clock giving "now" in event time; the system clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Time between evaluations; 30 s unless set. */
    public Builder interval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("interval must be at least 1s, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    public Builder addListener(AlertListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** Told the duration of each tick in nanoseconds (for self-telemetry). */
    public Builder tickObserver(Consumer<Long> tickObserver) {
      this.tickObserver = requireNonNull(tickObserver, "tickObserver");
      return this;
    }

    public SloMonitor build() {
      return new SloMonitor(this);
    }
  }
}
