package dev.sightline.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Command-line options of {@link IngestLoadHarness}. */
record HarnessOptions(
    URI otlpHttp,
    URI api,
    int threads,
    int durationSeconds,
    int warmupSeconds,
    int spansPerRequest,
    int templates,
    long fillSpans,
    long fillLogs,
    double fillHours,
    int querySamples,
    int queryWarmup,
    int queryRounds,
    int unknownIds,
    Path report,
    long serverPid,
    List<Long> databasePids,
    long seed,
    String revision,
    String token) {

  static final String USAGE =
      """
      usage: IngestLoadHarness --otlp-http URL --api URL [options]
        --otlp-http URL          OTLP/HTTP base, e.g. http://127.0.0.1:14318 (needs --bench-discard-endpoint)
        --api URL                query API base, e.g. http://127.0.0.1:18420
        --threads N              concurrent sender threads (default 8)
        --duration S             seconds of each measured phase: discard, then stored (default 60)
        --warmup S               warm-up seconds, half discard, half stored (default 100)
        --spans-per-request N    spans per request, whole traces of 10-20 spans (default 500)
        --templates N            pre-serialized request bodies to rotate (default 256)
        --fill-spans N           then keep storing until N spans are stored in total (default 0: no fill)
        --fill-logs N            during that fill, also send about N log records in total (POST
                                 /v1/logs after each acknowledged span request), correlated with
                                 the fill's spans by trace and span id (default 0: no logs)
        --fill-hours H           spread the event time of everything stored (stored phase and
                                 fill) over the H hours before now, in sending order, as a store
                                 that has been receiving for H hours would hold it (default 0:
                                 stamped at send time, so a fill covers only its minutes)
        --query-samples N        timed trace-by-id lookups per round, random acknowledged traces,
                                 each verified complete (default 1000)
        --query-warmup N         untimed lookups before that (default 500)
        --query-rounds N         timed rounds of --query-samples lookups each (default 3)
        --unknown-ids N          lookups of unknown ids, expecting 404 (default 100)
        --report FILE            JSON report (default ingest-load-report.json)
        --server-pid PID         the server's process id, to report its CPU use
        --database-pid PIDS      the database server's process id (clickhouse-server), to report
                                 its CPU use apart from other processes; comma-separated for
                                 several (a cluster's nodes: their CPU is summed)
        --seed N                 generator seed (default 1)
        --revision TEXT          the server's source revision, recorded in the report
        --token TOKEN            send Authorization: Bearer TOKEN on every request (a server
                                 with --auth-file; the token needs ingest and read, or admin);
                                 default $INGEST_LOAD_TOKEN, none when unset
      """;

  private static final Set<String> FLAGS =
      Set.of(
          "--otlp-http",
          "--api",
          "--threads",
          "--duration",
          "--warmup",
          "--spans-per-request",
          "--templates",
          "--fill-spans",
          "--fill-logs",
          "--fill-hours",
          "--query-samples",
          "--query-warmup",
          "--query-rounds",
          "--unknown-ids",
          "--report",
          "--server-pid",
          "--database-pid",
          "--seed",
          "--revision",
          "--token");

  static HarnessOptions parse(String[] args) {
    URI otlpHttp = null;
    URI api = null;
    int threads = 8;
    int duration = 60;
    int warmup = 20;
    int spansPerRequest = 500;
    int templates = 256;
    long fill = 0;
    long fillLogs = 0;
    double fillHours = 0;
    int querySamples = 1000;
    int queryWarmup = 500;
    int queryRounds = 3;
    int unknown = 100;
    Path report = Path.of("ingest-load-report.json");
    long serverPid = -1;
    List<Long> databasePids = List.of();
    long seed = 1;
    String revision = "";
    String token = System.getenv().getOrDefault("INGEST_LOAD_TOKEN", "");
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) throw new IllegalArgumentException("");
      int eq = flag.indexOf('=');
      String inline = eq > 0 ? flag.substring(eq + 1) : null;
      if (eq > 0) flag = flag.substring(0, eq);
      if (!FLAGS.contains(flag)) throw new IllegalArgumentException("unknown option " + flag);
      if (inline == null && i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = inline != null ? inline : args[++i];
      switch (flag) {
        case "--otlp-http" -> otlpHttp = base(value);
        case "--api" -> api = base(value);
        case "--threads" -> threads = positive(flag, value);
        case "--duration" -> duration = positive(flag, value);
        case "--warmup" -> warmup = (int) nonNegative(flag, value);
        case "--spans-per-request" -> spansPerRequest = positive(flag, value);
        case "--templates" -> templates = positive(flag, value);
        case "--fill-spans" -> fill = nonNegative(flag, value);
        case "--fill-logs" -> fillLogs = nonNegative(flag, value);
        case "--fill-hours" -> {
          fillHours = Double.parseDouble(value);
          if (!(fillHours >= 0 && fillHours <= 24 * 30)) {
            throw new IllegalArgumentException("--fill-hours must be between 0 and 720");
          }
        }
        case "--query-samples" -> querySamples = (int) nonNegative(flag, value);
        case "--query-warmup" -> queryWarmup = (int) nonNegative(flag, value);
        case "--query-rounds" -> queryRounds = positive(flag, value);
        case "--unknown-ids" -> unknown = (int) nonNegative(flag, value);
        case "--report" -> report = Path.of(value);
        case "--server-pid" -> serverPid = nonNegative(flag, value);
        case "--database-pid" -> {
          List<Long> pids = new java.util.ArrayList<>();
          for (String pid : value.split(",")) pids.add(nonNegative(flag, pid.strip()));
          databasePids = List.copyOf(pids);
        }
        case "--seed" -> seed = Long.parseLong(value);
        case "--revision" -> revision = value;
        case "--token" -> token = value.strip();
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (otlpHttp == null) throw new IllegalArgumentException("--otlp-http is required");
    if (api == null) throw new IllegalArgumentException("--api is required");
    if (fillLogs > 0 && fill == 0) {
      throw new IllegalArgumentException("--fill-logs needs --fill-spans (logs go with the fill)");
    }
    if (fillHours > 0 && fill == 0) {
      throw new IllegalArgumentException(
          "--fill-hours needs --fill-spans (the span count to spread)");
    }
    if (templates > 65_535) throw new IllegalArgumentException("--templates must be at most 65535");
    return new HarnessOptions(
        otlpHttp,
        api,
        threads,
        duration,
        warmup,
        spansPerRequest,
        templates,
        fill,
        fillLogs,
        fillHours,
        querySamples,
        queryWarmup,
        queryRounds,
        unknown,
        report,
        serverPid,
        databasePids,
        seed,
        revision,
        token);
  }

  private static URI base(String value) {
    String v = value.contains("://") ? value : "http://" + value;
    while (v.endsWith("/")) v = v.substring(0, v.length() - 1);
    return URI.create(v);
  }

  private static int positive(String flag, String value) {
    long v = nonNegative(flag, value);
    if (v == 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(flag + " must be a positive integer, got " + value);
    }
    return (int) v;
  }

  private static long nonNegative(String flag, String value) {
    long v;
    try {
      v = Long.parseLong(value.replace("_", "").replace(",", "").toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer, got " + value);
    }
    if (v < 0) throw new IllegalArgumentException(flag + " must not be negative, got " + value);
    return v;
  }
}
