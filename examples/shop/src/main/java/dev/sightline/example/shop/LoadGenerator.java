package dev.sightline.example.shop;

import static java.util.Objects.requireNonNull;

import dev.sightline.example.shop.platform.Form;
import dev.sightline.example.shop.services.FrontendService;
import dev.sightline.example.shop.services.InventoryService;
import dev.sightline.example.shop.services.PaymentService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady checkout traffic: {@code rate} requests per second, spread over the tenants, on a fixed
 * schedule (an open loop: a slow shop does not slow the generator down). About 2% of checkouts ask
 * for a discontinued item and 2% pay with a card that is declined, so business rejections are part
 * of the normal picture. Requests that find every worker busy are counted as skipped, never queued.
 */
public final class LoadGenerator implements AutoCloseable {
  private final URI checkout;
  private final List<String> tenants;
  private final HttpClient client;
  private final ScheduledExecutorService ticker;
  private final ThreadPoolExecutor workers;
  private final SplittableRandom random;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong placed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  private LoadGenerator(URI frontend, double rate, List<String> tenants, long seed, int workers) {
    this.checkout = frontend.resolve("/checkout");
    this.tenants = List.copyOf(tenants);
    this.random = new SplittableRandom(seed);
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.workers =
        new ThreadPoolExecutor(
            workers,
            workers,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemon("load-worker"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("load-ticker"));
    long periodNanos = Math.max(1, Math.round(1e9 / rate));
    ticker.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts sending checkouts to {@code frontend} at {@code rate} per second for {@code tenants}.
   */
  public static LoadGenerator start(URI frontend, double rate, List<String> tenants, long seed) {
    requireNonNull(frontend, "frontend");
    if (!(rate > 0 && rate <= 1000)) {
      throw new IllegalArgumentException("rate must be in (0, 1000] per second: " + rate);
    }
    if (tenants.isEmpty()) {
      throw new IllegalArgumentException("at least one tenant");
    }
    int workers = (int) Math.min(256, Math.max(8, Math.ceil(rate * 10)));
    return new LoadGenerator(frontend, rate, tenants, seed, workers);
  }

  private void tick() {
    Map<String, String> form = new LinkedHashMap<>();
    String tenant;
    synchronized (random) {
      tenant = tenants.get(random.nextInt(tenants.size()));
      int roll = random.nextInt(100);
      form.put(
          "item", roll < 2 ? InventoryService.DISCONTINUED : "sku-" + (1 + random.nextInt(20)));
      form.put("quantity", Integer.toString(1 + random.nextInt(3)));
      form.put("card", roll >= 2 && roll < 4 ? PaymentService.DECLINED_CARD : "4111111111111111");
      form.put("email", "customer" + random.nextInt(10_000) + "@example.com");
    }
    HttpRequest request =
        HttpRequest.newBuilder(checkout)
            .timeout(Duration.ofSeconds(15))
            .header(FrontendService.TENANT_HEADER, tenant)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(Form.encode(form)))
            .build();
    try {
      workers.execute(() -> send(request));
    } catch (RejectedExecutionException e) {
      skipped.incrementAndGet();
    }
  }

  private void send(HttpRequest request) {
    sent.incrementAndGet();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status < 300) {
        placed.incrementAndGet();
      } else if (status < 500) {
        rejected.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
    } catch (java.io.IOException e) {
      failed.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long sent() {
    return sent.get();
  }

  public long placed() {
    return placed.get();
  }

  public long rejected() {
    return rejected.get();
  }

  public long failed() {
    return failed.get();
  }

  public long skipped() {
    return skipped.get();
  }

  /** One line: sent, placed (2xx), rejected (4xx), failed (5xx or no answer), skipped. */
  public String stats() {
    return "sent="
        + sent()
        + " placed="
        + placed()
        + " rejected="
        + rejected()
        + " failed="
        + failed()
        + " skipped="
        + skipped();
  }

  /** Stops scheduling and waits up to 20 s for the requests in flight. */
  @Override
  public void close() {
    ticker.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
