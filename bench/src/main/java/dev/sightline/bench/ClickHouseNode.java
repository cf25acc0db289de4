package dev.sightline.bench;

import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A {@code clickhouse-server} for the load harnesses, started through the test fixture ({@link
 * ClickHouseServer#startIn}: free loopback ports, its own folder) in a folder that outlives it, so
 * that a store filled by {@code bench/ingest-load --storage clickhouse --keep-data} can be queried
 * later by {@code bench/query-load}. Prints {@code URL PID} on one line once the server answers
 * {@code /ping}, then runs until SIGTERM, on which it stops the server gracefully (data kept; the
 * scripts delete the folder when the data is not to be kept).
 *
 * <p>With {@code --shards N} (N ≥ 2) it starts N local nodes forming the cluster {@code bench}
 * ({@link ClickHouseServer#startClusterIn}: one shard each, every node listing all in {@code
 * remote_servers}) in {@code DIR/shard-1} … {@code DIR/shard-N}, kept like a single node's, and
 * prints {@code URL,URL PID,PID}. {@code bench/query-load} starts a kept cluster again this way.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.ClickHouseNode DIR [--shards N]
 * </pre>
 */
public final class ClickHouseNode {
  private ClickHouseNode() {}

  public static void main(String[] args) throws Exception {
    int shards = 1;
    if (args.length == 3 && args[1].equals("--shards")) shards = Integer.parseInt(args[2]);
    if ((args.length != 1 && args.length != 3) || shards < 1) {
      System.err.println("usage: ClickHouseNode DIR [--shards N]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(dir);
    if (shards > 1) {
      cluster(dir, shards);
      return;
    }
    ClickHouseServer server = ClickHouseServer.startIn(dir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  stopped.countDown();
                },
                "clickhouse-node-stop"));
    System.out.println(server.url() + " " + server.pid());
    System.out.flush();
    stopped.await();
  }

  /** The name of the cluster in the nodes' {@code remote_servers}. */
  static final String CLUSTER = "bench";

  private static void cluster(Path dir, int shards) throws InterruptedException {
    List<ClickHouseServer> nodes = ClickHouseServer.startClusterIn(dir, CLUSTER, shards);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  nodes.forEach(ClickHouseServer::stop); // data kept
                  stopped.countDown();
                },
                "clickhouse-node-stop"));
    List<String> urls = new ArrayList<>();
    List<String> pids = new ArrayList<>();
    for (ClickHouseServer n : nodes) {
      urls.add(n.url());
      pids.add(Long.toString(n.pid()));
    }
    System.out.println(String.join(",", urls) + " " + String.join(",", pids));
    System.out.flush();
    stopped.await();
  }
}
