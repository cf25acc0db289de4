package dev.sightline.example.shop.platform;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP server of one service. It binds once; deployments come and go: {@link #deploy} swaps the
 * routes (and the OpenTelemetry instrumentation filter of the deployment's SDK) without closing the
 * socket, as a rolling release would, and returns the previous runtime to close.
 */
public final class ServiceHost implements AutoCloseable {
  private final String service;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<String> paths = new ArrayList<>();
  private @Nullable ServiceRuntime runtime;

  private ServiceHost(String service, HttpServer server, ExecutorService executor) {
    this.service = service;
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code address} for {@code service} (port 0 picks a free port) and starts serving. */
  public static ServiceHost bind(String service, InetSocketAddress address, int threads)
      throws IOException {
    HttpServer server = HttpServer.create(address, 128);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, service + "-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new ServiceHost(service, server, executor);
  }

  public String service() {
    return service;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}: how the other services call this one. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** Requests being served right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The deployment serving now. */
  public synchronized @Nullable ServiceRuntime runtime() {
    return runtime;
  }

  /**
   * Serves {@code routes} (exact paths) with {@code next}'s SDK instrumenting them; returns the
   * runtime that served before, for the caller to close once its requests have drained.
   */
  public synchronized @Nullable ServiceRuntime deploy(
      ServiceRuntime next, Map<String, HttpHandler> routes) {
    JavaHttpServerTelemetry instrumentation = JavaHttpServerTelemetry.create(next.openTelemetry());
    for (String path : paths) {
      server.removeContext(path);
    }
    paths.clear();
    for (Map.Entry<String, HttpHandler> route : routes.entrySet()) {
      String path = route.getKey();
      HttpHandler handler = route.getValue();
      HttpContext context =
          server.createContext(
              path,
              exchange -> {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                  Http.respond(exchange, 404, "not found\n");
                  return;
                }
                handler.handle(exchange);
              });
      context.getFilters().add(new InFlight());
      instrumentation.configure(context);
      paths.add(path);
    }
    ServiceRuntime previous = runtime;
    runtime = next;
    return previous;
  }

  /**
   * Waits up to a second for the requests in flight, then stops. ({@code HttpServer.stop(delay)}
   * would also wait out idle keep-alive connections for the whole delay.)
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class InFlight extends Filter {
    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      inFlight.incrementAndGet();
      try {
        chain.doFilter(exchange);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public String description() {
      return "counts requests in flight";
    }
  }
}
