package dev.sightline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples the server's memory once a second while a run goes on: heap and old generation in use and
 * GC counts ({@code jstat -gc PID 1000}, one long-lived process reading the JVM's perf data),
 * resident set size ({@code /proc/PID/status}), and the storage queue and the receiver's in-flight
 * bytes ({@code /metrics}); each sample carries the phase it was taken in ({@link #mark}). The
 * bounds checked are the server's {@code MaxHeapSize} ({@code jcmd PID VM.flags}), {@code
 * --write-queue-items} and {@code --max-inflight-bytes}.
 */
final class ServerMemory {
  private record Sample(
      String phase,
      double seconds,
      double heapUsedBytes,
      double oldUsedBytes,
      long fullGcs,
      double rssBytes,
      double queueItems,
      double inflightBytes) {}

  private final long pid;
  private final HttpClient client;
  private final OverloadOptions options;
  private final long maxHeapBytes;
  private final long writeQueueItems;
  private final List<Sample> samples = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private volatile String phase = "measure";
  private volatile boolean stopped;
  private volatile double heapUsed = Double.NaN;
  private volatile double oldUsed = Double.NaN;
  private volatile long fullGcs = -1;
  private Process jstat;
  private Thread sampler;
  private Thread jstatReader;

  private ServerMemory(long pid, HttpClient client, OverloadOptions options) {
    this.pid = pid;
    this.client = client;
    this.options = options;
    this.maxHeapBytes = pid > 0 ? maxHeap(pid) : -1;
    this.writeQueueItems =
        options.writeQueueItems() > 0 || maxHeapBytes <= 0
            ? options.writeQueueItems()
            : dev.sightline.server.config.ServerConfig.defaultWriteQueueItems(maxHeapBytes);
  }

  static ServerMemory start(long pid, HttpClient client, OverloadOptions options)
      throws IOException {
    ServerMemory m = new ServerMemory(pid, client, options);
    if (pid > 0) {
      m.jstat =
          new ProcessBuilder("jstat", "-gc", Long.toString(pid), "1000")
              .redirectErrorStream(true)
              .start();
      m.jstatReader = new Thread(m::readJstat, "jstat-reader");
      m.jstatReader.setDaemon(true);
      m.jstatReader.start();
    }
    m.sampler = new Thread(m::sample, "memory-sampler");
    m.sampler.setDaemon(true);
    m.sampler.start();
    return m;
  }

  Map<String, Object> bounds() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maxHeapBytes", maxHeapBytes);
    m.put("writeQueueItems", writeQueueItems);
    m.put("maxInflightBytes", options.maxInflightBytes());
    return m;
  }

  void mark(String phase) {
    this.phase = phase;
  }

  /** Parses {@code jstat -gc} lines: the header names the columns (capacities and use in KB). */
  private void readJstat() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      String[] header = null;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 0 && f[0].equals("S0C")) {
          header = f;
          continue;
        }
        if (header == null || f.length != header.length) continue;
        double used = 0;
        double old = Double.NaN;
        long fgc = -1;
        for (int i = 0; i < header.length; i++) {
          switch (header[i]) {
            case "S0U", "S1U", "EU" -> used += Double.parseDouble(f[i]) * 1024;
            case "OU" -> {
              old = Double.parseDouble(f[i]) * 1024;
              used += old;
            }
            case "FGC" -> fgc = Long.parseLong(f[i]);
            default -> {}
          }
        }
        heapUsed = used;
        oldUsed = old;
        fullGcs = fgc;
      }
    } catch (IOException | RuntimeException e) {
      // the server stopped, or jstat did: the samples say so (NaN)
    }
  }

  private void sample() {
    while (!stopped) {
      ServerTotals t = null;
      try {
        t = ServerTotals.scrape(client, options);
      } catch (IOException e) {
        // a scrape that failed under load: the queue and in-flight of this second are unknown
      } catch (InterruptedException e) {
        return;
      }
      Sample s =
          new Sample(
              phase,
              (System.nanoTime() - startNanos) / 1e9,
              heapUsed,
              oldUsed,
              fullGcs,
              rss(pid),
              t == null ? Double.NaN : t.queueItems(),
              t == null ? Double.NaN : t.inflightBytes());
      synchronized (samples) {
        samples.add(s);
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling; the maxima per phase and whether every bound held. */
  Map<String, Object> stop() throws InterruptedException {
    stopped = true;
    sampler.interrupt();
    sampler.join();
    boolean alive = pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (jstat != null) jstat.destroy();
    List<Sample> all;
    synchronized (samples) {
      all = List.copyOf(samples);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> phases = new LinkedHashMap<>();
    double heapMax = 0;
    double queueMax = 0;
    double inflightMax = 0;
    for (String p : new String[] {"measure", "overload", "after"}) {
      List<Sample> of = all.stream().filter(s -> s.phase().equals(p)).toList();
      if (of.isEmpty()) continue;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("samples", of.size());
      m.put("heapUsedMaxMB", mb(max(of, Sample::heapUsedBytes)));
      m.put("oldGenUsedMaxMB", mb(max(of, Sample::oldUsedBytes)));
      m.put("oldGenUsedLastMB", mb(of.get(of.size() - 1).oldUsedBytes()));
      m.put("fullGcs", of.get(of.size() - 1).fullGcs() - of.get(0).fullGcs());
      m.put("rssMaxMB", mb(max(of, Sample::rssBytes)));
      m.put("storageQueueItemsMax", Math.round(max(of, Sample::queueItems)));
      m.put("inflightBytesMaxMB", mb(max(of, Sample::inflightBytes)));
      phases.put(p, m);
      heapMax = Math.max(heapMax, max(of, Sample::heapUsedBytes));
      queueMax = Math.max(queueMax, max(of, Sample::queueItems));
      inflightMax = Math.max(inflightMax, max(of, Sample::inflightBytes));
    }
    boolean heapOk = maxHeapBytes <= 0 || heapMax <= maxHeapBytes;
    boolean queueOk = writeQueueItems <= 0 || queueMax <= writeQueueItems;
    boolean inflightOk = inflightMax <= options.maxInflightBytes();
    out.put("maxHeapMB", mb(maxHeapBytes));
    out.put("phases", phases);
    out.put("serverAliveAtEnd", alive);
    out.put("heapWithinMax", heapOk);
    out.put("storageQueueWithinBound", queueOk);
    out.put("inflightWithinBound", inflightOk);
    out.put("withinBounds", alive && heapOk && queueOk && inflightOk);
    Object over = phases.get("overload");
    out.put(
        "summary",
        String.format(
            Locale.ROOT,
            "max heap %.0f MB; during the overload %s; server alive at the end: %s",
            mb(maxHeapBytes),
            over,
            alive));
    List<Map<String, Object>> series = new ArrayList<>();
    for (Sample s : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("t", Math.round(s.seconds()));
      m.put("phase", s.phase());
      m.put("heapMB", mb(s.heapUsedBytes()));
      m.put("oldMB", mb(s.oldUsedBytes()));
      m.put("rssMB", mb(s.rssBytes()));
      m.put("queue", Double.isNaN(s.queueItems()) ? -1 : Math.round(s.queueItems()));
      m.put("inflightMB", mb(s.inflightBytes()));
      series.add(m);
    }
    out.put("samples", series);
    return out;
  }

  private static double max(List<Sample> of, java.util.function.ToDoubleFunction<Sample> f) {
    double m = Double.NaN;
    for (Sample s : of) {
      double v = f.applyAsDouble(s);
      if (!Double.isNaN(v)) m = Double.isNaN(m) ? v : Math.max(m, v);
    }
    return m;
  }

  private static double mb(double bytes) {
    return Double.isNaN(bytes) ? -1 : Math.round(bytes / 1e5) / 10.0;
  }

  private static double rss(long pid) {
    if (pid <= 0) return Double.NaN;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");

  private static long maxHeap(long pid) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "VM.flags").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Matcher m = MAX_HEAP.matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
