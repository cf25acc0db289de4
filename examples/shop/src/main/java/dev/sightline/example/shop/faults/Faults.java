package dev.sightline.example.shop.faults;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.baggage.Baggage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The faults active now, shared by every service of the shop (the JVM's chaos control plane).
 * Thread-safe: the admin endpoint changes it while requests consult it.
 */
public final class Faults {
  private final Map<String, Fault> active = new ConcurrentHashMap<>();

  /** Activates {@code fault}, replacing an active fault of the same name. */
  public void enable(Fault fault) {
    active.put(fault.name(), requireNonNull(fault, "fault"));
  }

  /** Deactivates the fault named {@code name}; returns it if it was active. */
  public Optional<Fault> disable(String name) {
    return Optional.ofNullable(active.remove(name));
  }

  /** The active faults, sorted by name. */
  public List<Fault> active() {
    List<Fault> list = new ArrayList<>(active.values());
    list.sort((a, b) -> a.name().compareTo(b.name()));
    return list;
  }

  /** The active fault named {@code name}. */
  public Optional<Fault> get(String name) {
    return Optional.ofNullable(active.get(name));
  }

  /**
   * Applies the faults aimed at {@code operation} (a span name) for the current tenant: sleeps for
   * a latency fault, throws for an error or tenant fault. Called at the start of the operation.
   */
  public void inject(String operation) {
    if (active.isEmpty()) {
      return;
    }
    for (Fault fault : active.values()) {
      if (fault instanceof Fault.Latency) {
        Fault.Latency latency = (Fault.Latency) fault;
        if (latency.operation().equals(operation)) {
          sleep(latency.delay());
        }
      } else if (fault instanceof Fault.Errors) {
        Fault.Errors errors = (Fault.Errors) fault;
        if (errors.operation().equals(operation)
            && ThreadLocalRandom.current().nextDouble() < errors.rate()) {
          throw new DependencyUnavailableException(
              operation + ": upstream answered 503 Service Unavailable");
        }
      } else if (fault instanceof Fault.TenantFailure) {
        Fault.TenantFailure tf = (Fault.TenantFailure) fault;
        String tenant = Baggage.current().getEntryValue("tenant.id");
        if (tf.operation().equals(operation) && tf.tenant().equals(tenant)) {
          throw new TenantRejectedException(
              "card network rejected the merchant account of tenant "
                  + tenant
                  + ": account suspended");
        }
      }
    }
  }

  /** The extra time the shipping consumer takes per message. */
  public Duration consumerDelay() {
    Fault fault = active.get("slow-consumer");
    return fault instanceof Fault.SlowConsumer
        ? ((Fault.SlowConsumer) fault).delay()
        : Duration.ZERO;
  }

  /** Sleeps {@code delay}, keeping the interrupt flag. */
  public static void sleep(Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
