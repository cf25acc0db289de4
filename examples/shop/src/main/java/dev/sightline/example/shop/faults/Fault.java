package dev.sightline.example.shop.faults;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The faults the shop can suffer. Each leaves the trail a real incident would: slow or failing
 * spans on the culprit, timeouts, retries and errors upstream, and logs saying what went wrong. No
 * span or log says "injected".
 */
public sealed interface Fault {
  /** The fault's name, as used on the command line and the admin endpoint. */
  String name();

  /** One line describing the fault and its parameters. */
  String describe();

  /** The operation inventory's stock query: the default target of {@code latency}. */
  String STOCK_QUERY = "Inventory.StockRepository.QueryStock";

  /** The card gateway call in payment: the default target of {@code errors}. */
  String CARD_AUTHORIZATION = "Payment.CardGateway.Authorize";

  /** Payment's charge: the default target of {@code tenant-failure}. */
  String PAYMENT_CHARGE = "Payment.PaymentService.Charge";

  /** {@code latency}: operation {@code operation} takes {@code delay} longer. */
  record Latency(String operation, Duration delay) implements Fault {
    @Override
    public String name() {
      return "latency";
    }

    @Override
    public String describe() {
      return "latency operation=" + operation + " delay=" + delay.toMillis() + "ms";
    }
  }

  /** {@code errors}: operation {@code operation} fails with probability {@code rate}. */
  record Errors(String operation, double rate) implements Fault {
    @Override
    public String name() {
      return "errors";
    }

    @Override
    public String describe() {
      return "errors operation=" + operation + " rate=" + rate;
    }
  }

  /** {@code tenant-failure}: operation {@code operation} fails for tenant {@code tenant} only. */
  record TenantFailure(String tenant, String operation) implements Fault {
    @Override
    public String name() {
      return "tenant-failure";
    }

    @Override
    public String describe() {
      return "tenant-failure tenant=" + tenant + " operation=" + operation;
    }
  }

  /**
   * {@code bad-release}: {@code service} is redeployed as {@code version}, which is slower by
   * {@code delay} and fails with probability {@code rate}; disabling the fault rolls it back.
   */
  record BadRelease(String service, String version, Duration delay, double rate) implements Fault {
    @Override
    public String name() {
      return "bad-release";
    }

    @Override
    public String describe() {
      return "bad-release service="
          + service
          + " version="
          + version
          + " delay="
          + delay.toMillis()
          + "ms rate="
          + rate;
    }
  }

  /** {@code slow-consumer}: the shipping consumer takes {@code delay} longer per message. */
  record SlowConsumer(Duration delay) implements Fault {
    @Override
    public String name() {
      return "slow-consumer";
    }

    @Override
    public String describe() {
      return "slow-consumer delay=" + delay.toMillis() + "ms";
    }
  }

  /** The names {@link #from} accepts. */
  Set<String> NAMES = Set.of("latency", "errors", "tenant-failure", "bad-release", "slow-consumer");

  /** The services a bad release can hit. */
  Set<String> RELEASABLE_SERVICES = Set.of("frontend", "order", "inventory", "payment");

  /**
   * Builds a fault from its spec, applying defaults.
   *
   * @throws IllegalArgumentException for an unknown name, an unknown parameter or a bad value
   */
  static Fault from(FaultSpec spec) {
    Map<String, String> p = spec.params();
    switch (spec.name()) {
      case "latency":
        allow(spec, "operation", "delay");
        return new Latency(
            p.getOrDefault("operation", STOCK_QUERY), duration(p.getOrDefault("delay", "800ms")));
      case "errors":
        allow(spec, "operation", "rate");
        return new Errors(
            p.getOrDefault("operation", CARD_AUTHORIZATION), ratio(p.getOrDefault("rate", "0.3")));
      case "tenant-failure":
        allow(spec, "tenant", "operation");
        String tenant = p.get("tenant");
        if (tenant == null || tenant.isBlank()) {
          throw new IllegalArgumentException("tenant-failure needs tenant=<id>");
        }
        return new TenantFailure(tenant, p.getOrDefault("operation", PAYMENT_CHARGE));
      case "bad-release":
        allow(spec, "service", "version", "delay", "rate");
        String service = p.getOrDefault("service", "inventory");
        if (!RELEASABLE_SERVICES.contains(service)) {
          throw new IllegalArgumentException(
              "bad-release service must be one of " + RELEASABLE_SERVICES + ": " + service);
        }
        return new BadRelease(
            service,
            p.getOrDefault("version", "next"),
            duration(p.getOrDefault("delay", "400ms")),
            ratio(p.getOrDefault("rate", "0.2")));
      case "slow-consumer":
        allow(spec, "delay");
        return new SlowConsumer(duration(p.getOrDefault("delay", "1500ms")));
      default:
        throw new UnknownFaultException(spec.name());
    }
  }

  /** Thrown for a fault name the shop does not know. */
  final class UnknownFaultException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownFaultException(String name) {
      super("unknown fault '" + name + "'; known: " + new java.util.TreeSet<>(NAMES));
    }
  }

  private static void allow(FaultSpec spec, String... keys) {
    Set<String> unknown = new HashSet<>(spec.params().keySet());
    unknown.removeAll(Set.of(keys));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          spec.name() + " does not take " + unknown + "; it takes " + Set.of(keys));
    }
  }

  /** Parses {@code 800ms}, {@code 2s}, {@code 1.5s} or a bare number of milliseconds. */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      } else if (t.endsWith("s")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else {
        d = Duration.ofMillis(Long.parseLong(t));
      }
      if (d.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative: " + text);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration (800ms, 2s): " + text, e);
    }
  }

  private static double ratio(String text) {
    try {
      double r = Double.parseDouble(text.trim());
      if (!(r >= 0 && r <= 1)) {
        throw new IllegalArgumentException("rate must be in [0, 1]: " + text);
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a rate in [0, 1]: " + text, e);
    }
  }
}
