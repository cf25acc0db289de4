package dev.sightline.storage.duckdb;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the writer's time goes, per stored span: wall and thread CPU of each step of a group (each
 * table's appender creation, rows, flush; the derived aggregates; BEGIN; COMMIT), logged every 10
 * s. Off unless the JVM runs with {@code -Dsightline.duckdb.writerPhases=true}; then two clock
 * reads per step. Why it exists: JFR samples at most one thread in native code per period, so in a
 * whole server (event loops sit in native {@code epoll_wait}) it saw a quarter of the writer's
 * DuckDB time; these counters see all of it. Used for the table in the module README ("Where a
 * stored span's microseconds go").
 */
final class WriterPhases {
  private static final Logger logger = LoggerFactory.getLogger(WriterPhases.class);

  static final boolean ON = Boolean.getBoolean("sightline.duckdb.writerPhases");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Per step: wall nanos, CPU nanos, times. */
  private static final Map<String, LongAdder[]> STEPS = new ConcurrentHashMap<>();

  private static final LongAdder SPANS = new LongAdder();
  private static final LongAdder GROUPS = new LongAdder();

  static {
    if (ON) {
      Thread t = new Thread(WriterPhases::report, "sightline-duckdb-writer-phases");
      t.setDaemon(true);
      t.start();
    }
  }

  private WriterPhases() {}

  /** The clocks at the start of a step, or null when off. */
  static long @Nullable [] start() {
    return ON ? new long[] {System.nanoTime(), THREADS.getCurrentThreadCpuTime()} : null;
  }

  /** Adds the time since {@code start} to {@code step}. */
  static void end(String step, long @Nullable [] start) {
    if (start == null) return;
    add(step, System.nanoTime() - start[0], THREADS.getCurrentThreadCpuTime() - start[1]);
  }

  /** Adds measured time to {@code step} (a step timed inside a loop). */
  static void add(String step, long wallNanos, long cpuNanos) {
    if (!ON) return;
    LongAdder[] a =
        STEPS.computeIfAbsent(
            step, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    a[0].add(wallNanos);
    a[1].add(cpuNanos);
    a[2].increment();
  }

  /** A group of {@code spans} spans committed. */
  static void committed(int spans) {
    if (!ON) return;
    GROUPS.increment();
    SPANS.add(spans);
  }

  private static void report() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        return;
      }
      long spans = SPANS.sum();
      if (spans == 0) continue;
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              "writer phases, µs per span over %,d spans in %,d groups (wall / cpu / times):",
              spans, GROUPS.sum()));
      new TreeMap<>(STEPS)
          .forEach(
              (step, a) ->
                  b.append(
                      String.format(
                          "%n  %-34s %7.2f %7.2f %7d",
                          step, a[0].sum() / 1e3 / spans, a[1].sum() / 1e3 / spans, a[2].sum())));
      logger.info("{}", b);
    }
  }
}
