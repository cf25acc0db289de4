package dev.sightline.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Command-line options of {@link OverloadHarness}. */
record OverloadOptions(
    URI otlpHttp,
    String otlpGrpc,
    URI api,
    int threads,
    int warmupSeconds,
    int measureSeconds,
    int durationSeconds,
    double factor,
    double rate,
    double grpcShare,
    int spansPerRequest,
    int templates,
    int maxOutstanding,
    int samples,
    long writeQueueItems,
    long maxInflightBytes,
    Path report,
    long serverPid,
    long seed,
    String revision,
    String token,
    boolean parseOnly) {

  static final String USAGE =
      """
      usage: OverloadHarness --otlp-http URL --otlp-grpc HOST:PORT --api URL [options]
        --otlp-http URL          OTLP/HTTP base, e.g. http://127.0.0.1:14318
        --otlp-grpc HOST:PORT    OTLP/gRPC listener (plaintext HTTP/2)
        --api URL                query API base (for /metrics and trace lookups)
        --threads N              closed-loop senders while measuring the sustainable rate (default 8)
        --warmup S               closed-loop warm-up seconds, not counted (default 10)
        --measure S              closed-loop seconds that measure the sustainable rate (default 30)
        --duration S             seconds of open-loop overload (default 60)
        --factor X               offered load = X × the sustainable rate (default 2)
        --rate SPANS_PER_S       use this sustainable rate instead of the measured one
        --grpc-share F           share of overload requests sent over gRPC, 0 to 1 (default 0.5)
        --spans-per-request N    spans per request, whole traces (default 500)
        --templates N            pre-serialized request bodies (default 64)
        --max-outstanding N      requests waiting for an answer at most; more are not sent and
                                 counted (default 2000)
        --samples N              acknowledged traces looked up afterwards, each must be complete
                                 (default 300)
        --write-queue-items N    the server's --write-queue-items, a bound checked (default: the
                                 server's default for its heap, ServerConfig.defaultWriteQueueItems)
        --max-inflight-bytes N   the server's --max-inflight-bytes, a bound checked (default 128 MiB)
        --report FILE            JSON report (default overload-report.json)
        --server-pid PID         the server's process id (CPU, heap through jstat, RSS)
        --seed N                 generator seed (default 1)
        --revision TEXT          recorded in the report
        --token TOKEN            Authorization: Bearer TOKEN on every request (default
                                 $INGEST_LOAD_TOKEN)
      """;

  private static final Set<String> FLAGS =
      Set.of(
          "--otlp-http",
          "--otlp-grpc",
          "--api",
          "--threads",
          "--warmup",
          "--measure",
          "--duration",
          "--factor",
          "--rate",
          "--grpc-share",
          "--spans-per-request",
          "--templates",
          "--max-outstanding",
          "--samples",
          "--write-queue-items",
          "--max-inflight-bytes",
          "--report",
          "--server-pid",
          "--seed",
          "--revision",
          "--token");

  static OverloadOptions parse(String[] args) {
    Map<String, String> v = new HashMap<>();
    boolean parseOnly = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--parse-only")) {
        parseOnly = true;
        continue;
      }
      if (a.equals("-h") || a.equals("--help")) throw new IllegalArgumentException("");
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        value = args[++i];
      }
      if (!FLAGS.contains(name)) throw new IllegalArgumentException("unknown option " + name);
      v.put(name, value);
    }
    for (String required : new String[] {"--otlp-http", "--otlp-grpc", "--api"}) {
      if (!v.containsKey(required)) throw new IllegalArgumentException(required + " is required");
    }
    double share = dbl(v, "--grpc-share", 0.5);
    if (share < 0 || share > 1) throw new IllegalArgumentException("--grpc-share must be 0 to 1");
    double factor = dbl(v, "--factor", 2);
    if (!(factor > 0)) throw new IllegalArgumentException("--factor must be positive");
    double rate = dbl(v, "--rate", 0);
    if (rate < 0) throw new IllegalArgumentException("--rate must be positive");
    int templates = positive(v, "--templates", 64);
    if (templates > 65536) throw new IllegalArgumentException("--templates must be <= 65536");
    String token = v.getOrDefault("--token", System.getenv().getOrDefault("INGEST_LOAD_TOKEN", ""));
    return new OverloadOptions(
        URI.create(v.get("--otlp-http")),
        v.get("--otlp-grpc"),
        URI.create(v.get("--api")),
        positive(v, "--threads", 8),
        nonNegative(v, "--warmup", 10),
        positive(v, "--measure", 30),
        positive(v, "--duration", 60),
        factor,
        rate,
        share,
        positive(v, "--spans-per-request", 500),
        templates,
        positive(v, "--max-outstanding", 2000),
        nonNegative(v, "--samples", 300),
        nonNegativeLong(v, "--write-queue-items"),
        positive(v, "--max-inflight-bytes", 128L << 20),
        Path.of(v.getOrDefault("--report", "overload-report.json")),
        Long.parseLong(v.getOrDefault("--server-pid", "0")),
        Long.parseLong(v.getOrDefault("--seed", "1")),
        v.getOrDefault("--revision", "unknown"),
        token,
        parseOnly);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", threads);
    m.put("warmupSeconds", warmupSeconds);
    m.put("measureSeconds", measureSeconds);
    m.put("durationSeconds", durationSeconds);
    m.put("factor", factor);
    m.put("rate", rate);
    m.put("grpcShare", grpcShare);
    m.put("spansPerRequest", spansPerRequest);
    m.put("templates", templates);
    m.put("maxOutstanding", maxOutstanding);
    m.put("writeQueueItems", writeQueueItems);
    m.put("maxInflightBytes", maxInflightBytes);
    m.put("bearerToken", !token.isEmpty());
    return m;
  }

  private static double dbl(Map<String, String> v, String name, double dflt) {
    String s = v.get(name);
    if (s == null) return dflt;
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + s);
    }
  }

  private static long positive(Map<String, String> v, String name, long dflt) {
    long n = integer(v, name, dflt);
    if (n <= 0) throw new IllegalArgumentException(name + " must be positive, got " + n);
    return n;
  }

  private static int positive(Map<String, String> v, String name, int dflt) {
    return Math.toIntExact(positive(v, name, (long) dflt));
  }

  private static int nonNegative(Map<String, String> v, String name, int dflt) {
    long n = integer(v, name, dflt);
    if (n < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + n);
    return Math.toIntExact(n);
  }

  private static long nonNegativeLong(Map<String, String> v, String name) {
    long n = integer(v, name, 0);
    if (n < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + n);
    return n;
  }

  private static long integer(Map<String, String> v, String name, long dflt) {
    String s = v.get(name);
    if (s == null) return dflt;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got " + s);
    }
  }
}
