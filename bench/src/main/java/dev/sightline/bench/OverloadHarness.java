package dev.sightline.bench;

import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The overload run of issue 13: "2× the sustainable ingest rate for a minute — memory stays within
 * the configured bounds, clients get retryable statuses, every acknowledged span is stored."
 *
 * <ol>
 *   <li>Measures the sustainable stored rate: a closed loop of {@code --threads} senders against
 *       {@code /v1/traces} for {@code --measure} seconds after a warm-up (a 503/429 is re-sent
 *       after its Retry-After, as an exporter does).
 *   <li>Offers {@code --factor} (2) × that rate for {@code --duration} (60) seconds, <b>open
 *       loop</b>: a request is sent at its scheduled time whether or not earlier ones were
 *       answered, alternating OTLP/HTTP protobuf and OTLP/gRPC ({@code --grpc-share}). Each request
 *       is sent once (no retry, so the offered load stays 2×) and its answer counted by kind:
 *       accepted, retryable (HTTP 503/429 with a positive {@code Retry-After}; gRPC UNAVAILABLE, or
 *       RESOURCE_EXHAUSTED with RetryInfo) or anything else — which must be zero.
 *   <li>Samples the server's heap once a second ({@link ServerMemory}: {@code jstat}, {@code
 *       /proc}) and the storage queue and in-flight bytes ({@code /metrics}), and checks them
 *       against the server's configured bounds ({@code -Xmx}, {@code --write-queue-items}, {@code
 *       --max-inflight-bytes}).
 *   <li>Writes {@code verification.acknowledgedSpans} / {@code acknowledgedTraces} for {@link
 *       StoredSpansCheck}, which compares them with the database after the server stopped; the
 *       server's stored counter must have grown by exactly the acknowledged spans, and sampled
 *       acknowledged traces must be complete through the API.
 * </ol>
 *
 * <p>Run it through {@code bench/ingest-load --overload}; {@link OverloadOptions#USAGE}.
 */
public final class OverloadHarness {
  private static final String STORE_PATH = "/v1/traces";
  private static final String GRPC_EXPORT =
      "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

  private final OverloadOptions options;
  private final List<RequestTemplate> templates = new ArrayList<>();
  private final TraceIds ids;
  private final long templateBaseNanos;
  private final AtomicLong nextTrace = new AtomicLong(1);
  private final HttpClient metricsClient =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ClientFactory factory;
  private final WebClient http;
  private final WebClient grpc;

  /** Every acknowledged request: first trace sequence × 65536 + template index. */
  private final IngestLoadHarness.LongList acknowledged = new IngestLoadHarness.LongList();

  private final LongAdder ackedSpans = new LongAdder();
  private final Map<String, Object> report = new LinkedHashMap<>();

  private OverloadHarness(OverloadOptions options) {
    this.options = options;
    this.ids = new TraceIds(new SplittableRandom(System.nanoTime()).nextLong());
    this.templateBaseNanos = System.currentTimeMillis() * 1_000_000L;
    this.factory =
        ClientFactory.builder()
            .connectTimeout(Duration.ofSeconds(10))
            .idleTimeout(Duration.ofSeconds(60))
            .build();
    URI h = options.otlpHttp();
    this.http =
        WebClient.builder("h1c://" + h.getHost() + ":" + h.getPort())
            .factory(factory)
            .responseTimeout(Duration.ofSeconds(120))
            .maxResponseLength(1 << 20)
            .build();
    this.grpc =
        WebClient.builder("h2c://" + options.otlpGrpc())
            .factory(factory)
            .responseTimeout(Duration.ofSeconds(120))
            .maxResponseLength(1 << 20)
            .build();
  }

  public static void main(String[] args) throws Exception {
    OverloadOptions options;
    try {
      options = OverloadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) System.err.println("overload: " + e.getMessage());
      System.err.print(OverloadOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.parseOnly()) return;
    OverloadHarness h = new OverloadHarness(options);
    int exit;
    try {
      exit = h.run();
    } finally {
      h.factory.close();
    }
    System.exit(exit);
  }

  private int run() throws Exception {
    report.put("startedAt", Instant.now().toString());
    report.put("revision", options.revision());
    report.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageAtStart", CpuUsage.loadAverage());
    report.put("options", options.toMap());
    for (int i = 0; i < options.templates(); i++) {
      templates.add(
          RequestTemplate.of(
              new ShopTraceGenerator(options.seed() + i, templateBaseNanos)
                  .request(options.spansPerRequest())));
    }
    double spansPerRequest =
        templates.stream().mapToInt(RequestTemplate::spans).average().orElse(0);
    ServerMemory memory = ServerMemory.start(options.serverPid(), metricsClient, options);
    Map<String, Object> bounds = memory.bounds();
    report.put("serverBounds", bounds);
    System.out.println("server bounds: " + bounds);
    ServerTotals atStart = ServerTotals.scrape(metricsClient, options);

    if (options.warmupSeconds() > 0) closedLoop("warm-up", options.warmupSeconds());
    Map<String, Object> measured = closedLoop("sustainable", options.measureSeconds());
    double sustainable =
        options.rate() > 0 ? options.rate() : (double) measured.get("spansPerSecond");
    double offered = sustainable * options.factor();
    report.put("sustainable", measured);

    memory.mark("overload");
    Map<String, Object> overload = openLoop(offered, spansPerRequest);
    memory.mark("after");
    report.put("overload", overload);
    Thread.sleep(2_000); // the last sample after the drain
    Map<String, Object> mem = memory.stop();
    report.put("memory", mem);

    ServerTotals atEnd = ServerTotals.scrape(metricsClient, options);
    Map<String, Object> v = verify(atStart, atEnd, overload, mem);
    report.put("verification", v);
    report.put("finishedAt", Instant.now().toString());
    JsonReport.write(options.report(), report);
    print(measured, overload, mem, v);
    return Boolean.TRUE.equals(v.get("promisesKept")) ? 0 : 1;
  }

  // ---- sending ----

  /** The outcome of one request. */
  private enum Kind {
    ACCEPTED,
    RETRYABLE,
    OTHER
  }

  private record Answer(Kind kind, String label, long acceptedSpans, long retryAfterSeconds) {}

  private byte[] body(RequestTemplate t, long firstTrace) {
    long shift = System.currentTimeMillis() * 1_000_000L - templateBaseNanos;
    return t.stamp(ids, firstTrace, shift);
  }

  private CompletableFuture<Answer> send(boolean overGrpc, byte[] body, int spans) {
    return overGrpc ? sendGrpc(body, spans) : sendHttp(body, spans);
  }

  private RequestHeadersBuilder headers(String path, String contentType) {
    RequestHeadersBuilder b =
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.parse(contentType));
    if (!options.token().isEmpty()) b.add("authorization", "Bearer " + options.token());
    return b;
  }

  private CompletableFuture<Answer> sendHttp(byte[] body, int spans) {
    RequestHeaders h = headers(STORE_PATH, "application/x-protobuf").build();
    return http.execute(h, HttpData.wrap(body))
        .aggregate()
        .handle(
            (r, e) -> {
              if (e != null) return new Answer(Kind.OTHER, "http I/O: " + rootCause(e), 0, 0);
              int status = r.status().code();
              if (status == 200) {
                long rejected = rejectedSpans(r.content().array());
                if (rejected > 0) {
                  return new Answer(Kind.OTHER, "http 200 partial success", spans - rejected, 0);
                }
                return new Answer(Kind.ACCEPTED, "http 200", spans, 0);
              }
              String retryAfter = r.headers().get("retry-after");
              long seconds = parseSeconds(retryAfter);
              if ((status == 503 || status == 429) && seconds > 0) {
                return new Answer(Kind.RETRYABLE, "http " + status, 0, seconds);
              }
              return new Answer(
                  Kind.OTHER,
                  "http " + status + (retryAfter == null ? " (no Retry-After)" : ""),
                  0,
                  0);
            });
  }

  private CompletableFuture<Answer> sendGrpc(byte[] body, int spans) {
    ByteBuffer framed = ByteBuffer.allocate(5 + body.length);
    framed.put((byte) 0).putInt(body.length).put(body);
    RequestHeaders h = headers(GRPC_EXPORT, "application/grpc+proto").add("te", "trailers").build();
    return grpc.execute(h, HttpData.wrap(framed.array()))
        .aggregate()
        .handle(
            (r, e) -> {
              if (e != null) return new Answer(Kind.OTHER, "grpc I/O: " + rootCause(e), 0, 0);
              String code = header(r, "grpc-status");
              if ("0".equals(code)) return new Answer(Kind.ACCEPTED, "grpc OK", spans, 0);
              long delay = retryDelaySeconds(header(r, "grpc-status-details-bin"));
              if ("14".equals(code)) {
                return new Answer(Kind.RETRYABLE, "grpc UNAVAILABLE", 0, Math.max(0, delay));
              }
              if ("8".equals(code) && delay > 0) {
                return new Answer(Kind.RETRYABLE, "grpc RESOURCE_EXHAUSTED", 0, delay);
              }
              return new Answer(Kind.OTHER, "grpc status " + code, 0, 0);
            });
  }

  private static String header(AggregatedHttpResponse r, String name) {
    String s = r.trailers().get(name);
    return s != null ? s : r.headers().get(name);
  }

  /** The RetryInfo delay of a grpc-status-details-bin, in whole seconds; -1 when there is none. */
  private static long retryDelaySeconds(String details) {
    if (details == null) return -1;
    try {
      com.google.rpc.Status s =
          com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(details));
      for (com.google.protobuf.Any any : s.getDetailsList()) {
        if (any.is(RetryInfo.class)) {
          return any.unpack(RetryInfo.class).getRetryDelay().getSeconds();
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  private static long parseSeconds(String v) {
    if (v == null) return -1;
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long rejectedSpans(byte[] body) {
    if (body.length == 0) return 0;
    try {
      ExportTraceServiceResponse r = ExportTraceServiceResponse.parseFrom(body);
      return r.hasPartialSuccess() ? r.getPartialSuccess().getRejectedSpans() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String s = t.toString();
    return s.length() > 160 ? s.substring(0, 160) : s;
  }

  private void acknowledge(long firstTrace, int template, Answer a) {
    if (a.acceptedSpans() <= 0) return;
    ackedSpans.add(a.acceptedSpans());
    // a partially accepted request is not a whole set of traces: only whole ones are sampled
    if (a.kind() == Kind.ACCEPTED) acknowledged.add(firstTrace * 65536 + template);
    else partiallyAccepted.add(a.acceptedSpans());
  }

  private final LongAdder partiallyAccepted = new LongAdder();

  /**
   * {@code --threads} senders, each sending its next request when the last was answered; a
   * retryable answer is re-sent after its delay. Returns acknowledged spans/s of the phase.
   */
  private Map<String, Object> closedLoop(String name, int seconds) throws Exception {
    System.out.printf(
        Locale.ROOT, "%n== %s: closed loop, %d senders, %d s%n", name, options.threads(), seconds);
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    LongAdder spans = new LongAdder();
    LongAdder retries = new LongAdder();
    Map<String, Long> other = new TreeMap<>();
    CpuUsage cpu0 = CpuUsage.now(options.serverPid());
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < options.threads(); i++) {
      int first = i * 7;
      boolean overGrpc = i < Math.round(options.threads() * options.grpcShare());
      Thread t =
          new Thread(
              () -> {
                int next = first;
                while (System.nanoTime() < deadline) {
                  int index = next++ % templates.size();
                  RequestTemplate tpl = templates.get(index);
                  long firstTrace = nextTrace.getAndAdd(tpl.traces());
                  byte[] body = body(tpl, firstTrace);
                  while (true) {
                    Answer a = send(overGrpc, body, tpl.spans()).join();
                    if (a.kind() == Kind.RETRYABLE) {
                      retries.increment();
                      sleepSeconds(Math.max(1, a.retryAfterSeconds()));
                      continue;
                    }
                    acknowledge(firstTrace, index, a);
                    spans.add(a.acceptedSpans());
                    if (a.kind() == Kind.OTHER) {
                      synchronized (other) {
                        other.merge(a.label(), 1L, Long::sum);
                      }
                    }
                    break;
                  }
                }
              },
              "closed-" + i);
      t.setDaemon(true);
      t.start();
      senders.add(t);
    }
    for (Thread t : senders) t.join();
    double secs = (System.nanoTime() - start) / 1e9;
    CpuUsage cpu1 = CpuUsage.now(options.serverPid());
    double rate = spans.sum() / secs;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", round3(secs));
    m.put("acknowledgedSpans", spans.sum());
    m.put("spansPerSecond", (double) Math.round(rate));
    m.put("retries", retries.sum());
    m.put("otherAnswers", other);
    m.put("cores", cores(cpu1.coresSince(cpu0)));
    System.out.printf(
        Locale.ROOT,
        "   %,d spans acknowledged in %.1f s: %,.0f spans/s; %d retries; other answers %s%n",
        spans.sum(),
        secs,
        rate,
        retries.sum(),
        other);
    return m;
  }

  /**
   * Offers {@code spansPerSecond} open loop for {@code --duration} seconds: request k is due at
   * start + k × interval; a request is sent once, whatever happened to earlier ones. At most {@code
   * --max-outstanding} requests wait for an answer; a request due while that many wait is not sent
   * and counted (the client's own limit, so that a stalled server cannot exhaust the client).
   */
  private Map<String, Object> openLoop(double spansPerSecond, double spansPerRequest)
      throws Exception {
    double requestsPerSecond = spansPerSecond / spansPerRequest;
    long intervalNanos = Math.max(1, Math.round(1e9 / requestsPerSecond));
    System.out.printf(
        Locale.ROOT,
        "%n== overload: open loop, %,.0f spans/s offered (%.1f requests/s, %.0f%% over gRPC) for"
            + " %d s%n",
        spansPerSecond,
        requestsPerSecond,
        options.grpcShare() * 100,
        options.durationSeconds());
    Map<String, LongAdder> byLabel = new TreeMap<>();
    Map<Kind, LongAdder> byKind = new java.util.EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) byKind.put(k, new LongAdder());
    Map<String, Long> retryAfterValues = new TreeMap<>();
    LongAdder offeredSpans = new LongAdder();
    LongAdder sentRequests = new LongAdder();
    LongAdder notSent = new LongAdder();
    LongAdder acceptedInPhase = new LongAdder();
    Semaphore outstanding = new Semaphore(options.maxOutstanding());
    IngestLoadHarness.LongList latencies = new IngestLoadHarness.LongList();
    Map<Kind, IngestLoadHarness.LongList> latencyByKind = new java.util.EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) latencyByKind.put(k, new IngestLoadHarness.LongList());
    CpuUsage cpu0 = CpuUsage.now(options.serverPid());
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(options.durationSeconds());
    long grpcEvery = options.grpcShare() <= 0 ? 0 : Math.round(1 / options.grpcShare());
    long k = 0;
    long lastPrint = start;
    List<CompletableFuture<?>> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (long due = start; due < end; due = start + (++k) * intervalNanos) {
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      int index = (int) (k % templates.size());
      RequestTemplate tpl = templates.get(index);
      offeredSpans.add(tpl.spans());
      if (!outstanding.tryAcquire()) {
        notSent.increment();
        continue;
      }
      long firstTrace = nextTrace.getAndAdd(tpl.traces());
      boolean overGrpc = grpcEvery > 0 && k % grpcEvery == 0;
      byte[] body = body(tpl, firstTrace);
      long t0 = System.nanoTime();
      sentRequests.increment();
      CompletableFuture<Answer> f = send(overGrpc, body, tpl.spans());
      inFlight.add(f);
      f.whenComplete(
          (a, e) -> {
            outstanding.release();
            inFlight.remove(f);
            if (a == null) a = new Answer(Kind.OTHER, "client: " + rootCause(e), 0, 0);
            latencies.add(System.nanoTime() - t0);
            latencyByKind.get(a.kind()).add(System.nanoTime() - t0);
            byKind.get(a.kind()).increment();
            synchronized (byLabel) {
              byLabel.computeIfAbsent(a.label(), x -> new LongAdder()).increment();
              if (a.kind() == Kind.RETRYABLE) {
                retryAfterValues.merge(
                    a.label() + " " + a.retryAfterSeconds() + "s", 1L, Long::sum);
              }
            }
            acknowledge(firstTrace, index, a);
            acceptedInPhase.add(a.acceptedSpans());
          });
      long now = System.nanoTime();
      if (now - lastPrint >= 5_000_000_000L) {
        lastPrint = now;
        System.out.printf(
            Locale.ROOT,
            "   %5.0f s  sent %,d  accepted %,d  retryable %,d  other %,d  waiting %d  not sent"
                + " %,d%n",
            (now - start) / 1e9,
            sentRequests.sum(),
            byKind.get(Kind.ACCEPTED).sum(),
            byKind.get(Kind.RETRYABLE).sum(),
            byKind.get(Kind.OTHER).sum(),
            options.maxOutstanding() - outstanding.availablePermits(),
            notSent.sum());
      }
    }
    double offeredSeconds = (System.nanoTime() - start) / 1e9;
    // every sent request is answered (or times out) before the verification
    long drainStart = System.nanoTime();
    for (CompletableFuture<?> f : List.copyOf(inFlight)) {
      try {
        f.get(180, TimeUnit.SECONDS);
      } catch (Exception e) {
        // counted by its completion handler
      }
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    CpuUsage cpu1 = CpuUsage.now(options.serverPid());
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] lat = latencies.toSortedArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offeredSpansPerSecond", (double) Math.round(spansPerSecond));
    m.put("offeredRequestsPerSecond", round3(requestsPerSecond));
    m.put("offeredSeconds", round3(offeredSeconds));
    m.put("drainSeconds", round3(drainSeconds));
    m.put("offeredSpans", offeredSpans.sum());
    m.put("sentRequests", sentRequests.sum());
    m.put("notSentClientLimit", notSent.sum());
    m.put("accepted", byKind.get(Kind.ACCEPTED).sum());
    m.put("retryable", byKind.get(Kind.RETRYABLE).sum());
    m.put("other", byKind.get(Kind.OTHER).sum());
    Map<String, Long> labels = new TreeMap<>();
    byLabel.forEach((l, n) -> labels.put(l, n.sum()));
    m.put("answers", labels);
    m.put("retryDelays", retryAfterValues);
    m.put("acceptedSpans", acceptedInPhase.sum());
    m.put("acceptedSpansPerSecond", (double) Math.round(acceptedInPhase.sum() / seconds));
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("p50", round3(IngestLoadHarness.percentileMillis(lat, 50)));
    l.put("p99", round3(IngestLoadHarness.percentileMillis(lat, 99)));
    l.put("max", round3(IngestLoadHarness.percentileMillis(lat, 100)));
    m.put("answerLatencyMillis", l);
    Map<String, Object> latencyKinds = new LinkedHashMap<>();
    latencyByKind.forEach(
        (kind, list) -> {
          long[] sorted = list.toSortedArray();
          if (sorted.length == 0) return;
          Map<String, Object> k2 = new LinkedHashMap<>();
          k2.put("p50", round3(IngestLoadHarness.percentileMillis(sorted, 50)));
          k2.put("p99", round3(IngestLoadHarness.percentileMillis(sorted, 99)));
          k2.put("max", round3(IngestLoadHarness.percentileMillis(sorted, 100)));
          latencyKinds.put(kind.name().toLowerCase(Locale.ROOT), k2);
        });
    m.put("answerLatencyMillisByKind", latencyKinds);
    m.put("cores", cores(cpu1.coresSince(cpu0)));
    return m;
  }

  // ---- verification ----

  private Map<String, Object> verify(
      ServerTotals atStart,
      ServerTotals atEnd,
      Map<String, Object> overload,
      Map<String, Object> memory)
      throws InterruptedException {
    Map<String, Object> v = new LinkedHashMap<>();
    long acked = ackedSpans.sum();
    long counted = Math.round(atEnd.storedSpans() - atStart.storedSpans());
    v.put("acknowledgedSpans", acked);
    v.put("acknowledgedTraces", acknowledgedTraces());
    v.put("partiallyAcceptedSpans", partiallyAccepted.sum());
    v.put("serverStoredCounterDelta", counted);
    v.put("countersMatch", acked == counted);
    v.put("serverRejectedDelta", atEnd.rejectedSince(atStart));
    // sampled acknowledged traces, complete through the API
    long[] acks = acknowledged.toArray();
    SplittableRandom random = new SplittableRandom(options.seed() + 11);
    int checked = 0;
    int complete = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < Math.min(options.samples(), acks.length); i++) {
      long a = acks[random.nextInt(acks.length)];
      RequestTemplate t = templates.get((int) (a & 0xffff));
      int trace = random.nextInt(t.traces());
      String id = ids.hex((a >>> 16) + trace);
      int found = spansOfTrace(id);
      checked++;
      if (found == t.spansOfTrace(trace)) complete++;
      else if (problems.size() < 10) {
        problems.add(id + ": expected " + t.spansOfTrace(trace) + ", found " + found);
      }
    }
    v.put("sampleTracesComplete", complete + " of " + checked);
    if (!problems.isEmpty()) v.put("sampleProblems", problems);
    boolean noOther = ((long) overload.get("other")) == 0;
    boolean retryable = ((long) overload.get("retryable")) > 0;
    boolean withinBounds = Boolean.TRUE.equals(memory.get("withinBounds"));
    v.put("noOtherAnswers", noOther);
    v.put("overloadAnsweredRetryable", retryable);
    v.put("memoryWithinBounds", withinBounds);
    v.put("nothingDropped", acked == counted && complete == checked);
    v.put("promisesKept", noOther && withinBounds && acked == counted && complete == checked);
    return v;
  }

  private long acknowledgedTraces() {
    long n = 0;
    for (long a : acknowledged.toArray()) n += templates.get((int) (a & 0xffff)).traces();
    return n;
  }

  private int spansOfTrace(String traceId) throws InterruptedException {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(options.api().resolve("/api/v1/traces/" + traceId))
            .timeout(Duration.ofSeconds(60));
    if (!options.token().isEmpty()) b.header("Authorization", "Bearer " + options.token());
    try {
      var r = metricsClient.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) return -1;
      if (r.statusCode() != 200) return -2;
      return countSpans(r.body());
    } catch (java.io.IOException e) {
      return -2;
    }
  }

  /** The number of objects in the top-level {@code spans} array of a trace. */
  private static int countSpans(String json) throws java.io.IOException {
    try (com.fasterxml.jackson.core.JsonParser p =
        new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return -2;
      int spans = 0;
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String field = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if (field.equals("spans") && value == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
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

  @SuppressWarnings("unchecked")
  private void print(
      Map<String, Object> measured,
      Map<String, Object> o,
      Map<String, Object> mem,
      Map<String, Object> v) {
    StringBuilder out = new StringBuilder();
    out.append("\n================ Sightline overload report ================\n");
    out.append(
        String.format(
            Locale.ROOT,
            "sustainable (closed loop, %d senders, %s s): %,.0f spans/s; offered %sx = %,.0f"
                + " spans/s for %s s (%s requests/s, %.0f%% gRPC), open loop%n",
            options.threads(),
            measured.get("seconds"),
            (double) measured.get("spansPerSecond"),
            options.factor(),
            (double) o.get("offeredSpansPerSecond"),
            o.get("offeredSeconds"),
            o.get("offeredRequestsPerSecond"),
            options.grpcShare() * 100));
    out.append("\n| answer | requests |\n|---|---:|\n");
    ((Map<String, Long>) o.get("answers"))
        .forEach((l, n) -> out.append(String.format(Locale.ROOT, "| %s | %,d |%n", l, n)));
    out.append(
        String.format(
            Locale.ROOT,
            "| **accepted** | **%,d** |%n| **retryable** | **%,d** |%n| **anything else** |"
                + " **%,d** |%n| not sent (client limit of %d waiting) | %,d |%n",
            (long) o.get("accepted"),
            (long) o.get("retryable"),
            (long) o.get("other"),
            options.maxOutstanding(),
            (long) o.get("notSentClientLimit")));
    out.append(
        String.format(
            Locale.ROOT,
            "%naccepted %,d spans during the overload (%,.0f spans/s); retry delays %s; answer"
                + " latency %s ms, by kind %s%n",
            (long) o.get("acceptedSpans"),
            (double) o.get("acceptedSpansPerSecond"),
            o.get("retryDelays"),
            o.get("answerLatencyMillis"),
            o.get("answerLatencyMillisByKind")));
    out.append(String.format(Locale.ROOT, "memory: %s%n", mem.get("summary")));
    out.append(
        String.format(
            Locale.ROOT,
            "verification: acknowledged %,d spans in %,d whole traces; server stored counter +%,d"
                + " (%s); rejected by the server %s; sampled traces complete %s%n",
            (long) v.get("acknowledgedSpans"),
            (long) v.get("acknowledgedTraces"),
            (long) v.get("serverStoredCounterDelta"),
            Boolean.TRUE.equals(v.get("countersMatch")) ? "match" : "MISMATCH",
            v.get("serverRejectedDelta"),
            v.get("sampleTracesComplete")));
    out.append(
        String.format(
            Locale.ROOT,
            "promises kept: %s (no other answers: %s, retryable answers seen: %s, memory within"
                + " bounds: %s, nothing dropped: %s)%n",
            v.get("promisesKept"),
            v.get("noOtherAnswers"),
            v.get("overloadAnsweredRetryable"),
            v.get("memoryWithinBounds"),
            v.get("nothingDropped")));
    out.append("report: ").append(options.report().toAbsolutePath()).append('\n');
    System.out.print(out);
  }

  static Map<String, Object> cores(double[] c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("client", round3(c[0]));
    m.put("server", round3(c[1]));
    m.put("otherProcesses", round3(c[2]));
    return m;
  }

  static double round3(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
  }

  private static void sleepSeconds(long s) {
    try {
      Thread.sleep(s * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
