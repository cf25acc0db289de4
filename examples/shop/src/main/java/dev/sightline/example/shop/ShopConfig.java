package dev.sightline.example.shop;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the shop is laid out and how its services call each other. Ports: frontend {@code basePort},
 * order {@code +1}, inventory {@code +2}, payment {@code +3}, admin {@code +9}; a base port of 0
 * gives every server an ephemeral port.
 */
public final class ShopConfig {
  /** The services' versions when nothing is released. */
  public static final Map<String, String> DEFAULT_VERSIONS =
      Map.of(
          "frontend", "1.4.0",
          "order", "2.3.1",
          "inventory", "1.8.2",
          "payment", "3.0.4",
          "shipping", "1.1.0");

  final String bindAddress;
  final int basePort;
  final int adminPort;
  final Duration orderTimeout;
  final Duration inventoryTimeout;
  final Duration paymentTimeout;
  final int retries;
  final Duration backoff;
  final int queueCapacity;
  final Duration publishWait;
  final int backlogWarning;
  final Duration databaseTime;
  final int threadsPerService;
  final Map<String, String> versions;

  private ShopConfig(Builder b) {
    this.bindAddress = b.bindAddress;
    this.basePort = b.basePort;
    this.adminPort = b.adminPort >= 0 ? b.adminPort : (b.basePort == 0 ? 0 : b.basePort + 9);
    this.orderTimeout = b.orderTimeout;
    this.inventoryTimeout = b.inventoryTimeout;
    this.paymentTimeout = b.paymentTimeout;
    this.retries = b.retries;
    this.backoff = b.backoff;
    this.queueCapacity = b.queueCapacity;
    this.publishWait = b.publishWait;
    this.backlogWarning = b.backlogWarning;
    this.databaseTime = b.databaseTime;
    this.threadsPerService = b.threadsPerService;
    this.versions = Map.copyOf(b.versions);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port of the {@code index}-th service (0 = frontend), or 0 for ephemeral ports. */
  int port(int index) {
    return basePort == 0 ? 0 : basePort + index;
  }

  public String version(String service) {
    return versions.get(service);
  }

  public Duration orderTimeout() {
    return orderTimeout;
  }

  public Duration inventoryTimeout() {
    return inventoryTimeout;
  }

  public Duration paymentTimeout() {
    return paymentTimeout;
  }

  public int retries() {
    return retries;
  }

  public Duration backoff() {
    return backoff;
  }

  public Duration publishWait() {
    return publishWait;
  }

  public int backlogWarning() {
    return backlogWarning;
  }

  public Duration databaseTime() {
    return databaseTime;
  }

  /** Validating builder for {@link ShopConfig}. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int basePort = 8180;
    private int adminPort = -1;
    private Duration orderTimeout = Duration.ofSeconds(5);
    private Duration inventoryTimeout = Duration.ofMillis(500);
    private Duration paymentTimeout = Duration.ofSeconds(1);
    private int retries = 2;
    private Duration backoff = Duration.ofMillis(50);
    private int queueCapacity = 200;
    private Duration publishWait = Duration.ofMillis(100);
    private int backlogWarning = 20;
    private Duration databaseTime = Duration.ofMillis(2);
    private int threadsPerService = 16;
    private final Map<String, String> versions = new LinkedHashMap<>(DEFAULT_VERSIONS);

    private Builder() {}

    public Builder bindAddress(String address) {
      this.bindAddress = requireNonNull(address, "address");
      return this;
    }

    /** Frontend port; the others follow it. 0 for ephemeral ports everywhere. */
    public Builder basePort(int port) {
      this.basePort = checkPort(port, "basePort");
      return this;
    }

    /** The admin port; base port + 9 unless set. */
    public Builder adminPort(int port) {
      this.adminPort = checkPort(port, "adminPort");
      return this;
    }

    public Builder orderTimeout(Duration timeout) {
      this.orderTimeout = positive(timeout, "orderTimeout");
      return this;
    }

    public Builder inventoryTimeout(Duration timeout) {
      this.inventoryTimeout = positive(timeout, "inventoryTimeout");
      return this;
    }

    public Builder paymentTimeout(Duration timeout) {
      this.paymentTimeout = positive(timeout, "paymentTimeout");
      return this;
    }

    /** Retries after a failed call from order to inventory or payment. */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be non-negative: " + retries);
      }
      this.retries = retries;
      return this;
    }

    public Builder backoff(Duration backoff) {
      this.backoff = requireNonNull(backoff, "backoff");
      return this;
    }

    /** Capacity of the orders.placed queue. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive: " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    public Builder publishWait(Duration wait) {
      this.publishWait = requireNonNull(wait, "wait");
      return this;
    }

    /** Queue depth from which the shipping consumer logs a backlog warning. */
    public Builder backlogWarning(int depth) {
      this.backlogWarning = depth;
      return this;
    }

    /** Service time of every simulated database call. */
    public Builder databaseTime(Duration time) {
      this.databaseTime = requireNonNull(time, "time");
      return this;
    }

    public Builder threadsPerService(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threadsPerService must be positive: " + threads);
      }
      this.threadsPerService = threads;
      return this;
    }

    public ShopConfig build() {
      return new ShopConfig(this);
    }

    private static int checkPort(int port, String name) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " out of range: " + port);
      }
      return port;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
