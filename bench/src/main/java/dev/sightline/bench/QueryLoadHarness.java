package dev.sightline.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query load harness: times the query API of a running Sightline over stored data, like a user
 * would call it (HTTP, sequential, one request at a time). Parameter values are drawn from the data
 * through the API itself (services, span names, durations and attribute values of sampled traces,
 * log bodies and severities); then every query class runs {@code --warmup} untimed and {@code
 * --rounds} timed times, interleaved (one query of each class per round, so that noise on the
 * machine hits all classes alike), each time with freshly drawn values. Each class reports count,
 * p50, p95, p99 and max in milliseconds and its p50 as a ratio to trace-by-id's p50 of the same
 * run; empty results where the data guarantees some are reported as warnings.
 *
 * <p>Run it through {@code bench/query-load DATA_DIR}, which starts the server on that data dir.
 * {@code --probe DATA_DIR} (before the server starts) prints, as harness options, the stored span
 * and log counts and the time range of the data, read from the database file.
 */
public final class QueryLoadHarness {
  private static final JsonFactory JSON = new JsonFactory();
  private static final long DAY_MILLIS = 24 * 3600 * 1000L;

  /** Trace-by-id lookups per round: the baseline of every ratio gets more samples. */
  private static final int BASELINE_PER_ROUND = 3;

  private static final String USAGE =
      """
      usage: QueryLoadHarness --api URL [options]
             QueryLoadHarness --probe DATA_DIR
             QueryLoadHarness --probe-clickhouse URL DATABASE
        --api URL            query API base, e.g. http://127.0.0.1:18420
        --rounds N           timed queries per class (default 30)
        --warmup N           untimed queries per class before that (default 5)
        --only REGEX         only the query classes whose name matches (trace by id always runs)
        --report FILE        JSON report (default query-load-report.json)
        --seed N             seed of the parameter draws (default 1)
        --server-pid PID     the server's process id, to report CPU use
        --database-pid PIDS  the database servers' process ids (clickhouse-server, comma-separated
                             for a cluster: their CPU is summed), likewise
        --revision TEXT      the server's source revision, recorded in the report
        --data-dir DIR, --data-spans N, --data-logs N, --data-start-ms T, --data-end-ms T
                             what the data dir holds (printed by --probe), for the report and the
                             time window: the API default (last 24 h) when all the data is in it,
                             else the 24 h ending at the newest data
      """;

  private final URI api;
  private final int rounds;
  private final int warmup;
  private final Pattern only;
  private final Path reportFile;
  private final long seed;
  private final long serverPid;
  private final Map<String, Object> data;
  private final String revision;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** {@code &start=…&end=…}, or empty for the API's default window. */
  private String window = "";

  private long windowStartMs;
  private long windowEndMs;
  private final List<String> warnings = new ArrayList<>();

