package dev.sightline.example.shop.platform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.faults.DependencyUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;

/** Request and response plumbing for the services' handlers. */
public final class Http {
  private Http() {}

  /**
   * Handles a form POST with {@code endpoint}, mapping its failures to HTTP statuses: a {@link
   * Rejection} to its 4xx, an {@link UpstreamFailure} to 502/504, an unavailable dependency to 503,
   * anything else to 500 (logged).
   */
  public static HttpHandler post(Logger log, FormEndpoint endpoint) {
    return exchange -> {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
          exchange.getResponseHeaders().set("Allow", "POST");
          respond(exchange, 405, "method not allowed\n");
          return;
        }
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
          form = Form.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Response response;
        try {
          response = endpoint.handle(form, exchange);
        } catch (Rejection e) {
          response = new Response(e.status(), e.getMessage());
        } catch (UpstreamFailure e) {
          response = new Response(e.status(), e.getMessage());
        } catch (DependencyUnavailableException e) {
          log.error("request failed: {}", e.getMessage());
          response = new Response(503, e.getMessage());
        } catch (RuntimeException e) {
          log.error("request failed: {}", e.toString());
          response = new Response(500, e.toString());
        }
        respond(exchange, response.status(), response.body() + "\n");
      }
    };
  }

  /** A form endpoint: answers with a status and a one-line body. */
  @FunctionalInterface
  public interface FormEndpoint {
    Response handle(Map<String, String> form, HttpExchange exchange);
  }

  /** A status and a one-line body. */
  public record Response(int status, String body) {}

  /** Writes a plain-text response; a client that went away is not an error. */
  public static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    try {
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException clientGone) {
      // the caller timed out and closed the connection; its span already says so
    }
  }
}
