package dev.sightline.testing.clickhouse;

import dev.sightline.testing.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code clickhouse-server} (Debian's package, 18.16 here) started for tests: its own
 * temporary folder (data, tmp, logs, config), free loopback HTTP and TCP ports, listening on
 * 127.0.0.1 only. {@link #start()} waits until {@code GET /ping} answers; {@link #close()} stops
 * the process and deletes the folder.
 *
 * <p>One server per test class is the intended use, with a fresh database per test ({@link
 * #newDatabase()}): a server starts in about a second, a database in milliseconds. {@link
 * #startCluster} starts several nodes that know each other through a {@code remote_servers} section
 * (one shard per node), for cluster tests.
 *
 * <p>Running as root: 18.16 starts as root without complaint when every path it writes is in a
 * folder it can write (no {@code runuser} needed); the Debian service's own config under {@code
 * /etc/clickhouse-server} is not used.
 *
 * <p>A missing binary skips the test outside CI and is installed (or fails the test) under {@code
 * CI=true}, through {@link ExternalTools}.
 */
public final class ClickHouseServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path binary;
  private final Path dir;
  private final int httpPort;
  private final int tcpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private @Nullable Process process;

  private ClickHouseServer(Path binary, Path dir, int httpPort, int tcpPort) {
    this.binary = binary;
    this.dir = dir;
    this.httpPort = httpPort;
    this.tcpPort = tcpPort;
  }

  /** Starts one node in a new temporary folder. */
  public static ClickHouseServer start() {
    Path binary = ExternalTools.require("clickhouse-server");
    ClickHouseServer server = create(binary, freePort(), freePort(), null);
    server.startProcess();
    return server;
  }

  /**
   * Starts {@code nodes} servers that form the cluster {@code clusterName}: every node's config
   * lists all of them in {@code remote_servers}, one shard of one replica per node, so a {@code
   * Distributed} table on any node spans all. Closing each node is the caller's job.
   */
  public static List<ClickHouseServer> startCluster(String clusterName, int nodes) {
    return startCluster(clusterName, nodes, 1, null);
  }

  /**
   * Starts {@code shards} × {@code replicas} servers that form the cluster {@code clusterName}
   * (nodes in shard order: shard 1's replicas first). With {@code zooKeeper}, every node is
   * configured with it and with the macros {@code {shard}} (1, 2, …) and {@code {replica}} ({@code
   * r1}, {@code r2}, …), and the shards use {@code internal_replication} (a {@code Distributed}
   * insert writes one replica, which replicates it): the setup {@code ReplicatedMergeTree} tables
   * need. Several replicas need ZooKeeper.
   */
  public static List<ClickHouseServer> startCluster(
      String clusterName, int shards, int replicas, @Nullable ZooKeeperServer zooKeeper) {
    return startCluster(clusterName, shards, replicas, zooKeeper, null);
  }

  /**
   * Starts {@code shards} unreplicated nodes forming the cluster {@code clusterName} in {@code
   * base/shard-1}, {@code base/shard-2}, … keeping whatever data they hold from an earlier run (a
   * benchmark's sharded store, filled once and queried later); every config is rewritten with new
   * free ports, which the {@code Distributed} tables follow since they name the cluster, not the
   * ports. {@link #stop()} keeps the data; {@link #close()} deletes a node's folder.
   */
  public static List<ClickHouseServer> startClusterIn(Path base, String clusterName, int shards) {
    return startCluster(clusterName, shards, 1, null, base);
  }

  private static List<ClickHouseServer> startCluster(
      String clusterName,
      int shards,
      int replicas,
      @Nullable ZooKeeperServer zooKeeper,
      @Nullable Path keepIn) {
    if (!clusterName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("clusterName must be an identifier: " + clusterName);
    }
    if (shards < 1) throw new IllegalArgumentException("shards must be positive");
    if (replicas < 1) throw new IllegalArgumentException("replicas must be positive");
    if (replicas > 1 && zooKeeper == null) {
      throw new IllegalArgumentException("several replicas need a ZooKeeper");
    }
    Path binary = ExternalTools.require("clickhouse-server");
    int nodes = shards * replicas;
    int[] http = new int[nodes];
    int[] tcp = new int[nodes];
    StringBuilder shardsXml = new StringBuilder();
    for (int s = 0; s < shards; s++) {
      shardsXml.append("<shard>");
      if (zooKeeper != null) shardsXml.append("<internal_replication>true</internal_replication>");
      for (int r = 0; r < replicas; r++) {
        int i = s * replicas + r;
        http[i] = freePort();
        tcp[i] = freePort();
        shardsXml
            .append("<replica><host>127.0.0.1</host><port>")
            .append(tcp[i])
            .append("</port></replica>");
      }
      shardsXml.append("</shard>");
    }
    String remoteServers =
        "<remote_servers><"
            + clusterName
            + ">"
            + shardsXml
            + "</"
            + clusterName
            + "></remote_servers>";
    List<ClickHouseServer> started = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        String extra = remoteServers;
        if (zooKeeper != null) {
          // replicas fetch parts from each other over the interserver HTTP port
          extra +=
              "<interserver_http_host>127.0.0.1</interserver_http_host><interserver_http_port>"
                  + freePort()
                  + "</interserver_http_port>"
                  + zooKeeper.clickHouseConfig()
                  + "<macros><shard>"
                  + (i / replicas + 1)
                  + "</shard><replica>r"
                  + (i % replicas + 1)
                  + "</replica></macros>";
        }
        ClickHouseServer node =
            keepIn == null
                ? create(binary, http[i], tcp[i], extra)
                : create(
                    binary,
                    createDirectories(keepIn.resolve("shard-" + (i + 1))),
                    http[i],
                    tcp[i],
                    extra);
        started.add(node);
        node.startProcess();
      }
      if (zooKeeper != null) {
        for (ClickHouseServer node : started) node.awaitZooKeeper();
      }
    } catch (RuntimeException e) {
      // a kept store is stopped, never deleted
      started.forEach(keepIn == null ? ClickHouseServer::close : ClickHouseServer::stop);
      throw e;
    }
    return started;
  }

  /**
   * Waits until this node reaches ZooKeeper: a replicated table created before that fails with "All
   * connection tries failed" (seen once under load: ClickHouse connects lazily and its first tries
   * can time out while ZooKeeper's JVM is still warming up).
   */
  private void awaitZooKeeper() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        execute("SELECT count() FROM system.zookeeper WHERE path = '/'");
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "clickhouse at " + url() + " did not reach ZooKeeper within " + START_TIMEOUT, e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * Starts one node in {@code dir}, keeping whatever data it holds from an earlier run there (a
   * benchmark's store, filled once and queried later): the config is rewritten with new free ports.
   * {@link #stop()} keeps the data; {@link #close()} deletes the folder.
   */
  public static ClickHouseServer startIn(Path dir) {
    Path binary = ExternalTools.require("clickhouse-server");
    ClickHouseServer server = create(binary, dir, freePort(), freePort(), null);
    server.startProcess();
    return server;
  }

  private static ClickHouseServer create(
      Path binary, int httpPort, int tcpPort, @Nullable String remoteServers) {
    try {
      return create(
          binary, Files.createTempDirectory("clickhouse-test-"), httpPort, tcpPort, remoteServers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a clickhouse-server folder", e);
    }
  }

  private static ClickHouseServer create(
      Path binary, Path dir, int httpPort, int tcpPort, @Nullable String remoteServers) {
    try {
      for (String sub : List.of("data", "tmp", "log", "user_files", "format_schemas")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Files.writeString(dir.resolve("config.xml"), config(dir, httpPort, tcpPort, remoteServers));
      Files.writeString(dir.resolve("users.xml"), USERS);
      return new ClickHouseServer(binary, dir, httpPort, tcpPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a clickhouse-server folder", e);
    }
  }

  static String config(Path dir, int httpPort, int tcpPort, @Nullable String remoteServers) {
    return """
        <?xml version="1.0"?>
        <yandex>
          <logger>
            <level>warning</level>
            <log>%1$s/log/server.log</log>
            <errorlog>%1$s/log/error.log</errorlog>
            <console>0</console>
          </logger>
          <listen_host>127.0.0.1</listen_host>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <mark_cache_size>67108864</mark_cache_size>
          <uncompressed_cache_size>67108864</uncompressed_cache_size>
          <max_concurrent_queries>100</max_concurrent_queries>
          %4$s
        </yandex>
        """
        .formatted(dir, httpPort, tcpPort, remoteServers == null ? "" : remoteServers);
  }

  private static final String USERS =
      """
      <?xml version="1.0"?>
      <yandex>
        <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
        <users>
          <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
          </default>
        </users>
        <quotas><default></default></quotas>
      </yandex>
      """;

  /** The HTTP interface, e.g. {@code http://127.0.0.1:34567}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The native protocol port (what {@code remote_servers} and {@code clickhouse-client} use). */
  public int tcpPort() {
    return tcpPort;
  }

  /** The process id of the running server, -1 when it is not running. */
  public synchronized long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** The server's folder (data, logs, config). */
  public Path dir() {
    return dir;
  }

  /** Creates a new empty database {@code test_N} and returns its name. */
  public String newDatabase() {
    String name = "test_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE IF NOT EXISTS " + name);
    return name;
  }

  /** Runs one statement over HTTP, failing on any answer but 200; returns the body. */
  public String execute(String sql) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + "/"))
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(sql))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "clickhouse answered " + response.statusCode() + " to " + sql + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("clickhouse at " + url() + " unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Stops the process (data kept), as a crash or an operator would; {@link #restart} resumes. */
  public synchronized void stop() {
    Process p = process;
    process = null;
    if (p == null) return;
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the process at once (SIGKILL, data kept), as a crash would; {@link #restart} resumes.
   * Faster than {@link #stop()}, whose graceful shutdown waits for open client connections.
   */
  public synchronized void kill() {
    Process p = process;
    process = null;
    if (p == null) return;
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the process again on the same folder and ports, after {@link #stop()}. */
  public synchronized void restart() {
    if (process != null) throw new IllegalStateException("the server is running");
    startProcess();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  private synchronized void startProcess() {
    try {
      process =
          new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("config.xml"))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("log/stdout.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    awaitPing();
  }

  /** Polls {@code /ping} until it answers {@code Ok.}; fails with the log's tail if it exits. */
  private void awaitPing() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(2)).build();
    while (true) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("clickhouse-server exited at start: " + logTail());
      }
      try {
        HttpResponse<String> r = http.send(ping, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().startsWith("Ok.")) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for clickhouse-server", e);
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException(
            "clickhouse-server did not answer /ping within " + START_TIMEOUT + ": " + logTail());
      }
      try {
        p.waitFor(50, TimeUnit.MILLISECONDS); // returns at once if it exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for clickhouse-server", e);
      }
    }
  }

  private String logTail() {
    StringBuilder sb = new StringBuilder();
    for (String file : List.of("log/stdout.log", "log/error.log")) {
      Path f = dir.resolve(file);
      try {
        if (!Files.exists(f)) continue;
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        sb.append('\n').append(file).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 20), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append("(cannot read ").append(f).append(")");
      }
    }
    return sb.toString();
  }

  /**
   * Kills the server and deletes its folder. Idempotent. A kill, not a graceful {@link #stop()}:
   * the data is deleted anyway, and a graceful shutdown waits for open client connections.
   *
   * <p>The folder is renamed at once and removed by an {@code rm -rf} left running in the
   * background: a class of storage tests leaves 10⁵ part files, whose deletion took a minute of the
   * test's time in the foreground.
   */
  @Override
  public void close() {
    kill();
    if (!Files.exists(dir)) return;
    Path trash = dir.resolveSibling(dir.getFileName() + ".deleted");
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      new ProcessBuilder("rm", "-rf", trash.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return;
    } catch (IOException e) {
      // no rename or no rm: delete here
    }
    Path left = Files.exists(dir) ? dir : trash;
    try (Stream<Path> files = Files.walk(left)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + left, e);
    }
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
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
