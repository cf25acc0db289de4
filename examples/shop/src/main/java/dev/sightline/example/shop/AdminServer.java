package dev.sightline.example.shop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sightline.example.shop.faults.Fault;
import dev.sightline.example.shop.faults.FaultSpec;
import dev.sightline.example.shop.platform.Form;
import dev.sightline.example.shop.platform.Http;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The shop's control plane (not instrumented: it is not part of the system under observation).
 *
 * <pre>
 * GET    /faults                  active faults, one per line
 * POST   /faults/{name}?k=v&amp;k=v   activate (or replace) a fault
 * DELETE /faults/{name}           deactivate it (a bad release is rolled back)
 * DELETE /faults                  deactivate all
 * GET    /stats                   load generator counters
 * GET    /health                  ok
 * </pre>
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  /** Starts the admin server for {@code shop} on {@code address}. */
  public static AdminServer start(Shop shop, InetSocketAddress address, Supplier<String> loadStats)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.createContext("/faults", exchange -> faults(shop, exchange));
    server.createContext(
        "/stats",
        exchange -> {
          try (exchange) {
            Http.respond(exchange, 200, loadStats.get() + "\n");
          }
        });
    server.createContext(
        "/health",
        exchange -> {
          try (exchange) {
            Http.respond(exchange, 200, "ok\n");
          }
        });
    server.start();
    return new AdminServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void faults(Shop shop, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String name = path.startsWith("/faults/") ? path.substring("/faults/".length()) : "";
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && name.isEmpty()) {
        Http.respond(exchange, 200, describe(shop));
      } else if (method.equals("POST") && !name.isEmpty()) {
        Map<String, String> params = Form.parse(exchange.getRequestURI().getRawQuery());
        try {
          Fault fault = shop.enable(new FaultSpec(name, params));
          Http.respond(exchange, 200, "enabled " + fault.describe() + "\n");
        } catch (Fault.UnknownFaultException e) {
          Http.respond(exchange, 404, e.getMessage() + "\n");
        } catch (IllegalArgumentException e) {
          Http.respond(exchange, 400, e.getMessage() + "\n");
        }
      } else if (method.equals("DELETE") && name.isEmpty()) {
        shop.clearFaults();
        Http.respond(exchange, 200, "all faults cleared\n");
      } else if (method.equals("DELETE")) {
        Optional<Fault> removed = shop.disable(name);
        if (removed.isPresent()) {
          Http.respond(exchange, 200, "disabled " + removed.get().describe() + "\n");
        } else {
          Http.respond(exchange, 404, "fault '" + name + "' is not active\n");
        }
      } else {
        Http.respond(exchange, 405, "use GET /faults, POST or DELETE /faults/{name}\n");
      }
    }
  }

  static String describe(Shop shop) {
    String active = shop.faults().stream().map(Fault::describe).collect(Collectors.joining("\n"));
    return active.isEmpty() ? "no active faults\n" : active + "\n";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
