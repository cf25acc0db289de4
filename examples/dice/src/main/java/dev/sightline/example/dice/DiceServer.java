package dev.sightline.example.dice;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRoute;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRouteSource;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The dice HTTP server: the JDK's {@link HttpServer} with the OpenTelemetry {@code
 * java-http-server} instrumentation filter, which starts a server span per request and reports the
 * route template as {@code http.route}.
 */
public final class DiceServer implements AutoCloseable {
  static final String ANONYMOUS_ROUTE = "/rolldice";
  static final String PLAYER_ROUTE = "/rolldice/{player}";

  private final HttpServer server;
  private final ExecutorService executor;

  private DiceServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts the server on {@code address} (port 0 picks a free port). */
  public static DiceServer start(
      OpenTelemetry openTelemetry, InetSocketAddress address, RandomGenerator random)
      throws IOException {
    requireNonNull(openTelemetry, "openTelemetry");
    DiceRoller roller = new DiceRoller(openTelemetry, random);
    HttpServer server = HttpServer.create(address, 64);
    HttpContext context =
        server.createContext(ANONYMOUS_ROUTE, exchange -> handle(roller, exchange));
    JavaHttpServerTelemetry.create(openTelemetry).configure(context);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "dice-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new DiceServer(server, executor);
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting requests, lets in-flight ones finish for up to a second, and stops. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void handle(DiceRoller roller, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String player = null;
      String route;
      if (path.equals("/rolldice") || path.equals("/rolldice/")) {
        route = ANONYMOUS_ROUTE;
      } else if ((player = playerOf(path)) != null) {
        route = PLAYER_ROUTE;
      } else {
        respond(exchange, 404, "not found\n");
        return;
      }
      HttpServerRoute.update(Context.current(), HttpServerRouteSource.CONTROLLER, route);
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, "method not allowed\n");
        return;
      }
      int roll = roller.roll(player);
      respond(exchange, 200, roll + "\n");
    }
  }

  /** The {player} segment of {@code /rolldice/{player}}, or null if the path is not that route. */
  private static @Nullable String playerOf(String path) {
    String prefix = "/rolldice/";
    if (!path.startsWith(prefix)) {
      return null;
    }
    String player = path.substring(prefix.length());
    return player.isEmpty() || player.contains("/") ? null : player;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
