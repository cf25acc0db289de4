package dev.sightline.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ingest load harness: a client process that sends OTLP/HTTP protobuf traces to a running
 * Sightline and reports sustained acknowledged spans per second, first against the
 * decode-and-discard endpoint ({@code /bench/discard/v1/traces}, started with {@code
 * --bench-discard-endpoint}), then against {@code /v1/traces}, which acknowledges only durable
 * spans. Then it verifies that nothing acknowledged was dropped (the server's stored counter and
 * trace-by-id lookups of sampled acknowledged traces), optionally fills the store to a target size,
 * and times trace-by-id lookups.
 *
 * <p>The client keeps its CPU low: a few hundred request bodies are generated and serialized once;
 * each send copies one and overwrites its trace ids, span ids and timestamps at pre-computed
 * offsets ({@link RequestTemplate}), so every trace id of the run is unique.
 *
 * <p>Run it through {@code bench/ingest-load}, which builds and starts the server; see {@link
 * HarnessOptions#USAGE} for the options.
 */
public final class IngestLoadHarness {
  private static final String DISCARD_PATH = "/bench/discard/v1/traces";
  private static final String STORE_PATH = "/v1/traces";
  private static final String LOGS_PATH = "/v1/logs";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
  private static final int MAX_CONSECUTIVE_IO_ERRORS = 20;

  private final HarnessOptions options;
  private final HttpClient client;
  private final List<RequestTemplate> templates = new ArrayList<>();
  private final TraceIds ids;
  private final long templateBaseNanos;
  private final AtomicLong nextTrace = new AtomicLong(1);

  /** Every request acknowledged by {@code /v1/traces}: first trace sequence × 65536 + template. */
  private final LongList acknowledged = new LongList();

  private final LongAdder storedAcked = new LongAdder();

  /** Log records acknowledged by {@code /v1/logs} (only with {@code --fill-logs}). */
  private final LongAdder logsAcked = new LongAdder();

  /** One per span template, built when the fill starts (only with {@code --fill-logs}). */
  private List<LogTemplate> logTemplates = List.of();

  private final List<PhaseResult> phases = new ArrayList<>();
  private final Map<String, Object> report = new LinkedHashMap<>();

  private IngestLoadHarness(HarnessOptions options) {
    this.options = options;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.ids = new TraceIds(new SplittableRandom(System.nanoTime()).nextLong());
    this.templateBaseNanos = System.currentTimeMillis() * 1_000_000L;
  }

  public static void main(String[] args) throws Exception {
    HarnessOptions options;
    boolean parseOnly = Arrays.asList(args).contains("--parse-only");
    try {
      options =
          HarnessOptions.parse(
              Arrays.stream(args).filter(a -> !a.equals("--parse-only")).toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) System.err.println("ingest-load: " + e.getMessage());
      System.err.print(HarnessOptions.USAGE);
      System.exit(2);
      return;
    }
    if (parseOnly) return;
    CpuUsage.trackDatabase(options.databasePids());
    int exit = new IngestLoadHarness(options).run();
    System.exit(exit);
  }

  private int run() throws Exception {
    report.put("startedAt", Instant.now().toString());
    report.put("revision", options.revision());
    report.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageAtStart", CpuUsage.loadAverage());
    report.put("options", optionsMap());
    buildTemplates();

    ServerMetrics atStart = ServerMetrics.scrape(client, options.api(), options.token());
    CpuUsage cpuAtStart = CpuUsage.now(options.serverPid());

    int warmDiscard = options.warmupSeconds() / 2;
    int warmStore = options.warmupSeconds() - warmDiscard;
    if (warmDiscard > 0) runPhase("warm-up discard", DISCARD_PATH, false, warmDiscard, 0);
    if (warmStore > 0) runPhase("warm-up stored", STORE_PATH, true, warmStore, 0);
    PhaseResult discard = runPhase("discard", DISCARD_PATH, false, options.durationSeconds(), 0);
    ServerMetrics beforeStored = ServerMetrics.scrape(client, options.api(), options.token());
    PhaseResult stored = runPhase("stored", STORE_PATH, true, options.durationSeconds(), 0);
    ServerMetrics afterStored = ServerMetrics.scrape(client, options.api(), options.token());
    long storedDelta = Math.round(afterStored.storedSpans() - beforeStored.storedSpans());
    stored.extra.put("serverStoredCounterDelta", storedDelta);
    stored.extra.put("serverRejectedDelta", afterStored.rejectedSince(beforeStored));

    if (options.fillLogs() > 0) buildLogTemplates();
    if (options.fillSpans() > storedAcked.sum() || options.fillLogs() > 0) {
      PhaseResult fill = runPhase("fill", STORE_PATH, true, 0, options.fillSpans());
      if (options.fillLogs() > 0) {
        fill.extra.put("acknowledgedLogs", fill.run.logs.sum());
        fill.extra.put("logRequestsFailed", fill.run.failedLogRequests.sum());
        fill.extra.put("logsPerSpanAverage", round3(logsPerSpan));
        System.out.printf(
            Locale.ROOT,
            "   fill logs: %,d log records acknowledged by %s (%.2f per span of the fill), %d"
                + " failed requests%n",
            fill.run.logs.sum(),
            LOGS_PATH,
            logsPerSpan,
            fill.run.failedLogRequests.sum());
      }
    }

    ServerMetrics atEnd = ServerMetrics.scrape(client, options.api(), options.token());
    CpuUsage cpuAtEnd = CpuUsage.now(options.serverPid());
    report.put("loadAverageAtEnd", CpuUsage.loadAverage());
    report.put("phases", phases.stream().map(PhaseResult::toMap).toList());

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("discardSpansPerSecond", round(discard.spansPerSecond()));
    summary.put("storedSpansPerSecond", round(stored.spansPerSecond()));
    summary.put("storedToDiscardRatio", round3(stored.spansPerSecond() / discard.spansPerSecond()));
    summary.put("storedRetries", stored.retries());
    summary.put("serverCpuMicrosPerSpanDiscard", round3(discard.serverCpuMicrosPerSpan()));
    summary.put("serverCpuMicrosPerSpanStored", round3(stored.serverCpuMicrosPerSpan()));
    summary.put(
        "target", "≥ 60000 stored spans/s, nothing dropped, trace by id p99 ≤ 20 ms at 10M spans");
    report.put("summary", summary);

    Map<String, Object> verification = verify(atStart, atEnd);
    report.put("verification", verification);
    Map<String, Object> lookups = timeLookups();
    report.put("traceById", lookups);
    report.put("wholeRunCores", coresMap(cpuAtEnd.coresSince(cpuAtStart)));
    report.put("finishedAt", Instant.now().toString());

    writeReport();
    printReport(discard, stored, verification, lookups);
    return Boolean.TRUE.equals(verification.get("nothingDropped")) ? 0 : 1;
  }

  // ---- templates ----

  private void buildTemplates() {
    long t0 = System.nanoTime();
    ShopTraceGenerator generator = new ShopTraceGenerator(options.seed(), templateBaseNanos);
    long bytes = 0;
    long spans = 0;
    long traces = 0;
    for (int i = 0; i < options.templates(); i++) {
      RequestTemplate t = RequestTemplate.of(generator.request(options.spansPerRequest()));
      templates.add(t);
      bytes += t.size();
      spans += t.spans();
      traces += t.traces();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestBodies", templates.size());
    m.put("spansPerRequestAverage", round3((double) spans / templates.size()));
    m.put("spansPerTraceAverage", round3((double) spans / traces));
    m.put("bytesPerRequestAverage", bytes / templates.size());
    m.put("bytesPerSpanAverage", round3((double) bytes / spans));
    m.put("attributesPerSpan", ShopTraceGenerator.ATTRIBUTES_PER_SPAN);
    report.put("load", m);
    System.out.printf(
        Locale.ROOT,
        "generated %d request bodies in %.1f s: %.0f spans (%.1f per trace), %,d bytes per request%n",
        templates.size(),
        (System.nanoTime() - t0) / 1e9,
        (double) spans / templates.size(),
        (double) spans / traces,
        bytes / templates.size());
  }

  private double logsPerSpan;

  /**
   * Log templates for the fill: about {@code --fill-logs} records over the spans the fill still has
   * to store (one per span when the measured phases already stored more than the fill target).
   */
  private void buildLogTemplates() {
    long t0 = System.nanoTime();
    long remaining = options.fillSpans() - storedAcked.sum();
    long floor = (long) options.spansPerRequest() * options.threads();
    logsPerSpan = remaining < floor ? 1.0 : (double) options.fillLogs() / remaining;
    List<LogTemplate> built = new ArrayList<>(templates.size());
    long records = 0;
    for (int i = 0; i < templates.size(); i++) {
      LogTemplate t = LogTemplate.of(templates.get(i).request(), logsPerSpan, options.seed() + i);
      built.add(t);
      records += t.records();
    }
    logTemplates = built;
    System.out.printf(
        Locale.ROOT,
        "%ngenerated %d log request bodies in %.1f s: %.2f log records per span, %.0f per request%n",
        built.size(),
        (System.nanoTime() - t0) / 1e9,
        logsPerSpan,
        (double) records / built.size());
  }

  // ---- load phases ----

  /** One phase in progress; shared by its sender threads. */
  private final class PhaseRun {
    final String name;
    final URI uri;
    final boolean store;
    final long deadlineNanos;
    final long fillTarget;
    final long startNanos = System.nanoTime();
    final LongAdder spans = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder retries503 = new LongAdder();
    final LongAdder retries429 = new LongAdder();
    final LongAdder ioRetries = new LongAdder();
    final LongAdder failedRequests = new LongAdder();
    final LongAdder partiallyRejectedSpans = new LongAdder();
    final LongAdder logs = new LongAdder();
    final LongAdder failedLogRequests = new LongAdder();
    final boolean withLogs;
    final URI logsUri;
    final LongList latencies = new LongList();
    final AtomicLongArray perSecond = new AtomicLongArray(24 * 3600);
    final Map<String, Integer> failures = new TreeMap<>();
    volatile boolean aborted;

    PhaseRun(String name, String path, boolean store, int seconds, long fillTarget) {
      this.name = name;
      this.uri = options.otlpHttp().resolve(path);
      this.store = store;
      this.deadlineNanos = seconds > 0 ? startNanos + seconds * 1_000_000_000L : Long.MAX_VALUE;
      this.fillTarget = fillTarget;
      this.withLogs = store && seconds == 0 && !logTemplates.isEmpty();
      this.logsUri = options.otlpHttp().resolve(LOGS_PATH);
    }

    boolean logsDone() {
      return logsAcked.sum() >= options.fillLogs();
    }

    boolean done() {
      if (aborted) return true;
      if (withLogs) return storedAcked.sum() >= fillTarget && logsDone();
      if (fillTarget > 0) return storedAcked.sum() >= fillTarget;
      return System.nanoTime() >= deadlineNanos;
    }

    void failure(String what) {
      synchronized (failures) {
        failures.merge(what.length() > 200 ? what.substring(0, 200) : what, 1, Integer::sum);
      }
    }
  }

  private PhaseResult runPhase(
      String name, String path, boolean store, int seconds, long fillTarget)
      throws InterruptedException {
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %s, %d threads, %s%n",
        name,
        path,
        options.threads(),
        fillTarget > 0
            ? String.format(Locale.ROOT, "until %,d spans stored", fillTarget)
            : seconds + " s");
    CpuUsage cpu0 = CpuUsage.now(options.serverPid());
    ServerThreads threads = ServerThreads.start(options.serverPid());
    PhaseRun run = new PhaseRun(name, path, store, seconds, fillTarget);
    List<Thread> senders = new ArrayList<>();
    AtomicInteger offset = new AtomicInteger();
    for (int i = 0; i < options.threads(); i++) {
      int first = offset.getAndAdd(templates.size() / options.threads() + 1);
      Thread t = new Thread(() -> send(run, first), "sender-" + i);
      t.setDaemon(true);
      t.start();
      senders.add(t);
    }
    Thread progress = new Thread(() -> progress(run), "progress");
    progress.setDaemon(true);
    progress.start();
    for (Thread t : senders) t.join();
    long endNanos = System.nanoTime();
    progress.interrupt();
    progress.join();
    CpuUsage cpu1 = CpuUsage.now(options.serverPid());
    PhaseResult result = new PhaseResult(run, endNanos, cpu0, cpu1);
    Map<String, Double> busiest = threads.busiest(result.seconds, 8);
    if (!busiest.isEmpty()) result.extra.put("serverThreadCores", busiest);
    Double writer = busiest.get("sightline-duckdb-writer");
    if (writer == null) writer = busiest.get("clickhouse-writer");
    if (writer != null && result.spans > 0) {
      // CPU of the single storage writer thread per stored span: its ceiling is 1e6 / this
      result.extra.put("writerThreadMicrosPerSpan", round3(writer * 1e6 / result.spansPerSecond()));
    }
    phases.add(result);
    System.out.println("   " + result.oneLine());
    if (!busiest.isEmpty()) System.out.println("   busiest server threads (cores): " + busiest);
    return result;
  }

  /** Spans sent to the storing endpoint so far, for {@code --fill-hours}. */
  private final AtomicLong storedSent = new AtomicLong();

  /**
   * The event time of a request: now, or with {@code --fill-hours H} on a storing phase, a time
   * that moves from H hours ago to now as the spans sent approach {@code --fill-spans}, so the
   * store looks like H hours of traffic at a steady rate instead of a few minutes of it.
   */
  private long stampNanos(PhaseRun run, int spans) {
    long now = System.currentTimeMillis() * 1_000_000L;
    if (options.fillHours() <= 0 || !run.store) return now;
    long sent = storedSent.getAndAdd(spans);
    double remaining = Math.max(0.0, 1.0 - (double) sent / options.fillSpans());
    return now - (long) (options.fillHours() * 3_600e9 * remaining);
  }

  private void send(PhaseRun run, int firstTemplate) {
    int next = firstTemplate;
    int consecutiveIoErrors = 0;
    while (!run.done()) {
      int index = next++ % templates.size();
      RequestTemplate template = templates.get(index);
      long firstTrace = nextTrace.getAndAdd(template.traces());
      long shift = stampNanos(run, template.spans()) - templateBaseNanos;
      byte[] body = template.stamp(ids, firstTrace, shift);
      HttpRequest request =
          request(run.uri)
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      while (true) {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
          response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          run.ioRetries.increment();
          run.failure("I/O: " + e);
          if (++consecutiveIoErrors >= MAX_CONSECUTIVE_IO_ERRORS) {
            run.aborted = true;
            return;
          }
          sleep(1_000);
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        consecutiveIoErrors = 0;
        long latency = System.nanoTime() - t0;
        int status = response.statusCode();
        if (status == 200) {
          long rejected = rejectedSpans(response.body());
          long accepted = template.spans() - rejected;
          if (rejected > 0) {
            run.partiallyRejectedSpans.add(rejected);
            run.failure("200 with partial success: " + rejected + " spans rejected");
          }
          run.spans.add(accepted);
          run.requests.increment();
          run.bytes.add(body.length);
          run.latencies.add(latency);
          int second = (int) ((System.nanoTime() - run.startNanos) / 1_000_000_000L);
          if (second < run.perSecond.length()) run.perSecond.addAndGet(second, accepted);
          if (run.store) {
            if (rejected == 0) acknowledged.add(firstTrace * 65536 + index);
            storedAcked.add(accepted);
          }
          if (run.withLogs && rejected == 0 && !run.logsDone()) {
            LogTemplate logs = logTemplates.get(index);
            if (!sendLogs(run, logs.stamp(ids, firstTrace, shift), logs.records())) return;
          }
          break;
        }
        if (status == 503 || status == 429) {
          (status == 503 ? run.retries503 : run.retries429).increment();
          sleep(retryAfterSeconds(response) * 1_000);
          continue; // the same body again
        }
        run.failedRequests.increment();
        run.failure(
            status
                + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        break;
      }
    }
  }

  /**
   * Sends one log request (re-sent after 503/429 like spans); false when the sender should stop.
   */
  private boolean sendLogs(PhaseRun run, byte[] body, int records) {
    HttpRequest request =
        request(run.logsUri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int ioErrors = 0;
    while (true) {
      HttpResponse<byte[]> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        run.failure("logs I/O: " + e);
        if (++ioErrors >= MAX_CONSECUTIVE_IO_ERRORS) {
          run.aborted = true;
          return false;
        }
        sleep(1_000);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      int status = response.statusCode();
      if (status == 503 || status == 429) {
        sleep(retryAfterSeconds(response) * 1_000);
        continue;
      }
      if (status != 200) {
        run.failedLogRequests.increment();
        run.failure(
            "logs "
                + status
                + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        return true;
      }
      long rejected = 0;
      try {
        ExportLogsServiceResponse r = ExportLogsServiceResponse.parseFrom(response.body());
        if (r.hasPartialSuccess()) rejected = r.getPartialSuccess().getRejectedLogRecords();
      } catch (IOException e) {
        // an empty or odd body: nothing rejected that we can tell
      }
      if (rejected > 0) run.failure("logs 200 with partial success: " + rejected + " rejected");
      run.logs.add(records - rejected);
      logsAcked.add(records - rejected);
      return true;
    }
  }

  /** Retry-After in seconds (an HTTP date or a missing header count as 1 s). */
  private static long retryAfterSeconds(HttpResponse<?> response) {
    String value = response.headers().firstValue("retry-after").orElse("1").trim();
    try {
      return Math.max(0, Math.min(60, Long.parseLong(value)));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static long rejectedSpans(byte[] body) {
    if (body.length == 0) return 0;
    try {
      ExportTraceServiceResponse r = ExportTraceServiceResponse.parseFrom(body);
      return r.hasPartialSuccess() ? r.getPartialSuccess().getRejectedSpans() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private void progress(PhaseRun run) {
    long lastSpans = 0;
    long lastNanos = run.startNanos;
    while (true) {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long spans = run.spans.sum();
      String queue = "";
      if (run.store) {
        try {
          queue =
              String.format(
                  Locale.ROOT,
                  ", storage queue %,.0f items",
                  ServerMetrics.scrape(client, options.api(), options.token()).queueItems());
        } catch (IOException e) {
          queue = ", /metrics: " + e;
        } catch (InterruptedException e) {
          return;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "   %5.0f s  %,12d spans  %,9.0f spans/s (last 5 s)  retries %d%s%s%s%n",
          (now - run.startNanos) / 1e9,
          run.store ? storedAcked.sum() : spans,
          (spans - lastSpans) / ((now - lastNanos) / 1e9),
          run.retries503.sum() + run.retries429.sum(),
          run.store ? " total stored" : "",
          queue,
          run.withLogs ? String.format(Locale.ROOT, ", %,d logs", run.logs.sum()) : "");
      lastSpans = spans;
      lastNanos = now;
    }
  }

  /** The outcome of a phase. */
  private final class PhaseResult {
    final PhaseRun run;
    final double seconds;
    final long spans;
    final long requests;
    final long[] latencies;
    final double[] cores;
    final long serverCpuNanos;
    final long databaseCpuNanos;
    final Map<String, Object> extra = new LinkedHashMap<>();

    PhaseResult(PhaseRun run, long endNanos, CpuUsage cpu0, CpuUsage cpu1) {
      this.run = run;
      this.seconds = (endNanos - run.startNanos) / 1e9;
      this.spans = run.spans.sum();
      this.requests = run.requests.sum();
      this.latencies = run.latencies.toSortedArray();
      this.cores = cpu1.coresSince(cpu0);
      this.serverCpuNanos = cpu1.serverNanosSince(cpu0);
      this.databaseCpuNanos = cpu1.databaseNanosSince(cpu0);
    }

    double spansPerSecond() {
      return spans / seconds;
    }

    long retries() {
      return run.retries503.sum() + run.retries429.sum();
    }

    double serverCpuMicrosPerSpan() {
      return serverCpuNanos < 0 || spans == 0 ? Double.NaN : serverCpuNanos / 1e3 / spans;
    }

    /** Acknowledged spans in each whole second, without the first and the last (ramp). */
    long[] steadySeconds() {
      int full = (int) Math.floor(seconds);
      if (full < 3) return new long[0];
      long[] out = new long[full - 2];
      for (int i = 1; i < full - 1; i++) out[i - 1] = run.perSecond.get(i);
      Arrays.sort(out);
      return out;
    }

    String oneLine() {
      return String.format(
          Locale.ROOT,
          "%,d spans in %,d requests, %.1f s: %,.0f spans/s; latency p50 %.1f ms, p99 %.1f ms;"
              + " retries %d (503: %d, 429: %d), I/O retries %d, failed %d; cores: client %.2f,"
              + " server %.2f, others %.2f%s",
          spans,
          requests,
          seconds,
          spansPerSecond(),
          percentileMillis(latencies, 50),
          percentileMillis(latencies, 99),
          retries(),
          run.retries503.sum(),
          run.retries429.sum(),
          run.ioRetries.sum(),
          run.failedRequests.sum(),
          cores[0],
          cores[1],
          cores[2],
          Double.isNaN(cores[4])
              ? ""
              : String.format(Locale.ROOT, " (clickhouse-server %.2f)", cores[4]));
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", run.name);
      m.put("endpoint", run.uri.getPath());
      m.put("seconds", round3(seconds));
      m.put("acknowledgedSpans", spans);
      m.put("acknowledgedRequests", requests);
      m.put("spansPerSecond", round(spansPerSecond()));
      m.put("requestsPerSecond", round3(requests / seconds));
      m.put("megabytesPerSecond", round3(run.bytes.sum() / 1e6 / seconds));
      long[] steady = steadySeconds();
      if (steady.length > 0) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min", steady[0]);
        s.put("median", steady[steady.length / 2]);
        s.put("max", steady[steady.length - 1]);
        s.put("secondsWithoutAnyAck", Arrays.stream(steady).filter(v -> v == 0).count());
        m.put("spansPerWholeSecond", s);
      }
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("p50", round3(percentileMillis(latencies, 50)));
      l.put("p90", round3(percentileMillis(latencies, 90)));
      l.put("p99", round3(percentileMillis(latencies, 99)));
      l.put("max", round3(percentileMillis(latencies, 100)));
      m.put("requestLatencyMillis", l);
      m.put("retries", retries());
      m.put("retries503", run.retries503.sum());
      m.put("retries429", run.retries429.sum());
      m.put("ioRetries", run.ioRetries.sum());
      m.put("failedRequests", run.failedRequests.sum());
      m.put("partiallyRejectedSpans", run.partiallyRejectedSpans.sum());
      if (!run.failures.isEmpty()) m.put("failures", run.failures);
      m.put("cores", coresMap(cores));
      m.put("serverCpuMicrosPerSpan", round3(serverCpuMicrosPerSpan()));
      if (databaseCpuNanos >= 0 && spans > 0) {
        m.put("databaseServerCpuMicrosPerSpan", round3(databaseCpuNanos / 1e3 / spans));
      }
      m.putAll(extra);
      return m;
    }
  }

  // ---- verification and lookups ----

  private Map<String, Object> verify(ServerMetrics atStart, ServerMetrics atEnd) {
    Map<String, Object> v = new LinkedHashMap<>();
    long acked = storedAcked.sum();
    long counted = Math.round(atEnd.storedSpans() - atStart.storedSpans());
    Map<String, Long> rejected = atEnd.rejectedSince(atStart);
    long failed = 0;
    long ioRetries = 0;
    long partial = 0;
    for (PhaseResult p : phases) {
      if (!p.run.store) continue;
      failed += p.run.failedRequests.sum();
      ioRetries += p.run.ioRetries.sum();
      partial += p.run.partiallyRejectedSpans.sum();
    }
    boolean aborted = phases.stream().anyMatch(p -> p.run.aborted);
    v.put("acknowledgedSpans", acked);
    v.put("acknowledgedTraces", acknowledgedTraces());
    v.put("serverStoredCounterDelta", counted);
    v.put("serverRejectedDelta", rejected);
    v.put("failedRequests", failed);
    v.put("partiallyRejectedSpans", partial);
    v.put("ioRetries", ioRetries);
    v.put("abortedOnErrors", aborted);
    boolean countsMatch = acked == counted;
    v.put("countersMatch", countsMatch);
    System.out.printf(
        Locale.ROOT,
        "%nverification: %,d spans acknowledged by /v1/traces, server stored counter +%,d, rejected %s%n",
        acked,
        counted,
        rejected);
    return v;
  }

  private long acknowledgedTraces() {
    long n = 0;
    for (long a : acknowledged.toArray()) n += templates.get((int) (a & 0xffff)).traces();
    return n;
  }

  /** Verification tallies of looked-up acknowledged traces. */
  private static final class LookupTally {
    int checked;
    int complete;
    int missing;
    int incomplete;
    int excess;
    final List<String> problems = new ArrayList<>();
  }

  /**
   * Looks up acknowledged traces chosen uniformly across everything stored: untimed warm-up
   * lookups, then {@code --query-rounds} timed rounds; every lookup also verifies the trace is
   * complete. Then unknown ids, expecting 404.
   */
  private Map<String, Object> timeLookups() throws InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    long[] acks = acknowledged.toArray();
    m.put("storedSpansAtLookup", storedAcked.sum());
    if (acks.length == 0) return m;
    SplittableRandom random = new SplittableRandom(options.seed() + 7);
    LookupTally tally = new LookupTally();
    for (int i = 0; i < options.queryWarmup(); i++) lookUp(acks, random, tally);
    long[] all = new long[options.querySamples() * options.queryRounds()];
    List<Map<String, Object>> rounds = new ArrayList<>();
    for (int round = 0; round < options.queryRounds(); round++) {
      ServerMetrics metrics0 = scrapeQuietly();
      CpuUsage cpu0 = CpuUsage.now(options.serverPid());
      ServerThreads threads = ServerThreads.start(options.serverPid());
      long[] timed = new long[options.querySamples()];
      for (int i = 0; i < timed.length; i++) timed[i] = lookUp(acks, random, tally);
      CpuUsage cpu1 = CpuUsage.now(options.serverPid());
      Map<String, Double> busiest = threads.busiest((cpu1.wallNanos() - cpu0.wallNanos()) / 1e9, 6);
      ServerMetrics metrics1 = scrapeQuietly();
      System.arraycopy(timed, 0, all, round * timed.length, timed.length);
      Arrays.sort(timed);
      Map<String, Object> r = latencyMap(timed, timed.length);
      long sum = 0;
      for (long t : timed) sum += t;
      r.put("mean", round3(sum / 1e6 / timed.length));
      r.put("cores", coresMap(cpu1.coresSince(cpu0)));
      if (metrics0 != null && metrics1 != null) {
        r.put("serverSide", metrics1.traceLookupsSince(metrics0));
      }
      if (!busiest.isEmpty()) r.put("serverThreadCores", busiest);
      rounds.add(r);
      System.out.printf(
          Locale.ROOT,
          "trace by id, round %d: %d lookups, p50 %.1f ms, p99 %.1f ms, max %.1f ms (other"
              + " processes used %.2f cores)%n",
          round + 1,
          timed.length,
          percentileMillis(timed, 50),
          percentileMillis(timed, 99),
          percentileMillis(timed, 100),
          cpu1.coresSince(cpu0)[2]);
    }
    Arrays.sort(all);
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("tracesChecked", tally.checked);
    sample.put("complete", tally.complete);
    sample.put("missing", tally.missing);
    sample.put("incomplete", tally.incomplete);
    sample.put("moreSpansThanSent", tally.excess);
    if (!tally.problems.isEmpty()) sample.put("problems", tally.problems);
    m.put("sampleVerification", sample);
    m.put("knownIdLatencyMillis", latencyMap(all, all.length));
    m.put("knownIdRounds", rounds);

    long[] unknown = new long[options.unknownIds()];
    int notFound = 0;
    for (int i = 0; i < unknown.length; i++) {
      String id = String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
      long t0 = System.nanoTime();
      int found;
      try {
        found = spansOfTrace(id);
      } catch (IOException e) {
        found = -2;
      }
      unknown[i] = System.nanoTime() - t0;
      if (found == -1) notFound++;
    }
    Arrays.sort(unknown);
    m.put("unknownIds", unknown.length);
    m.put("unknownIdsAnswered404", notFound);
    m.put("unknownIdLatencyMillis", latencyMap(unknown, unknown.length));

    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) report.get("verification");
    boolean countersMatch = Boolean.TRUE.equals(v.get("countersMatch"));
    boolean clean =
        ((long) v.get("failedRequests")) == 0
            && ((long) v.get("partiallyRejectedSpans")) == 0
            && !Boolean.TRUE.equals(v.get("abortedOnErrors"));
    v.put("sampleTracesComplete", tally.complete + " of " + tally.checked);
    v.put("nothingDropped", countersMatch && clean && tally.complete == tally.checked);
    return m;
  }

  private ServerMetrics scrapeQuietly() throws InterruptedException {
    try {
      return ServerMetrics.scrape(client, options.api(), options.token());
    } catch (IOException e) {
      return null;
    }
  }

  /** Looks up one random acknowledged trace, checks its span count; returns the nanoseconds. */
  private long lookUp(long[] acks, SplittableRandom random, LookupTally tally)
      throws InterruptedException {
    long a = acks[random.nextInt(acks.length)];
    RequestTemplate t = templates.get((int) (a & 0xffff));
    int trace = random.nextInt(t.traces());
    String id = ids.hex((a >>> 16) + trace);
    int expected = t.spansOfTrace(trace);
    long t0 = System.nanoTime();
    int found;
    String error = null;
    try {
      found = spansOfTrace(id);
    } catch (IOException e) {
      found = -2;
      error = e.toString();
    }
    long nanos = System.nanoTime() - t0;
    tally.checked++;
    if (found == expected) tally.complete++;
    else if (found == -1) tally.missing++;
    else if (found > expected) tally.excess++;
    else tally.incomplete++;
    if (found != expected && tally.problems.size() < 20) {
      tally.problems.add(
          id + ": expected " + expected + " spans, " + (error != null ? error : "found " + found));
    }
    return nanos;
  }

  /** A request to {@code uri}, with {@code Authorization: Bearer} when {@code --token} is set. */
  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (!options.token().isEmpty()) b.header("Authorization", "Bearer " + options.token());
    return b;
  }

  /** Spans of a trace through the query API; -1 when it answers 404. */
  private int spansOfTrace(String traceId) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        client.send(
            request(options.api().resolve("/api/v1/traces/" + traceId))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) return -1;
    if (r.statusCode() != 200) throw new IOException("answered " + r.statusCode());
    try (JsonParser p = JSON.createParser(r.body())) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
      int spans = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("spans") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            spans++;
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      return spans;
    }
  }

  // ---- report ----

  private static final JsonFactory JSON = new JsonFactory();

  private void writeReport() throws IOException {
    JsonReport.write(options.report(), report);
  }

  private void printReport(
      PhaseResult discard,
      PhaseResult stored,
      Map<String, Object> verification,
      Map<String, Object> lookups) {
    StringBuilder out = new StringBuilder();
    out.append("\n================ Sightline ingest load report ================\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> load = (Map<String, Object>) report.get("load");
    out.append(
        String.format(
            Locale.ROOT,
            "load: OTLP/HTTP protobuf, %s spans/request, %s spans/trace, %d attributes/span, %d"
                + " sender threads, %d s per phase; machine: %d cores, load average %s%n",
            load.get("spansPerRequestAverage"),
            load.get("spansPerTraceAverage"),
            ShopTraceGenerator.ATTRIBUTES_PER_SPAN,
            options.threads(),
            options.durationSeconds(),
            Runtime.getRuntime().availableProcessors(),
            report.get("loadAverageAtStart")));
    for (PhaseResult p : phases) {
      out.append(String.format(Locale.ROOT, "%-16s %s%n", p.run.name + ":", p.oneLine()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nstored %,.0f spans/s vs discard %,.0f spans/s: ratio %.2f; server CPU per span %.1f"
                + " µs stored vs %.1f µs discard; retries while storing: %d%n",
            stored.spansPerSecond(),
            discard.spansPerSecond(),
            stored.spansPerSecond() / discard.spansPerSecond(),
            stored.serverCpuMicrosPerSpan(),
            discard.serverCpuMicrosPerSpan(),
            stored.retries()));
    out.append(
        String.format(
            Locale.ROOT,
            "nothing dropped: %s (acknowledged %,d spans; server stored counter +%,d; rejected %s;"
                + " failed requests %s; sampled traces complete: %s)%n",
            verification.get("nothingDropped"),
            (long) verification.get("acknowledgedSpans"),
            (long) verification.get("serverStoredCounterDelta"),
            verification.get("serverRejectedDelta"),
            verification.get("failedRequests"),
            verification.get("sampleTracesComplete")));
    @SuppressWarnings("unchecked")
    Map<String, Object> known = (Map<String, Object>) lookups.get("knownIdLatencyMillis");
    @SuppressWarnings("unchecked")
    Map<String, Object> unknown = (Map<String, Object>) lookups.get("unknownIdLatencyMillis");
    if (known != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "trace by id at %,d stored spans (%s lookups): p50 %s ms, p95 %s ms, p99 %s ms, max"
                  + " %s ms; unknown ids: %s of %s answered 404, p50 %s ms, p99 %s ms%n",
              (long) lookups.get("storedSpansAtLookup"),
              known.get("count"),
              known.get("p50"),
              known.get("p95"),
              known.get("p99"),
              known.get("max"),
              lookups.get("unknownIdsAnswered404"),
              lookups.get("unknownIds"),
              unknown.get("p50"),
              unknown.get("p99")));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rounds = (List<Map<String, Object>>) lookups.get("knownIdRounds");
      for (int i = 0; i < rounds.size(); i++) {
        Map<String, Object> r = rounds.get(i);
        @SuppressWarnings("unchecked")
        Map<String, Object> cores = (Map<String, Object>) r.get("cores");
        out.append(
            String.format(
                Locale.ROOT,
                "  round %d: p50 %s ms, p99 %s ms, max %s ms, mean %s ms (server-side mean %s"
                    + " ms); cores: server %s, other processes %s%n",
                i + 1,
                r.get("p50"),
                r.get("p99"),
                r.get("max"),
                r.get("mean"),
                r.get("serverSide") instanceof Map<?, ?> ss ? ss.get("meanMillis") : "?",
                cores.get("server"),
                cores.get("otherProcesses")));
      }
    }
    out.append("report: ").append(options.report().toAbsolutePath()).append('\n');
    System.out.print(out);
  }

  private Map<String, Object> optionsMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", options.threads());
    m.put("durationSeconds", options.durationSeconds());
    m.put("warmupSeconds", options.warmupSeconds());
    m.put("spansPerRequest", options.spansPerRequest());
    m.put("templates", options.templates());
    m.put("fillSpans", options.fillSpans());
    m.put("fillLogs", options.fillLogs());
    m.put("fillHours", options.fillHours());
    m.put("querySamples", options.querySamples());
    m.put("queryRounds", options.queryRounds());
    m.put("otlpHttp", options.otlpHttp().toString());
    m.put("api", options.api().toString());
    m.put("bearerToken", !options.token().isEmpty());
    return m;
  }

  private static Map<String, Object> coresMap(double[] cores) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("client", round3(cores[0]));
    m.put("server", round3(cores[1]));
    m.put("otherProcesses", round3(cores[2]));
    m.put("machineBusy", round3(cores[3]));
    if (cores.length > 4 && !Double.isNaN(cores[4])) m.put("databaseServer", round3(cores[4]));
    return m;
  }

  private static Map<String, Object> latencyMap(long[] sortedNanos, int count) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50", round3(percentileMillis(sortedNanos, 50)));
    m.put("p95", round3(percentileMillis(sortedNanos, 95)));
    m.put("p99", round3(percentileMillis(sortedNanos, 99)));
    m.put("max", round3(percentileMillis(sortedNanos, 100)));
    return m;
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  static double percentileMillis(long[] sorted, double percentile) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] / 1e6;
  }

  private static double round(double v) {
    return Math.round(v);
  }

  private static double round3(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A synchronized growable list of longs (a few hundred adds per second at most). */
  static final class LongList {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }

    synchronized long[] toArray() {
      return Arrays.copyOf(values, size);
    }

    long[] toSortedArray() {
      long[] a = toArray();
      Arrays.sort(a);
      return a;
    }
  }
}
