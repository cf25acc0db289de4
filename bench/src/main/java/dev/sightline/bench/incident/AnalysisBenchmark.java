package dev.sightline.bench.incident;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.logs.LogPattern;
import dev.sightline.incident.analysis.logs.LogPatternComparison;
import dev.sightline.incident.analysis.logs.LogPatternMiner;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeComparison;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.CriticalPath;
import dev.sightline.incident.analysis.traces.CriticalPathComparison;
import dev.sightline.incident.analysis.traces.OperationDelta;
import dev.sightline.incident.analysis.traces.TraceCriticalPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The incident-analysis algorithms on inputs of incident size (see the sightline-incident README
 * for the figures):
 *
 * <ul>
 *   <li>Drain mining of 100,000 log lines drawn from 24 message shapes with variable parts (ids,
 *       IPs, durations, quoted values, hosts), and the comparison of 50,000 fault-window lines
 *       against 50,000 baseline lines;
 *   <li>the critical path of 1,000 traces of 50 spans each (random nested trees over 10 services,
 *       some producer/consumer pairs), and the bad-vs-baseline comparison of 500 against 500;
 *   <li>BubbleUp over 25,000 bad against 25,000 good spans with 10 span and 4 resource attributes.
 * </ul>
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   'dev.sightline.bench.incident.AnalysisBenchmark' -f1 -wi 3 -w 2s -i 5 -r 3s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class AnalysisBenchmark {
  private static final long T0 = 1_795_255_200_000_000_000L;
  private static final String[] SERVICES = {
    "frontend",
    "checkout",
    "cart",
    "orders",
    "payment",
    "shipping",
    "catalog",
    "currency",
    "inventory",
    "email"
  };

  private List<LogRecord> logs;
  private List<LogRecord> badLogs;
  private List<LogRecord> baselineLogs;
  private List<List<Span>> traces;
  private List<List<Span>> badTraces;
  private List<List<Span>> baselineTraces;
  private List<Span> badSpans;
  private List<Span> goodSpans;
  private final LogPatternMiner miner = LogPatternMiner.builder().build();
  private final LogPatternComparison logComparison = LogPatternComparison.builder().build();
  private final AttributeComparison attributeComparison = AttributeComparison.builder().build();

  @Setup
  public void setUp() {
    Random random = new Random(7);
    logs = logs(random, 100_000, false);
    badLogs = logs(random, 50_000, true);
    baselineLogs = logs(random, 50_000, false);
    traces = new ArrayList<>();
    for (int t = 0; t < 1_000; t++) traces.add(trace(random, t, 50, false));
    badTraces = new ArrayList<>();
    baselineTraces = new ArrayList<>();
    for (int t = 0; t < 500; t++) {
      badTraces.add(trace(random, 10_000 + t, 50, true));
      baselineTraces.add(trace(random, 20_000 + t, 50, false));
    }
    badSpans = spans(random, 25_000, true);
    goodSpans = spans(random, 25_000, false);
  }

  @Benchmark
  public List<LogPattern> mine100kLogLines() {
    return miner.mine(logs);
  }

  @Benchmark
  public List<PatternChange> compareLogs50kAgainst50k() {
    return logComparison.compare(badLogs, baselineLogs);
  }

  @Benchmark
  public void criticalPath1000TracesOf50Spans(Blackhole bh) {
    for (List<Span> trace : traces) bh.consume(CriticalPath.of(trace));
  }

  @Benchmark
  public List<OperationDelta> compareCriticalPaths500Against500() {
    return CriticalPathComparison.compare(badTraces, baselineTraces);
  }

  @Benchmark
  public List<AttributeDifference> bubbleUp25kAgainst25k() {
    return attributeComparison.compare(badSpans, goodSpans);
  }

  /** Check of the fixtures, printed by {@code main}: pattern and critical-path shapes. */
  public static void main(String[] args) {
    AnalysisBenchmark b = new AnalysisBenchmark();
    b.setUp();
    List<LogPattern> patterns = b.mine100kLogLines();
    System.out.println(patterns.size() + " patterns from 100,000 lines");
    patterns.stream().limit(30).forEach(p -> System.out.println(p.count() + "  " + p.template()));
    b.compareLogs50kAgainst50k().stream()
        .limit(5)
        .forEach(
            c ->
                System.out.println(
                    c.isNew()
                        + " "
                        + c.increased()
                        + " "
                        + c.count()
                        + " "
                        + c.baselineCount()
                        + " "
                        + c.pattern().template()));
    TraceCriticalPath p = CriticalPath.of(b.traces.get(0));
    System.out.println(
        p.segments().size()
            + " segments, "
            + p.detachedSegments().size()
            + " detached; "
            + p.criticalNanosByOperation());
    b.compareCriticalPaths500Against500().stream().limit(3).forEach(System.out::println);
    b.bubbleUp25kAgainst25k().stream().limit(3).forEach(System.out::println);
  }

  private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank"};

  private static String message(Random r, int shape) {
    int n = r.nextInt(100_000);
    String ip = "10." + r.nextInt(4) + "." + r.nextInt(256) + "." + r.nextInt(256);
    return switch (shape) {
      case 0 -> "connection to " + ip + ":5432 timed out after " + (1000 + r.nextInt(9000)) + " ms";
      case 1 -> "user " + USERS[r.nextInt(6)] + " logged in from " + ip;
      case 2 -> "GET /api/products/" + n + " 200 " + r.nextInt(900) + "ms";
      case 3 -> "POST /api/checkout 201 " + r.nextInt(900) + "ms";
      case 4 -> "cache miss for key cart:" + n;
      case 5 -> "cache hit ratio " + r.nextInt(100) + "% over " + r.nextInt(5000) + " lookups";
      case 6 -> "order " + java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) n}) + " placed";
      case 7 -> "payment authorized for order " + n + " amount " + r.nextInt(500) + ".99 USD";
      case 8 -> "payment declined for order " + n + ": card 'visa-" + r.nextInt(9999) + "' expired";
      case 9 -> "shipping quote for " + r.nextInt(20) + " items to zone " + r.nextInt(9);
      case 10 -> "inventory reserved sku-" + n + " qty " + r.nextInt(5);
      case 11 -> "retrying request to payment (attempt " + r.nextInt(3) + " of 3)";
      case 12 -> "kafka consumer lag partition " + r.nextInt(12) + " offset " + n;
      case 13 -> "sent confirmation e-mail to " + USERS[r.nextInt(6)] + "@example.com";
      case 14 -> "slow query SELECT * FROM orders WHERE id = ? took " + r.nextInt(3000) + "ms";
      case 15 -> "gc pause " + r.nextInt(200) + "ms heap " + r.nextInt(4096) + "MB";
      case 16 -> "circuit breaker payment-client is OPEN";
      case 17 -> "circuit breaker payment-client is CLOSED";
      case 18 -> "rate limit exceeded for tenant " + USERS[r.nextInt(6)] + " on /api/cart";
      case 19 ->
          "currency rates refreshed: " + r.nextInt(200) + " pairs in " + r.nextInt(80) + "ms";
      case 20 -> "session " + Long.toHexString(r.nextLong()) + " expired";
      case 21 -> "worker pool saturated: " + r.nextInt(64) + "/64 busy, queue " + r.nextInt(1000);
      case 22 -> "recommendation model v" + r.nextInt(4) + " served " + r.nextInt(10) + " items";
      default -> "health check ok";
    };
  }

  private static List<LogRecord> logs(Random r, int count, boolean bad) {
    List<LogRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int shape = r.nextInt(bad ? 24 : 22); // the fault window adds two shapes
      if (bad && r.nextInt(10) == 0) shape = 0; // and more timeouts
      out.add(
          LogRecord.builder()
              .timeUnixNano(T0 + i * 1_000_000L)
              .severity(
                  shape == 0 || shape == 8 ? 17 : 9, shape == 0 || shape == 8 ? "ERROR" : "INFO")
              .body(message(r, shape))
              .traceId(String.format("%032x", r.nextLong() & Long.MAX_VALUE))
              .spanId(String.format("%016x", r.nextLong() & Long.MAX_VALUE))
              .resource(Resource.of(Attributes.ofStrings("service.name", SERVICES[shape % 10])))
              .build());
    }
    return out;
  }

  /** A random tree: each span nests in its parent's time; one in 10 is a producer/consumer pair. */
  private static List<Span> trace(Random r, int t, int size, boolean bad) {
    String traceId = String.format("%032x", t + 1);
    List<Span> spans = new ArrayList<>(size);
    long[] start = new long[size];
    long[] end = new long[size];
    start[0] = T0;
    end[0] = T0 + 200_000_000L;
    spans.add(
        span(
            traceId, 0, -1, "frontend", "GET /api/cart", SpanKind.SERVER, start[0], end[0], false));
    for (int i = 1; i < size; i++) {
      int p = r.nextInt(i);
      long len = end[p] - start[p];
      long s = start[p] + (len > 1 ? (long) (r.nextDouble() * len * 0.5) : 0);
      long e = s + (long) (r.nextDouble() * (end[p] - s));
      String service = SERVICES[1 + r.nextInt(SERVICES.length - 1)];
      boolean slowDb = bad && service.equals("orders");
      if (slowDb) e = Math.min(end[p], e + (end[p] - e) / 2);
      SpanKind kind = r.nextInt(10) == 0 ? SpanKind.CONSUMER : SpanKind.CLIENT;
      if (kind == SpanKind.CONSUMER) e = s + 300_000_000L; // asynchronous, outlives its parent
      start[i] = s;
      end[i] = e;
      spans.add(span(traceId, i, p, service, "op-" + (i % 7), kind, s, e, r.nextInt(50) == 0));
    }
    return spans;
  }

  private static Span span(
      String traceId,
      int i,
      int parent,
      String service,
      String name,
      SpanKind kind,
      long start,
      long end,
      boolean error) {
    return Span.builder()
        .traceId(traceId)
        .spanId(String.format("%016x", i + 1))
        .parentSpanId(parent < 0 ? "" : String.format("%016x", parent + 1))
        .name(name)
        .kind(kind)
        .startTimeUnixNano(start)
        .endTimeUnixNano(end)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET, "")
        .resource(Resource.of(Attributes.ofStrings("service.name", service)))
        .build();
  }

  private static List<Span> spans(Random r, int count, boolean bad) {
    List<Span> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean acme = r.nextInt(100) < (bad ? 60 : 5);
      Attributes attributes =
          Attributes.builder()
              .put("tenant.id", acme ? "acme" : "tenant-" + r.nextInt(40))
              .put("http.route", "/api/" + SERVICES[r.nextInt(SERVICES.length)])
              .put("http.request.method", r.nextBoolean() ? "GET" : "POST")
              .put("http.response.status_code", (long) (r.nextInt(20) == 0 ? 500 : 200))
              .put("db.statement", "SELECT * FROM t" + r.nextInt(30) + " WHERE id = ?")
              .put("request.id", Long.toHexString(r.nextLong()))
              .put("user.id", "u" + r.nextInt(5000))
              .put("net.peer.port", (long) r.nextInt(65536))
              .put("messaging.destination.name", "orders-" + r.nextInt(3))
              .put("retry", r.nextInt(10) == 0)
              .build();
      Resource resource =
          Resource.of(
              Attributes.ofStrings(
                  "service.name",
                  SERVICES[r.nextInt(SERVICES.length)],
                  "service.version",
                  bad && r.nextBoolean() ? "1.5.0" : "1.4.2",
                  "host.name",
                  "node-" + r.nextInt(12),
                  "k8s.pod.name",
                  "pod-" + r.nextInt(60)));
      out.add(
          Span.builder()
              .traceId(String.format("%032x", i + 1))
              .spanId(String.format("%016x", i + 1))
              .name("op")
              .startTimeUnixNano(T0)
              .endTimeUnixNano(T0 + 1)
              .attributes(attributes)
              .resource(resource)
              .build());
    }
    return out;
  }
}