  private QueryLoadHarness(Map<String, String> o) {
    this.api = URI.create(stripSlash(required(o, "--api")));
    this.rounds = Integer.parseInt(o.getOrDefault("--rounds", "30"));
    this.warmup = Integer.parseInt(o.getOrDefault("--warmup", "5"));
    this.only = o.containsKey("--only") ? Pattern.compile(o.get("--only")) : null;
    this.reportFile = Path.of(o.getOrDefault("--report", "query-load-report.json"));
    this.seed = Long.parseLong(o.getOrDefault("--seed", "1"));
    this.serverPid = Long.parseLong(o.getOrDefault("--server-pid", "-1"));
    List<Long> databasePids = new ArrayList<>(); // one per node of a cluster, summed
    for (String pid : o.getOrDefault("--database-pid", "-1").split(",")) {
      databasePids.add(Long.parseLong(pid.strip()));
    }
    CpuUsage.trackDatabase(databasePids);
    this.revision = o.getOrDefault("--revision", "");
    this.data = new LinkedHashMap<>();
    for (String k :
        List.of("--data-dir", "--data-spans", "--data-logs", "--data-start-ms", "--data-end-ms")) {
      if (!o.containsKey(k)) continue;
      String v = o.get(k);
      data.put(k.substring("--data-".length()), k.equals("--data-dir") ? v : Long.parseLong(v));
    }
    if (rounds < 1 || warmup < 0) throw new IllegalArgumentException("bad --rounds or --warmup");
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--probe")) {
      System.out.println(probe(Path.of(args[1])));
      return;
    }
    if (args.length == 3 && args[0].equals("--probe-clickhouse")) {
      System.out.println(probeClickHouse(args[1], args[2]));
      return;
    }
    Map<String, String> options = new LinkedHashMap<>();
    boolean parseOnly = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--parse-only")) {
          parseOnly = true;
          continue;
        }
        if (a.equals("-h") || a.equals("--help")) throw new IllegalArgumentException("");
        int eq = a.indexOf('=');
        String flag = eq > 0 ? a.substring(0, eq) : a;
        if (!USAGE.contains(flag + " ") && !USAGE.contains(flag + ",")) {
          throw new IllegalArgumentException("unknown option " + flag);
        }
        if (eq < 0 && i + 1 >= args.length)
          throw new IllegalArgumentException(a + " needs a value");
        options.put(flag, eq > 0 ? a.substring(eq + 1) : args[++i]);
      }
      if (parseOnly) options.putIfAbsent("--api", "http://x");
      new QueryLoadHarness(options); // validates
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) System.err.println("query-load: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (parseOnly) return;
    System.exit(new QueryLoadHarness(options).run());
  }

  /** Harness options describing the data dir, read from its database file (read-only). */
  static String probe(Path dataDir) throws Exception {
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    Path db = dataDir.resolve("sightline.duckdb");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db, p);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM logs),"
                    + " (SELECT min(start_ns) FROM spans), (SELECT max(start_ns) FROM spans)")) {
      rs.next();
      return String.format(
          Locale.ROOT,
          "--data-spans %d --data-logs %d --data-start-ms %d --data-end-ms %d",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3) / 1_000_000,
          rs.getLong(4) / 1_000_000);
    }
  }

  /** The same as {@link #probe} for a ClickHouse database (over its HTTP interface). */
  static String probeClickHouse(String url, String database) throws Exception {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a database name: " + database);
    }
    String sql =
        "SELECT (SELECT count() FROM DB.spans), (SELECT count() FROM DB.logs),"
                .replace("DB", database)
            + " intDiv(min(start_ns), 1000000), intDiv(max(start_ns), 1000000) FROM "
            + database
            + ".spans FORMAT TabSeparated";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/"))
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString(sql))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("ClickHouse answered " + r.statusCode() + ": " + r.body());
    }
    String[] f = r.body().strip().split("\t");
    return String.format(
        Locale.ROOT,
        "--data-spans %s --data-logs %s --data-start-ms %s --data-end-ms %s",
        f[0],
        f[1],
        f[2],
        f[3]);
  }

  // ---- run ----

  private int run() throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("startedAt", Instant.now().toString());
    report.put("revision", revision);
    report.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageAtStart", CpuUsage.loadAverage());
    report.put("data", data);
    chooseWindow();
    report.put("window", window.isEmpty() ? "API default (last 24 h)" : window.substring(1));
    System.out.printf(
        Locale.ROOT,
        "query-load: %,d spans, %,d logs stored; window %s%n",
        data.getOrDefault("spans", -1L),
        data.getOrDefault("logs", -1L),
        report.get("window"));

    long t0 = System.nanoTime();
    Params params = drawParameters();
    System.out.printf(
        Locale.ROOT,
        "parameters drawn in %.1f s: %s%n",
        (System.nanoTime() - t0) / 1e9,
        params.summary());
    report.put("parameters", params.summaryMap());

    List<QueryClass> classes = classes(params);
    report.put(
        "options",
        Map.of(
            "rounds",
            rounds,
            "warmup",
            warmup,
            "only",
            only == null ? "" : only.pattern(),
            "seed",
            seed));
    for (int i = 0; i < warmup; i++) {
      for (QueryClass q : classes) q.execute(false);
    }
    System.out.printf(
        Locale.ROOT, "warm-up done (%d per class); timing %d rounds%n", warmup, rounds);
    CpuUsage cpu0 = CpuUsage.now(serverPid);
    long progressAt = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (QueryClass q : classes) {
        int times = q == classes.get(0) ? BASELINE_PER_ROUND : 1;
        for (int i = 0; i < times; i++) q.execute(true);
      }
      if (System.nanoTime() - progressAt > 10_000_000_000L) {
        System.out.printf(Locale.ROOT, "   round %d of %d%n", r + 1, rounds);
        progressAt = System.nanoTime();
      }
    }
    CpuUsage cpu1 = CpuUsage.now(serverPid);
    double[] cores = cpu1.coresSince(cpu0);
    Map<String, Object> coresMap = new LinkedHashMap<>();
    coresMap.put("client", round3(cores[0]));
    coresMap.put("server", round3(cores[1]));
    coresMap.put("otherProcesses", round3(cores[2]));
    coresMap.put("machineBusy", round3(cores[3]));
    if (!Double.isNaN(cores[4])) coresMap.put("databaseServer", round3(cores[4]));
    report.put("timedPhaseCores", coresMap);
    report.put("loadAverageAtEnd", CpuUsage.loadAverage());

    double baseline = classes.get(0).percentile(50);
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean failed = false;
    for (QueryClass q : classes) {
      rows.add(q.toMap(baseline));
      if (q.errors > 0) failed = true;
      if (q.empty > 0) { // every class draws values that the data holds
        warnings.add(
            String.format(
                Locale.ROOT,
                "%s: %d of %d answers empty (e.g. %s)",
                q.name,
                q.empty,
                q.count(),
                q.lastEmpty));
      }
      if (q.errors > 0) {
        warnings.add(q.name + ": " + q.errors + " failed requests, e.g. " + q.firstError);
      }
    }
    report.put("queries", rows);
    report.put("warnings", warnings);
    report.put("finishedAt", Instant.now().toString());
    writeReport(report);
    System.out.print(markdown(report, classes, baseline, cores));
    System.out.println("report: " + reportFile.toAbsolutePath());
    return failed ? 1 : 0;
  }

  /** The API default when all the data is in the last 24 h, else the 24 h ending at the newest. */
  private void chooseWindow() {
    long now = System.currentTimeMillis();
    windowEndMs = now;
    windowStartMs = now - DAY_MILLIS;
    if (!data.containsKey("start-ms") || !data.containsKey("end-ms")) return;
    long first = (Long) data.get("start-ms");
    long last = (Long) data.get("end-ms");
    if (first >= now - DAY_MILLIS + 5 * 60_000 && last < now) return;
    windowEndMs = last + 60_000;
    windowStartMs = windowEndMs - DAY_MILLIS;
    window = "&start=" + windowStartMs + "&end=" + windowEndMs;
  }

  /** Start and end (epoch ms) of the data in the window, for sampling slices across it. */
  private long[] dataSpan() {
    long first = windowStartMs;
    long last = windowEndMs;
    if (data.containsKey("start-ms") && data.containsKey("end-ms")) {
      first = Math.max(first, (Long) data.get("start-ms"));
      last = Math.min(last, (Long) data.get("end-ms") + 1);
    }
    return new long[] {first, Math.max(first + 1, last)};
  }

  // ---- parameters ----

  /** Parameter values drawn from the data. */
  private static final class Params {
    final List<String> services = new ArrayList<>();
    final List<String> traceIds = new ArrayList<>();
    final Map<String, List<String>> operations = new TreeMap<>();

    /** Per service: sampled span durations in ms. */
    final Map<String, List<Double>> durations = new TreeMap<>();

    final List<String> errorServices = new ArrayList<>();
    final List<String> tenants = new ArrayList<>();
    final List<String> users = new ArrayList<>();

    /** Values of a key that is not in the default attribute index (app.order.id: a few traces). */
    final List<String> orderIds = new ArrayList<>();

    /** (service, tenant) pairs of sampled spans. */
    final List<String[]> serviceTenant = new ArrayList<>();

    final List<String> logServices = new ArrayList<>();
    final List<String> frequentTokens = new ArrayList<>();
    final List<String> rareTokens = new ArrayList<>();
    final List<String> logTraceIds = new ArrayList<>();
    int sampledTraces;
    int sampledLogs;

    String summary() {
      return String.format(
          Locale.ROOT,
          "%d services, %d trace ids, %d traces read (%d tenant.id values, %d enduser.id values,"
              + " %d app.order.id values, %d error services), %d logs read (%d frequent and %d rare tokens)",
          services.size(),
          traceIds.size(),
          sampledTraces,
          tenants.size(),
          users.size(),
          orderIds.size(),
          errorServices.size(),
          sampledLogs,
          frequentTokens.size(),
          rareTokens.size());
    }

    Map<String, Object> summaryMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("services", services);
      m.put("traceIds", traceIds.size());
      m.put("tracesRead", sampledTraces);
      m.put("tenantIds", tenants.size());
      m.put("endUserIds", users.size());
      m.put("orderIds", orderIds.size());
      m.put("errorServices", errorServices);
      m.put("logsRead", sampledLogs);
      m.put("frequentLogTokens", frequentTokens);
      m.put("rareLogTokens", rareTokens.subList(0, Math.min(10, rareTokens.size())));
      return m;
    }
  }

  private static final Pattern RARE_TOKEN = Pattern.compile("\\b(user-\\d{6}|ord-[a-z0-9]{12})\\b");
  private static final Pattern WORD = Pattern.compile("[A-Za-z]{4,}");

  @SuppressWarnings("unchecked")
  private Params drawParameters() throws Exception {
    Params p = new Params();
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Object> services = getJson("/api/v1/services?" + window.replaceFirst("^&", ""));
    for (Object o : (List<Object>) services.get("services")) {
      Map<String, Object> s = (Map<String, Object>) o;
      String name = (String) s.get("name");
      p.services.add(name);
      Object errors = s.get("errors");
      if (errors instanceof Number n && n.longValue() > 0) p.errorServices.add(name);
    }
    if (p.services.isEmpty()) throw new IllegalStateException("no services in the window");

    // trace ids from ten slices across the data (not only the newest traces)
    long[] span = dataSpan();
    int slices = 10;
    for (int i = 0; i < slices; i++) {
      long from = span[0] + (span[1] - span[0]) * i / slices;
      long to = Math.max(from + 1, Math.min(span[1], from + 10_000));
      Map<String, Object> r = getJson("/api/v1/traces?limit=100&start=" + from + "&end=" + to);
      for (Object o : (List<Object>) r.get("traces")) {
        p.traceIds.add((String) ((Map<String, Object>) o).get("traceId"));
      }
    }
    if (p.traceIds.isEmpty()) {
      Map<String, Object> r = getJson("/api/v1/traces?limit=1000" + window);
      for (Object o : (List<Object>) r.get("traces")) {
        p.traceIds.add((String) ((Map<String, Object>) o).get("traceId"));
      }
    }
    if (p.traceIds.isEmpty()) throw new IllegalStateException("no traces found in the window");

    // read some traces: span names, durations, errors and attribute values per service
    Set<String> tenants = new LinkedHashSet<>();
    Set<String> users = new LinkedHashSet<>();
    Set<String> errorServices = new LinkedHashSet<>();
    Map<String, Set<String>> ops = new TreeMap<>();
    for (int i = 0; i < 60 && i < p.traceIds.size(); i++) {
      String id = p.traceIds.get(random.nextInt(p.traceIds.size()));
      Map<String, Object> trace = getJson("/api/v1/traces/" + id);
      p.sampledTraces++;
      for (Object o : (List<Object>) trace.get("spans")) {
        Map<String, Object> s = (Map<String, Object>) o;
        String service = (String) s.get("service");
        ops.computeIfAbsent(service, k -> new LinkedHashSet<>()).add((String) s.get("name"));
        double ms = ((Number) s.get("durationNanos")).longValue() / 1e6;
        p.durations.computeIfAbsent(service, k -> new ArrayList<>()).add(ms);
        Map<String, Object> status = (Map<String, Object>) s.get("status");
        if (status != null && "ERROR".equals(status.get("code"))) errorServices.add(service);
        Map<String, Object> attrs = (Map<String, Object>) s.get("attributes");
        if (attrs == null) continue;
        if (attrs.get("tenant.id") instanceof String t) {
          tenants.add(t);
          p.serviceTenant.add(new String[] {service, t});
        }
        if (attrs.get("enduser.id") instanceof String u) users.add(u);
        if (attrs.get("app.order.id") instanceof String order) p.orderIds.add(order);
      }
    }
    ops.forEach((k, v) -> p.operations.put(k, new ArrayList<>(v)));
    p.tenants.addAll(tenants);
    p.users.addAll(users);
    for (String s : errorServices) if (!p.errorServices.contains(s)) p.errorServices.add(s);

    // logs: services, tokens of their bodies, trace ids, from slices across the data
    Map<String, Integer> wordLogs = new HashMap<>();
    Set<String> rare = new LinkedHashSet<>();
    Set<String> logServices = new LinkedHashSet<>();
    List<Object> logs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long from = span[0] + (span[1] - span[0]) * i / 5;
      long to = Math.max(from + 1, Math.min(span[1], from + 30_000));
      Map<String, Object> r = getJson("/api/v1/logs?limit=400&start=" + from + "&end=" + to);
      logs.addAll((List<Object>) r.get("logs"));
    }
    if (logs.isEmpty()) { // slices missed the logs: the newest of the window then
      logs.addAll((List<Object>) getJson("/api/v1/logs?limit=2000" + window).get("logs"));
    }
    for (Object o : logs) {
      Map<String, Object> log = (Map<String, Object>) o;
      p.sampledLogs++;
      logServices.add((String) log.get("service"));
      if (log.get("traceId") instanceof String t && !t.isEmpty() && p.logTraceIds.size() < 500) {
        p.logTraceIds.add(t);
      }
      if (!(log.get("body") instanceof String body)) continue;
      Matcher m = RARE_TOKEN.matcher(body);
      while (m.find()) rare.add(m.group(1));
      Set<String> words = new LinkedHashSet<>();
      Matcher w = WORD.matcher(body);
      while (w.find()) words.add(w.group().toLowerCase(Locale.ROOT));
      for (String word : words) wordLogs.merge(word, 1, Integer::sum);
    }
    p.logServices.addAll(logServices);
    p.rareTokens.addAll(rare);
    // frequent: words in 5-30 % of the sampled logs (common, but the search must still filter)
    wordLogs.entrySet().stream()
        .filter(e -> e.getValue() >= p.sampledLogs * 0.05 && e.getValue() <= p.sampledLogs * 0.3)
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(8)
        .forEach(e -> p.frequentTokens.add(e.getKey()));
    return p;
  }

  // ---- query classes ----

  /** One kind of query: a path drawn afresh for each execution, and its timings. */
  private final class QueryClass {
    final String name;
    final String arrayField;
    final Function<SplittableRandom, String> path;
    final SplittableRandom random;
    final List<Long> nanos = new ArrayList<>();
    final List<Integer> results = new ArrayList<>();
    String example;
    int empty;
    int errors;
    String firstError;
    String lastEmpty;

    QueryClass(String name, String arrayField, int index, Function<SplittableRandom, String> path) {
      this.name = name;
      this.arrayField = arrayField;
      this.path = path;
      this.random = new SplittableRandom(seed * 1_000_003L + index);
    }

    void execute(boolean timed) throws InterruptedException {
      String p = path.apply(random);
      if (example == null) example = p;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(api + p)).timeout(Duration.ofSeconds(120)).build();
      long t0 = System.nanoTime();
      HttpResponse<byte[]> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (timed) fail(p + ": " + e);
        return;
      }
      long elapsed = System.nanoTime() - t0;
      if (!timed) return;
      if (response.statusCode() != 200) {
        fail(
            p
                + " answered "
                + response.statusCode()
                + ": "
                + new String(response.body(), StandardCharsets.UTF_8).strip());
        return;
      }
      int n = countArray(response.body(), arrayField);
      nanos.add(elapsed);
      results.add(n);
      if (n == 0) {
        empty++;
        lastEmpty = p;
      }
    }

    private void fail(String what) {
      errors++;
      if (firstError == null) firstError = what.length() > 300 ? what.substring(0, 300) : what;
    }

    int count() {
      return nanos.size();
    }

    double percentile(double pct) {
      long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      return IngestLoadHarness.percentileMillis(sorted, pct);
    }

    double meanResults() {
      return results.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN);
    }

    Map<String, Object> toMap(double baselineP50) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("example", example);
      m.put("count", count());
      m.put("errors", errors);
      m.put("empty", empty);
      m.put("meanResults", round3(meanResults()));
      m.put("p50", round3(percentile(50)));
      m.put("p95", round3(percentile(95)));
      m.put("p99", round3(percentile(99)));
      m.put("max", round3(percentile(100)));
      m.put("p50RatioToTraceById", round3(percentile(50) / baselineP50));
      if (firstError != null) m.put("firstError", firstError);
      return m;
    }
  }

  private List<QueryClass> classes(Params p) {
    List<QueryClass> all = new ArrayList<>();
    String w = window;
    int[] index = {0};
    // the baseline of the run: always first, always run
    all.add(
        new QueryClass(
            "trace by id", "spans", index[0]++, r -> "/api/v1/traces/" + pick(p.traceIds, r)));
    List<QueryClass> more = new ArrayList<>();
    ClassAdder add = (name, field, path) -> more.add(new QueryClass(name, field, index[0]++, path));
    add.add(
        "traces: service",
        "traces",
        r -> "/api/v1/traces?service=" + enc(pick(p.services, r)) + "&limit=20" + w);
    add.add(
        "traces: service + operation",
        "traces",
        r -> {
          String s = pick(new ArrayList<>(p.operations.keySet()), r);
          return "/api/v1/traces?service="
              + enc(s)
              + "&operation="
              + enc(pick(p.operations.get(s), r))
              + "&limit=20"
              + w;
        });
    add.add(
        "traces: service + status=error",
        "traces",
        r ->
            "/api/v1/traces?service="
                + enc(pick(p.errorServices.isEmpty() ? p.services : p.errorServices, r))
                + "&status=error&limit=20"
                + w);
    add.add(
        "traces: service + minDurationMs",
        "traces",
        r -> {
          String s = pick(new ArrayList<>(p.durations.keySet()), r);
          double d = pick(p.durations.get(s), r);
          return "/api/v1/traces?service="
              + enc(s)
              + "&minDurationMs="
              + (long) Math.floor(d * 0.9)
              + "&limit=20"
              + w;
        });
    add.add(
        "traces: attr frequent (tenant.id)",
        "traces",
        r -> "/api/v1/traces?attr.tenant.id=" + enc(pick(p.tenants, r)) + "&limit=20" + w);
    add.add(
        "traces: attr rare (enduser.id)",
        "traces",
        r -> "/api/v1/traces?attr.enduser.id=" + enc(pick(p.users, r)) + "&limit=20" + w);
    if (!p.orderIds.isEmpty()) {
      add.add(
          "traces: attr rare, not indexed (app.order.id)",
          "traces",
          r -> "/api/v1/traces?attr.app.order.id=" + enc(pick(p.orderIds, r)) + "&limit=20" + w);
    }
    add.add(
        "traces: service + attr (tenant.id)",
        "traces",
        r -> {
          String[] st = pick(p.serviceTenant, r);
          return "/api/v1/traces?service="
              + enc(st[0])
              + "&attr.tenant.id="
              + enc(st[1])
              + "&limit=20"
              + w;
        });
    add.add("traces: status=error", "traces", r -> "/api/v1/traces?status=error&limit=20" + w);
    add.add("services", "services", r -> "/api/v1/services" + w.replaceFirst("&", "?"));
    add.add("service map", "edges", r -> "/api/v1/service-map" + w.replaceFirst("&", "?"));
    if (p.sampledLogs == 0) {
      warnings.add("no logs found in the window: log queries skipped");
    } else {
      add.add(
          "logs: service",
          "logs",
          r -> "/api/v1/logs?service=" + enc(pick(p.logServices, r)) + "&limit=100" + w);
      add.add(
          "logs: severityMin",
          "logs",
          r ->
              "/api/v1/logs?severityMin="
                  + (r.nextBoolean() ? "WARN" : "ERROR")
                  + "&limit=100"
                  + w);
      if (!p.frequentTokens.isEmpty()) {
        add.add(
            "logs: q frequent token",
            "logs",
            r -> "/api/v1/logs?q=" + enc(pick(p.frequentTokens, r)) + "&limit=100" + w);
      }
      if (!p.rareTokens.isEmpty()) {
        add.add(
            "logs: q rare token",
            "logs",
            r -> "/api/v1/logs?q=" + enc(pick(p.rareTokens, r)) + "&limit=100" + w);
      }
      if (!p.logTraceIds.isEmpty()) {
        add.add(
            "logs: traceId",
            "logs",
            r -> "/api/v1/logs?traceId=" + pick(p.logTraceIds, r) + "&limit=100" + w);
      }
    }
    for (QueryClass q : more) {
      if (only == null || only.matcher(q.name).find()) all.add(q);
    }
    return all;
  }

  /** Adds a query class: its name, the array field its answer lists results in, its path. */
  private interface ClassAdder {
    void add(String name, String arrayField, Function<SplittableRandom, String> path);
  }

  private static <T> T pick(List<T> list, SplittableRandom r) {
    return list.get(r.nextInt(list.size()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- HTTP and JSON ----

  private Map<String, Object> getJson(String path) throws IOException, InterruptedException {
    String p = path.endsWith("?") ? path.substring(0, path.length() - 1) : path;
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create(api + p)).timeout(Duration.ofSeconds(300)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          p + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
    try (JsonParser parser = JSON.createParser(r.body())) {
      parser.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) read(parser);
      return m;
    }
  }

  /** The value at the parser's current token, as maps, lists, strings, numbers and booleans. */
  private static Object read(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          m.put(key, read(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) l.add(read(p));
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return true;
      }
      case VALUE_FALSE -> {
        return false;
      }
      default -> {
        return null;
      }
    }
  }

  /** Elements of the top-level array field {@code field}; -1 when it is missing. */
  private static int countArray(byte[] body, String field) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals(field) && value == JsonToken.START_ARRAY) {
          int n = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            n++;
            p.skipChildren();
          }
          return n;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  // ---- report ----

  private String markdown(
      Map<String, Object> report, List<QueryClass> classes, double baseline, double[] cores) {
    StringBuilder out = new StringBuilder();
    out.append("\n================ Sightline query load report ================\n");
    out.append(
        String.format(
            Locale.ROOT,
            "data: %,d spans, %,d logs (%s); window: %s; %d timed queries per class (trace by id:"
                + " %d) after %d untimed, sequential over HTTP%n",
            data.getOrDefault("spans", -1L),
            data.getOrDefault("logs", -1L),
            data.getOrDefault("dir", "?"),
            report.get("window"),
            rounds,
            rounds * BASELINE_PER_ROUND,
            warmup));
    out.append(
        String.format(
            Locale.ROOT,
            "machine: %d cores, load average %s at start, %s at end; during the timed rounds:"
                + " server %.2f cores, other processes %.2f cores%n%n",
            Runtime.getRuntime().availableProcessors(),
            report.get("loadAverageAtStart"),
            report.get("loadAverageAtEnd"),
            cores[1],
            cores[2]));
    out.append("| query | example | n | empty | results (mean) | p50 ms | p99 ms | max ms |")
        .append(" p50 / by id |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (QueryClass q : classes) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f× |%n",
              q.name,
              shortExample(q.example),
              q.count(),
              q.empty,
              q.meanResults(),
              q.percentile(50),
              q.percentile(99),
              q.percentile(100),
              q.percentile(50) / baseline));
    }
    if (!warnings.isEmpty()) {
      out.append("\nwarnings:\n");
      for (String w : warnings) out.append("- ").append(w).append('\n');
    }
    return out.toString();
  }

  private String shortExample(String example) {
    if (example == null) return "";
    String e =
        window.isEmpty()
            ? example
            : example.replace(window, "").replace("?" + window.substring(1), "");
    return e.replaceAll("/api/v1/traces/[0-9a-f]{32}", "/api/v1/traces/{id}")
        .replaceAll("traceId=[0-9a-f]{32}", "traceId={id}");
  }

  private void writeReport(Map<String, Object> report) throws IOException {
    JsonReport.write(reportFile, report);
  }

  private static double round3(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
  }

  private static String required(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) throw new IllegalArgumentException(key + " is required");
    return v;
  }

  private static String stripSlash(String v) {
    String s = v.contains("://") ? v : "http://" + v;
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return s;
  }
}
