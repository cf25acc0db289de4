package dev.sightline.bench;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.storage.duckdb.DuckDbStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Storage-layer benchmark of log ingest into the DuckDB backend (no network, no OTLP decoding):
 * producer threads write batches of log records whose bodies look like the query benchmark's (a
 * request handled for a user id, a call with a request id, an order with an order id, a database
 * query; 60–100 characters) as fast as the storage acknowledges them. Measures what the log text
 * index costs at ingest when run against builds with and without it.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.LogWriteBenchmark [totalLogs] [dataDir] [producers] [batchLogs]
 * </pre>
 */
public final class LogWriteBenchmark {
  private static final int IN_FLIGHT = 16;

  private LogWriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("sightline-logs");
    int producers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int batchLogs = args.length > 3 ? Integer.parseInt(args[3]) : 512;
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    // bodies generated up front, so generation does not compete with the storage
    Random random = new Random(1);
    Resource resource =
        Resource.of(Attributes.ofStrings(Resource.SERVICE_NAME, "checkout", "host.name", "h-1"));
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) pool.add(body(random));
    long start = System.currentTimeMillis() * 1_000_000L - TimeUnit.HOURS.toNanos(1);
    AtomicLong next = new AtomicLong();
    AtomicLong written = new AtomicLong();
    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(dir).build()) {
      long t0 = System.nanoTime();
      long cpu0 = cpuNanos();
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Thread t =
            new Thread(
                () -> produce(storage, pool, resource, total, batchLogs, start, next, written),
                "producer-" + p);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) t.join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuMicros = (cpuNanos() - cpu0) / 1e3 / Math.max(1, written.get());
      System.out.printf(
          Locale.ROOT,
          "stored %,d logs in %.1f s: %,.0f logs/s, %.1f µs of process CPU per log%n",
          written.get(),
          seconds,
          written.get() / seconds,
          cpuMicros);
    }
  }

  /** CPU time of this process (all threads, DuckDB's included), less sensitive to other load. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String body(Random r) {
    return switch (r.nextInt(4)) {
      case 0 ->
          String.format(
              Locale.ROOT,
              "handled Shop.CartService.GetCart for user-%06d in %d ms",
              r.nextInt(500_000),
              r.nextInt(200));
      case 1 ->
          "calling inventory.shop.svc.cluster.local CheckStock request_id="
              + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
      case 2 ->
          String.format(
              Locale.ROOT,
              "PriceCalculator.total done for order ord-%s: %d items, total %d.%02d USD, cache %s",
              Long.toString((r.nextLong() & 0x3fffffffffffffffL) | 0x2000000000000000L, 36)
                  .substring(0, 12),
              1 + r.nextInt(10),
              r.nextInt(500),
              r.nextInt(100),
              r.nextBoolean() ? "hit" : "miss");
      default ->
          String.format(
              Locale.ROOT,
              "postgresql SELECT on orders returned %d rows in %d ms",
              r.nextInt(100),
              r.nextInt(50));
    };
  }

  private static void produce(
      DuckDbStorage storage,
      List<String> pool,
      Resource resource,
      long total,
      int batchLogs,
      long start,
      AtomicLong next,
      AtomicLong written) {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    try {
      while (true) {
        List<LogRecord> batch = new ArrayList<>(batchLogs);
        while (batch.size() < batchLogs) {
          long n = next.getAndIncrement();
          if (n >= total) break;
          long time = start + n * 100_000L;
          batch.add(
              LogRecord.builder()
                  .timeUnixNano(time)
                  .observedTimeUnixNano(time)
                  .severity(9, "INFO")
                  .body(pool.get((int) (n % pool.size())))
                  .attributes(Attributes.ofStrings("thread.name", "worker-" + (n % 8)))
                  .resource(resource)
                  .build());
        }
        if (batch.isEmpty()) break;
        inFlight.acquire();
        int size = batch.size();
        storage
            .writer()
            .writeLogs(batch)
            .whenComplete(
                (ok, e) -> {
                  inFlight.release();
                  if (e == null) written.addAndGet(size);
                  else if (!(e instanceof StorageOverloadedException)) e.printStackTrace();
                });
      }
      inFlight.acquire(IN_FLIGHT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
