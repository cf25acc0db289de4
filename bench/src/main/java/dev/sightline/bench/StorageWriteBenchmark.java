package dev.sightline.bench;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.storage.clickhouse.ClickHouseStorage;
import dev.sightline.storage.duckdb.DuckDbStorage;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage-layer benchmark of the DuckDB backend, or of the ClickHouse one (no OTLP decoding):
 * producer threads write batches of generated spans (15 per trace, about ten attributes each) as
 * fast as the storage acknowledges them, then trace-by-id lookups are timed while writes continue
 * and when idle.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.StorageWriteBenchmark [totalSpans] [dataDir] [producers] [batchSpans]
 * </pre>
 *
 * With {@code dataDir} {@code clickhouse} the spans go to a {@code clickhouse-server} started for
 * the run in a temporary folder (database {@code bench}); with {@code clickhouse=http://HOST:8123}
 * to that server's database {@code bench} (which should not exist yet).
 *
 * <p>Spans are generated up front (a pool of 60,000, re-used with fresh trace ids) so generation
 * does not compete with the storage for CPU while measuring.
 */
public final class StorageWriteBenchmark {
  private static final int IN_FLIGHT = 16;

  /**
   * When the last write was acknowledged: the sustained rate ends there, not when the monitoring
   * loop (which also times lookups while writing) notices that the producers are done.
   */
  private static final AtomicLong LAST_ACK_NANOS = new AtomicLong();

  private StorageWriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    String target = args.length > 1 ? args[1] : "";
    if (target.startsWith("clickhouse")) {
      runClickHouse(args, target);
      return;
    }
    Path dir = target.isEmpty() ? Files.createTempDirectory("sightline-bench") : Path.of(target);
    int producers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int batchSpans = args.length > 3 ? Integer.parseInt(args[3]) : 512;
    deleteRecursively(dir);

    List<List<Span>> pool = pool(total, producers, batchSpans, dir.toString());

    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(dir).build()) {
      run(storage, pool, total, producers, batchSpans);
    }
    System.out.printf(Locale.ROOT, "database size: %,d MB%n", size(dir) / 1_000_000);
  }

  /** Generated traces to write (15 spans each, fresh trace ids per write), described on stdout. */
  private static List<List<Span>> pool(long total, int producers, int batchSpans, String target) {
    long start = System.currentTimeMillis() * 1_000_000L - TimeUnit.HOURS.toNanos(1);
    TelemetryGenerator generator =
        TelemetryGenerator.builder().seed(1).startTimeUnixNano(start).spansPerTrace(15).build();
    List<List<Span>> pool = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) pool.add(generator.nextTrace());
    System.out.printf(
        Locale.ROOT,
        "pool: %d traces, %.1f attributes per span; writing %,d spans, %d producers, batches of ~%d spans to %s%n",
        pool.size(),
        pool.stream()
            .flatMap(List::stream)
            .mapToInt(s -> s.attributes().size())
            .average()
            .orElse(0),
        total,
        producers,
        batchSpans,
        target);
    return pool;
  }

  /**
   * The same run against ClickHouse: a server started here, or the one at {@code clickhouse=URL}.
   */
  private static void runClickHouse(String[] args, String target) throws Exception {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    int producers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int batchSpans = args.length > 3 ? Integer.parseInt(args[3]) : 512;
    List<List<Span>> pool = pool(total, producers, batchSpans, target);
    ClickHouseServer server = target.contains("=") ? null : ClickHouseServer.start();
    try {
      String url = server == null ? target.substring(target.indexOf('=') + 1) : server.url();
      try (ClickHouseStorage storage =
          ClickHouseStorage.builder().url(url).database("bench").build()) {
        System.out.println("ClickHouse " + storage.serverVersion() + " at " + url);
        run(storage, pool, total, producers, batchSpans);
      }
    } finally {
      if (server != null) server.close();
    }
  }

  private static void run(
      StorageComponent storage, List<List<Span>> pool, long total, int producers, int batchSpans)
      throws Exception {
    {
      AtomicLong written = new AtomicLong();
      AtomicLong rejected = new AtomicLong();
      AtomicLong nextTrace = new AtomicLong();
      List<String> sampleIds = new ArrayList<>();
      long t0 = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Thread t =
            new Thread(
                () ->
                    produce(
                        storage, pool, total, batchSpans, nextTrace, written, rejected, sampleIds),
                "producer-" + p);
        t.start();
        threads.add(t);
      }
      long lastWritten = 0;
      long lastTime = t0;
      double[] lookupLatencies = null;
      while (threads.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(5_000);
        long now = System.nanoTime();
        long w = written.get();
        System.out.printf(
            Locale.ROOT,
            "%6.0f s: %,d spans stored, %,.0f spans/s (last 5 s), queue %,d, rejected batches %,d%n",
            (now - t0) / 1e9,
            w,
            (w - lastWritten) / ((now - lastTime) / 1e9),
            storage.writer().queuedItems(),
            rejected.get());
        lastWritten = w;
        lastTime = now;
        if (lookupLatencies == null && w > total * 0.8) {
          lookupLatencies = lookups(storage, sampleIds, 300);
          report("getTrace while writing", lookupLatencies);
        }
      }
      for (Thread t : threads) t.join();
      double seconds = (LAST_ACK_NANOS.get() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "stored %,d spans in %.1f s: %,.0f spans/s sustained; %,d batches rejected (overload)%n",
          written.get(),
          seconds,
          written.get() / seconds,
          rejected.get());
      report("getTrace idle", lookups(storage, sampleIds, 500));
    }
  }

  private static void produce(
      StorageComponent storage,
      List<List<Span>> pool,
      long total,
      int batchSpans,
      AtomicLong nextTrace,
      AtomicLong written,
      AtomicLong rejected,
      List<String> sampleIds) {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    Random random = new Random(Thread.currentThread().getId());
    try {
      while (true) {
        List<Span> batch = new ArrayList<>(batchSpans + 15);
        while (batch.size() < batchSpans) {
          long n = nextTrace.getAndIncrement();
          if (n * 15 >= total) break;
          List<Span> template = pool.get((int) (n % pool.size()));
          String traceId = String.format("%016x%016x", random.nextLong(), n + 1);
          for (Span s : template) batch.add(s.toBuilder().traceId(traceId).build());
        }
        if (batch.isEmpty()) break;
        inFlight.acquire();
        while (true) {
          CompletableFuture<Void> write = storage.writer().writeSpans(batch);
          if (write.isCompletedExceptionally() && overloaded(write)) {
            rejected.incrementAndGet();
            Thread.sleep(20);
            continue;
          }
          int size = batch.size();
          String sampleId = batch.get(0).traceId(); // a trace of the batch, once durable
          write.whenComplete(
              (ok, error) -> {
                if (error == null) {
                  written.addAndGet(size);
                  LAST_ACK_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
                  synchronized (sampleIds) {
                    sampleIds.add(sampleId);
                  }
                } else {
                  error.printStackTrace();
                }
                inFlight.release();
              });
          break;
        }
      }
      inFlight.acquire(IN_FLIGHT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean overloaded(CompletableFuture<Void> write) throws InterruptedException {
    try {
      write.get();
      return false;
    } catch (ExecutionException e) {
      return e.getCause() instanceof StorageOverloadedException;
    }
  }

  private static double[] lookups(StorageComponent storage, List<String> sampleIds, int n) {
    List<String> ids;
    synchronized (sampleIds) {
      ids = new ArrayList<>(sampleIds);
    }
    Random random = new Random(7);
    double[] millis = new double[n];
    int found = 0;
    for (int i = 0; i < n; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      long s = System.nanoTime();
      found += storage.traceReader().getTrace("default", id).size();
      millis[i] = (System.nanoTime() - s) / 1e6;
    }
    if (found < n * 15)
      throw new IllegalStateException("lookups found " + found + " spans of " + n * 15);
    return millis;
  }

  private static void report(String what, double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%s: n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        what,
        sorted.length,
        sorted[sorted.length / 2],
        sorted[(int) (sorted.length * 0.9)],
        sorted[(int) (sorted.length * 0.99)],
        sorted[sorted.length - 1]);
  }

  private static long size(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
    }
  }
}
