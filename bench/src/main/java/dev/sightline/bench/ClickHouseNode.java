package dev.sightline.bench;

import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A {@code clickhouse-server} for the load harnesses, started through the test fixture ({@link
 * ClickHouseServer#startIn}: free loopback ports, its own folder) in a folder that outlives it, so
 * that a store filled by {@code bench/ingest-load --storage clickhouse --keep-data} can be queried
 * later by {@code bench/query-load}. Prints {@code URL PID} on one line once the server answers
 * {@code /ping}, then runs until SIGTERM, on which it stops the server gracefully (data kept; the
 * scripts delete the folder when the data is not to be kept).
 *
 * <pre>
 * java -cp ... dev.sightline.bench.ClickHouseNode DIR
 * </pre>
 */
public final class ClickHouseNode {
  private ClickHouseNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ClickHouseNode DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(dir);
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
}
