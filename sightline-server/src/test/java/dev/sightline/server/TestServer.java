package dev.sightline.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.server.config.ConfigLoader;
import dev.sightline.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** An in-process server on ephemeral loopback ports, with small HTTP helpers for tests. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final SightlineServer server;

  private TestServer(SightlineServer server) {
    this.server = server;
  }

  static TestServer start(Path dataDir, String... flagPairs) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("retention", "0");
    for (int i = 0; i < flagPairs.length; i += 2) flags.put(flagPairs[i], flagPairs[i + 1]);
    ServerConfig config = ConfigLoader.load(flags, Map.of()).withEphemeralLoopbackPorts();
    return new TestServer(SightlineServer.start(config));
  }

  /**
   * A server on the backend {@code openStorage} opens (e.g. a real one with capabilities hidden).
   */
  static TestServer start(
      Path dataDir,
      java.util.function.Function<
              dev.sightline.core.selftelemetry.SelfTelemetry,
              dev.sightline.server.storage.StorageBackends.Opened>
          openStorage) {
    ServerConfig config =
        ConfigLoader.load(Map.of("data-dir", dataDir.toString(), "retention", "0"), Map.of())
            .withEphemeralLoopbackPorts();
    return new TestServer(SightlineServer.start(config, openStorage));
  }

  String otlpHttp() {
    return "http://127.0.0.1:" + server.otlpHttpPort();
  }

  String otlpGrpc() {
    return "http://127.0.0.1:" + server.otlpGrpcPort();
  }

  String api() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  /** GETs an API path; returns status and parsed JSON body. */
  Response get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(api() + pathAndQuery)).GET().build());
  }

  /** POSTs to the OTLP/HTTP port. */
  HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(otlpHttp() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      String text = r.body().stripLeading();
      JsonNode body = text.startsWith("{") || text.startsWith("[") ? JSON.readTree(text) : null;
      return new Response(r.statusCode(), body, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SLO evaluation rounds completed so far (every SLO of every tenant once per round). */
  long evaluationRounds() {
    String prefix = "sightline_slo_evaluation_duration_seconds_count ";
    for (String line : metrics().split("\n")) {
      if (line.startsWith(prefix))
        return (long) Double.parseDouble(line.substring(prefix.length()));
    }
    return 0; // no round finished yet: the series appears with the first
  }

  /**
   * {@code /metrics}, asked again (up to 3 times) when the connection ends early: polled every 100
   * ms, the client can pick a pooled connection the server has just closed (CI: "EOF reached while
   * reading" right after a restart), which says nothing about the server.
   */
  private String metrics() {
    for (int attempt = 1; ; attempt++) {
      try {
        return get("/metrics").text();
      } catch (UncheckedIOException e) {
        if (attempt == 3) throw e;
      }
    }
  }

  /**
   * Waits until {@code rounds} more SLO evaluation rounds than now have completed, at most 60 s:
   * for checks that something did <i>not</i> happen over later evaluations, instead of a fixed
   * sleep.
   */
  void awaitEvaluationRounds(int rounds) throws InterruptedException {
    long target = evaluationRounds() + rounds;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (evaluationRounds() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(rounds + " more evaluation rounds did not complete within 60 s");
      }
      Thread.sleep(100);
    }
  }

  record Response(int status, JsonNode json, String text) {}

  @Override
  public void close() {
    server.close();
  }
}
