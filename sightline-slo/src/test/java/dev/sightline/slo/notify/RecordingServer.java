package dev.sightline.slo.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A real HTTP server on an ephemeral port that records every request body and answers with the
 * status its {@link IntSupplier} gives (called once per request); a status of 0 hangs until {@link
 * #close()}.
 */
final class RecordingServer implements AutoCloseable {
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final List<Integer> answered = new CopyOnWriteArrayList<>();

  /** The path of each request, parallel to {@link #bodies} and {@link #answered}. */
  final List<String> paths = new CopyOnWriteArrayList<>();

  private final HttpServer server;
  private final CountDownLatch closing = new CountDownLatch(1);

  RecordingServer(IntSupplier status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          int code;
          // one index for the three lists: a status added apart was seen matched with another
          // request's body under load (a 503's batch counted as delivered)
          synchronized (this) {
            code = status.getAsInt();
            paths.add(exchange.getRequestURI().getPath());
            bodies.add(body);
            answered.add(code);
          }
          if (code == 0) {
            try {
              closing.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            code = 503;
          }
          byte[] reply = (code >= 400 ? "no" : "ok").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(code, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
