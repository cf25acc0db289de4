package dev.sightline.example.dice;

import dev.sightline.kit.SightlineTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;

/**
 * Runs the dice service: {@code --port N} or {@code PORT} (default 8080). Telemetry goes to the
 * console unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set; every {@code OTEL_*} variable keeps
 * its standard meaning ({@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_SERVICE_NAME}, ...). SIGINT
 * (Ctrl+C) stops the server and flushes traces, metrics and logs before the JVM exits.
 */
public final class DiceApplication {
  static final int DEFAULT_PORT = 8080;

  private DiceApplication() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port;
    try {
      port = port(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("dice: " + e.getMessage());
      System.err.println("usage: run [--port N]   (or PORT=N; default " + DEFAULT_PORT + ")");
      System.exit(2);
      return;
    }
    SightlineTelemetry telemetry = telemetry().consoleExportersUnlessOtlpEndpointSet().build();
    DiceServer server;
    try {
      server =
          DiceServer.start(
              telemetry.openTelemetry(), new InetSocketAddress(port), RandomGenerator.getDefault());
    } catch (IOException e) {
      System.err.println("dice: cannot listen on port " + port + ": " + e.getMessage());
      telemetry.close();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    telemetry.addShutdownAction(
        () -> {
          System.out.println("dice: stopping, flushing telemetry");
          server.close();
          stopped.countDown();
        });
    System.out.println("dice: listening on http://localhost:" + server.port() + "/rolldice");
    stopped.await();
  }

  /** The telemetry configuration, shared with the tests; exporters are left to the caller. */
  static SightlineTelemetry.Builder telemetry() {
    return SightlineTelemetry.builder()
        .serviceName("dice")
        .serviceVersion("0.1.0")
        .deploymentEnvironment("dev")
        .installLogbackAppender();
  }

  /** The port from {@code --port N} / {@code --port=N}, else {@code PORT}, else 8080. */
  static int port(String[] args, Map<String, String> env) {
    String value = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--port needs a value");
        }
        value = args[++i];
      } else if (args[i].startsWith("--port=")) {
        value = args[i].substring("--port=".length());
      } else {
        throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (value == null) {
      value = env.get("PORT");
    }
    if (value == null || value.isBlank()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number: " + value, e);
    }
  }
}
