package dev.sightline.testing.clickhouse;

import dev.sightline.testing.ExternalTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real standalone ZooKeeper (Debian's {@code zookeeper} package, 3.8 here) for replicated
 * ClickHouse tables in tests: {@code java -cp /usr/share/java/zookeeper.jar
 * org.apache.zookeeper.server.ZooKeeperServerMain zoo.cfg} in a child JVM with its own temporary
 * data folder and a free loopback port, the admin server off. {@link #start()} waits until it
 * answers the four-letter command {@code ruok} with {@code imok}; {@link #close()} kills it and
 * deletes the folder.
 *
 * <p>The jar's manifest names its dependencies under {@code /usr/share/java}, so the jar alone is
 * the class path. A missing package skips the test outside CI and fails it under {@code CI=true}
 * (install it with {@code scripts/install-test-servers}).
 */
public final class ZooKeeperServer implements AutoCloseable {
  static final Path JAR = Path.of("/usr/share/java/zookeeper.jar");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final Process process;

  private ZooKeeperServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts a standalone server in a new temporary folder and waits until it serves. */
  public static ZooKeeperServer start() {
    if (!Files.isRegularFile(JAR)) {
      String missing = JAR + " is missing: run " + ExternalTools.INSTALL_COMMAND;
      if (ExternalTools.isCi(System.getenv("CI"))) throw new IllegalStateException(missing);
      System.out.println("Skipped: " + missing);
      Assumptions.abort(missing);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Path dir = Files.createTempDirectory("zookeeper-test-");
      Files.createDirectories(dir.resolve("data"));
      int port = freePort();
      Files.writeString(
          dir.resolve("zoo.cfg"),
          String.join(
              "\n",
              "tickTime=500",
              "dataDir=" + dir.resolve("data"),
              "clientPort=" + port,
              "clientPortAddress=127.0.0.1",
              "admin.enableServer=false",
              "4lw.commands.whitelist=ruok",
              "maxClientCnxns=0",
              ""));
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx128m",
                  "-cp",
                  JAR.toString(),
                  "org.apache.zookeeper.server.ZooKeeperServerMain",
                  dir.resolve("zoo.cfg").toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
      ZooKeeperServer server = new ZooKeeperServer(dir, port, p);
      try {
        server.awaitServing();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start ZooKeeper", e);
    }
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The {@code <zookeeper>} section of a ClickHouse config pointing at this server. */
  public String clickHouseConfig() {
    return "<zookeeper><node><host>127.0.0.1</host><port>"
        + port
        + "</port></node><session_timeout_ms>30000</session_timeout_ms></zookeeper>";
  }

  /** Whether the server answers {@code ruok} with {@code imok}. */
  public boolean isServing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write("ruok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).equals("imok");
    } catch (IOException e) {
      return false;
    }
  }

  private void awaitServing() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!isServing()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("ZooKeeper exited at start: " + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "ZooKeeper did not answer ruok within " + START_TIMEOUT + ": " + logTail());
      }
      try {
        process.waitFor(50, TimeUnit.MILLISECONDS); // returns at once if it exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for ZooKeeper", e);
      }
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("stdout.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Kills the server and deletes its folder. Idempotent. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
