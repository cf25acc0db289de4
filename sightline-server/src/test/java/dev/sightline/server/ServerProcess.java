package dev.sightline.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Sightline in a child JVM, so that tests can SIGKILL or SIGTERM it. */
final class ServerProcess implements AutoCloseable {
  final Process process;
  final int grpcPort;
  final int httpPort;
  final int apiPort;
  final Path log;

  private ServerProcess(Process process, int grpcPort, int httpPort, int apiPort, Path log) {
    this.process = process;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.apiPort = apiPort;
    this.log = log;
  }

  static ServerProcess start(Path dataDir, Path log, String... extraFlags) throws Exception {
    int grpc = freePort();
    int http = freePort();
    int api = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.sightline.server.Main");
    cmd.add("serve");
    cmd.addAll(
        List.of(
            "--data-dir", dataDir.toString(),
            "--otlp-grpc", "127.0.0.1:" + grpc,
            "--otlp-http", "127.0.0.1:" + http,
            "--http", "127.0.0.1:" + api,
            "--retention", "0"));
    cmd.addAll(List.of(extraFlags));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ServerProcess sp = new ServerProcess(p, grpc, http, api, log);
    sp.awaitHealthy(Duration.ofSeconds(60));
    return sp;
  }

  String otlpHttp() {
    return "http://127.0.0.1:" + httpPort;
  }

  String api() {
    return "http://127.0.0.1:" + apiPort;
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited with "
                + process.exitValue()
                + "; log: "
                + java.nio.file.Files.readString(log));
      }
      try {
        var r =
            TestServer.HTTP.send(
                HttpRequest.newBuilder(URI.create(api() + "/healthz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("server not healthy after " + timeout);
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the shutdown hook flushes and exits; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server did not stop within " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
