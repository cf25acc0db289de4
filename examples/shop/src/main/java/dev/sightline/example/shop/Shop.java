package dev.sightline.example.shop;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.faults.Fault;
import dev.sightline.example.shop.faults.FaultSpec;
import dev.sightline.example.shop.faults.Faults;
import dev.sightline.example.shop.platform.Deployment;
import dev.sightline.example.shop.platform.MessageBroker;
import dev.sightline.example.shop.platform.ServiceHost;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.services.FrontendService;
import dev.sightline.example.shop.services.InventoryService;
import dev.sightline.example.shop.services.OrderService;
import dev.sightline.example.shop.services.PaymentService;
import dev.sightline.example.shop.services.ShippingService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The shop: frontend, order, inventory and payment, each on its own HTTP server and with its own
 * SDK instance and resource, calling each other over loopback sockets; the shipping consumer behind
 * an in-memory broker; and the fault switchboard.
 */
public final class Shop implements AutoCloseable {
  /** The HTTP services, in port order. */
  public static final List<String> HTTP_SERVICES =
      List.of(FrontendService.NAME, OrderService.NAME, InventoryService.NAME, PaymentService.NAME);

  private final ShopConfig config;
  private final ShopTelemetry telemetry;
  private final Faults faults = new Faults();
  private final Map<String, ServiceHost> hosts = new LinkedHashMap<>();
  private final MessageBroker broker;
  private final ConcurrentMap<String, Long> stock = InventoryService.initialStock();
  private final ServiceRuntime shippingRuntime;
  private final ShippingService shipping;
  private final List<Retired> retiring = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService janitor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "shop-retire");
            t.setDaemon(true);
            return t;
          });

  /** A replaced deployment waiting for its requests to finish. */
  private record Retired(ServiceRuntime runtime, long sinceNanos) {}

  /** A replaced deployment is closed at the latest this long after it was replaced. */
  private static final Duration MAX_DRAIN = Duration.ofSeconds(10);

  private Shop(ShopConfig config, ShopTelemetry telemetry) throws IOException {
    this.config = config;
    this.telemetry = telemetry;
    this.broker = new MessageBroker(OrderService.TOPIC, config.queueCapacity);
    for (int i = 0; i < HTTP_SERVICES.size(); i++) {
      String service = HTTP_SERVICES.get(i);
      hosts.put(
          service,
          ServiceHost.bind(
              service,
              new InetSocketAddress(config.bindAddress, config.port(i)),
              config.threadsPerService));
    }
    // callees first, so that nothing is called before it is deployed
    for (String service : List.of("payment", "inventory", "order", "frontend")) {
      deploy(service, Deployment.healthy(config.version(service)));
    }
    this.shippingRuntime =
        runtime(ShippingService.NAME, Deployment.healthy(config.version(ShippingService.NAME)));
    this.shipping =
        new ShippingService(
            shippingRuntime, broker, config.backlogWarning(), config.databaseTime());
    janitor.scheduleWithFixedDelay(this::retireDrained, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Binds every server and deploys every service. */
  public static Shop start(ShopConfig config, ShopTelemetry telemetry) throws IOException {
    return new Shop(requireNonNull(config, "config"), requireNonNull(telemetry, "telemetry"));
  }

  public ShopConfig config() {
    return config;
  }

  /** The frontend's base URI; checkouts are {@code POST /checkout}. */
  public URI frontend() {
    return hosts.get(FrontendService.NAME).uri();
  }

  /** The port of an HTTP service. */
  public int port(String service) {
    return hosts.get(service).port();
  }

  /** The version of {@code service} deployed now. */
  public String version(String service) {
    if (service.equals(ShippingService.NAME)) {
      return shippingRuntime.deployment().version();
    }
    return requireNonNull(hosts.get(service).runtime()).deployment().version();
  }

  /** Messages waiting for the shipping consumer. */
  public int queueDepth() {
    return broker.depth();
  }

  /**
   * Activates a fault. A bad release redeploys the service as the new version ({@code version=next}
   * bumps the minor version); other faults take effect on the next request.
   *
   * @return the fault as activated
   * @throws IllegalArgumentException for an unknown fault or bad parameters
   */
  public synchronized Fault enable(FaultSpec spec) {
    Fault fault = Fault.from(spec);
    if (fault instanceof Fault.BadRelease) {
      Fault.BadRelease release = (Fault.BadRelease) fault;
      Optional<Fault> previous = faults.get(release.name());
      if (previous.isPresent()
          && !((Fault.BadRelease) previous.get()).service().equals(release.service())) {
        rollBack((Fault.BadRelease) previous.get());
      }
      String version =
          release.version().equals("next")
              ? nextMinor(config.version(release.service()))
              : release.version();
      fault = new Fault.BadRelease(release.service(), version, release.delay(), release.rate());
      deploy(release.service(), new Deployment(version, release.delay(), release.rate()));
    }
    faults.enable(fault);
    return fault;
  }

  /** Deactivates the fault named {@code name}; a bad release is rolled back. */
  public synchronized Optional<Fault> disable(String name) {
    Optional<Fault> removed = faults.disable(name);
    removed
        .filter(f -> f instanceof Fault.BadRelease)
        .ifPresent(f -> rollBack((Fault.BadRelease) f));
    return removed;
  }

  /** Deactivates every fault. */
  public synchronized void clearFaults() {
    for (Fault fault : faults.active()) {
      disable(fault.name());
    }
  }

  /** The active faults. */
  public List<Fault> faults() {
    return faults.active();
  }

  /**
   * Waits until no request is in flight, the queue is drained and replaced deployments are closed.
   * For tests and orderly shutdown.
   */
  public void awaitIdle(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      retireDrained();
      boolean idle = shipping.idle() && retiring.isEmpty();
      for (ServiceHost host : hosts.values()) {
        idle &= host.inFlight() == 0;
      }
      if (idle) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("shop still busy after " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Stops the servers and the consumer, then flushes and closes every SDK. */
  @Override
  public synchronized void close() {
    janitor.shutdownNow();
    for (ServiceHost host : hosts.values()) {
      host.close();
    }
    shipping.close();
    List<ServiceRuntime> runtimes = new java.util.ArrayList<>();
    for (Retired retired : retiring) {
      runtimes.add(retired.runtime());
    }
    retiring.clear();
    for (ServiceHost host : hosts.values()) {
      ServiceRuntime runtime = host.runtime();
      if (runtime != null) {
        runtimes.add(runtime);
      }
    }
    runtimes.add(shippingRuntime);
    // in parallel: each flush may wait up to its timeout for an unreachable collector
    CompletableFuture.allOf(
            runtimes.stream()
                .map(r -> CompletableFuture.runAsync(r::close))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  private void rollBack(Fault.BadRelease release) {
    deploy(release.service(), Deployment.healthy(config.version(release.service())));
  }

  private ServiceRuntime runtime(String service, Deployment deployment) {
    return new ServiceRuntime(
        service, deployment, telemetry.create(service, deployment.version()), faults);
  }

  private synchronized void deploy(String service, Deployment deployment) {
    ServiceRuntime runtime = runtime(service, deployment);
    Map<String, HttpHandler> routes;
    switch (service) {
      case FrontendService.NAME:
        routes =
            new FrontendService(runtime, hosts.get(OrderService.NAME).uri(), config.orderTimeout())
                .routes();
        break;
      case OrderService.NAME:
        routes =
            new OrderService(
                    runtime,
                    hosts.get(InventoryService.NAME).uri(),
                    hosts.get(PaymentService.NAME).uri(),
                    broker,
                    config.inventoryTimeout(),
                    config.paymentTimeout(),
                    config.retries(),
                    config.backoff(),
                    config.publishWait(),
                    config.databaseTime())
                .routes();
        break;
      case InventoryService.NAME:
        routes = new InventoryService(runtime, stock, config.databaseTime()).routes();
        break;
      case PaymentService.NAME:
        routes = new PaymentService(runtime, config.databaseTime()).routes();
        break;
      default:
        throw new IllegalArgumentException("not an HTTP service: " + service);
    }
    ServiceRuntime previous = hosts.get(service).deploy(runtime, routes);
    if (previous != null) {
      // requests already running on the old deployment finish on it; close it afterwards
      retiring.add(new Retired(previous, System.nanoTime()));
      retireDrained();
    }
  }

  /** Closes replaced deployments once their host has no request in flight (or too late). */
  private void retireDrained() {
    for (Retired retired : retiring) {
      boolean drained = hosts.get(retired.runtime().service()).inFlight() == 0;
      boolean tooOld = System.nanoTime() - retired.sinceNanos() > MAX_DRAIN.toNanos();
      if ((drained || tooOld) && retiring.remove(retired)) {
        retired.runtime().close();
      }
    }
  }

  static String nextMinor(String version) {
    String[] parts = version.split("\\.");
    if (parts.length < 2) {
      return version + ".1";
    }
    try {
      return parts[0] + "." + (Integer.parseInt(parts[1]) + 1) + ".0";
    } catch (NumberFormatException e) {
      return version + "-next";
    }
  }
}
