package dev.sightline.bench.incident;

import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentManager;
import dev.sightline.incident.evidence.TraceRef;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloLoader;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.storage.duckdb.DuckDbStorage;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.ScenarioTelemetry;
import dev.sightline.testing.scenarios.SloScope;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Issue 5's target, "time from alert firing to complete incident card with 10 M spans stored: ≤ 5
 * s": builds (once, reused when present) a store holding a long healthy baseline then a {@link
 * FaultKind#SLOW_DB_QUERY} fault, raises the page-fast alert two minutes into it, then times {@link
 * IncidentManager#open} several times (fresh incident store and alert id each run), checks each
 * card names inventory {@code SELECT inventory}, and does the same on a ~100 k-span store as the
 * same-run baseline. Every storage read is timed by step ({@link TimedStorage}).
 *
 * <pre>
 * java -cp ... dev.sightline.bench.incident.IncidentCardHarness [--spans N] [--rps R]
 *     [--small-spans N] [--small-rps R] [--fault-minutes M] [--control-spans N] [--runs N]
 *     [--dir DIR]
 * </pre>
 */
public final class IncidentCardHarness {
  private static final double SPANS_PER_REQUEST = 15.0;

  private IncidentCardHarness() {}

  /** One data set: the scenario's shape and where it is stored. */
  record DataSet(String name, Path dir, long targetSpans, double rps, Duration fault) {}

  /** The timings of one data set. */
  record Result(
      String name,
      long spans,
      long logs,
      List<Long> openNanos,
      long firstNanos,
      Map<String, TimedStorage.Step> steps,
      List<Long> lookupNanos,
      String card) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Path dir = Path.of(o.getOrDefault("dir", "bench/target"));
    int runs = Integer.parseInt(o.getOrDefault("runs", "7"));
    Duration fault = Duration.ofMinutes(Long.parseLong(o.getOrDefault("fault-minutes", "5")));
    long spans = Long.parseLong(o.getOrDefault("spans", "10000000"));
    long smallSpans = Long.parseLong(o.getOrDefault("small-spans", "100000"));
    DataSet big =
        new DataSet(
            "large",
            dir.resolve(spans >= 1_000_000 ? "incident-" + spans / 1_000_000 + "m" : "incident-l"),
            spans,
            Double.parseDouble(o.getOrDefault("rps", "25")),
            fault);
    DataSet small =
        new DataSet(
            "small",
            dir.resolve("incident-small"),
            smallSpans,
            Double.parseDouble(o.getOrDefault("small-rps", "2")),
            fault);
    // optional: the large store's request rate with a short history, to tell the cost of the data
    // in the investigated windows from the cost of the total stored
    long controlSpans = Long.parseLong(o.getOrDefault("control-spans", "0"));
    List<Result> results = new ArrayList<>();
    System.out.println("warm-up pass on the small store (not reported)");
    measure(small, 2);
    results.add(measure(small, runs));
    if (controlSpans > 0) {
      DataSet control =
          new DataSet(
              "control",
              dir.resolve("incident-control-" + controlSpans),
              controlSpans,
              big.rps(),
              fault);
      results.add(measure(control, runs));
    }
    results.add(measure(big, runs));
    report(results);
    Result s = results.get(0);
    for (Result r : results.subList(1, results.size())) {
      System.out.printf(
          Locale.ROOT,
          "%n%s/small: open p50 %.2fx, max %.2fx; trace-by-id p50 %.2fx",
          r.name(),
          (double) quantile(r.openNanos(), 0.5) / quantile(s.openNanos(), 0.5),
          (double) quantile(r.openNanos(), 1) / quantile(s.openNanos(), 1),
          (double) quantile(r.lookupNanos(), 0.5) / quantile(s.lookupNanos(), 0.5));
    }
    Result l = results.get(results.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "%ntarget: complete card at %,d spans in <= 5 s: %s (p50 %.2f s, max %.2f s)%n",
        l.spans(),
        quantile(l.openNanos(), 1) <= 5_000_000_000L ? "MET" : "NOT MET",
        quantile(l.openNanos(), 0.5) / 1e9,
        quantile(l.openNanos(), 1) / 1e9);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static Result measure(DataSet d, int runs) throws Exception {
    Duration baseline =
        Duration.ofSeconds(
            Math.max(
                20 * 60,
                Math.round(d.targetSpans() / (SPANS_PER_REQUEST * d.rps()))
                    - d.fault().toSeconds()));
    Properties meta = dataSet(d, baseline);
    Instant end = Instant.parse(meta.getProperty("end"));
    FaultScenario scenario = scenario(d, baseline, end);
    long spans = Long.parseLong(meta.getProperty("spans"));
    long logs = Long.parseLong(meta.getProperty("logs"));
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %,d spans, %,d logs (%.1f req/s, baseline %s, fault %s, ends %s) ==%n",
        d.name(),
        spans,
        logs,
        d.rps(),
        baseline,
        d.fault(),
        end);

    Path work = Files.createTempDirectory("incident-card-");
    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(d.dir().resolve("data")).build()) {
      Slo slo = SloLoader.parse(Map.of("slo.yaml", sloYaml(scenario.sloScope()))).slos().get(0);
      Alert alert = pageFastAlert(slo, scenario);
      System.out.printf(
          Locale.ROOT,
          "alert %s (rule %s) at %s, %s after the fault started%n",
          alert.id(),
          alert.rule(),
          alert.since(),
          Duration.between(scenario.faultStart(), alert.since()));
      System.out.println("load average before the runs: " + loadAverage());

      TimedStorage timed = new TimedStorage(storage);
      List<Long> times = new ArrayList<>();
      long first = 0;
      Map<String, TimedStorage.Step> steps = new LinkedHashMap<>();
      Incident last = null;
      for (int run = 0; run <= runs; run++) {
        IncidentManager manager =
            IncidentManager.builder()
                .store(FileIncidentStore.open(work.resolve("incidents-" + run)))
                .storage(timed)
                .slos(name -> Optional.of(slo))
                .clock(Clock.fixed(alert.since(), ZoneOffset.UTC))
                .build();
        timed.drain();
        long t0 = System.nanoTime();
        // investigates on this thread (the server's alert path uses the engine's executor)
        Incident card = manager.open(withId(alert, alert.id() + "#run" + run), slo);
        long took = System.nanoTime() - t0;
        manager.close();
        Map<String, TimedStorage.Step> s = timed.drain();
        check(card, scenario, d.name() + " run " + run);
        if (run == 0) {
          first = took;
          printSteps("first open (not in p50/max)", took, s);
        } else {
          times.add(took);
          s.forEach(
              (k, v) -> {
                TimedStorage.Step sum = steps.computeIfAbsent(k, x -> new TimedStorage.Step());
                sum.calls += v.calls;
                sum.nanos += v.nanos;
                sum.maxNanos = Math.max(sum.maxNanos, v.maxNanos);
                sum.rows += v.rows;
              });
        }
        last = card;
        System.out.printf(
            Locale.ROOT,
            "run %d: %.0f ms (card says %d ms)%n",
            run,
            took / 1e6,
            card.investigationMillis());
      }
      System.out.println("load average after the runs: " + loadAverage());
      printSteps(
          "mean per open over " + runs + " runs",
          times.stream().mapToLong(Long::longValue).sum() / runs,
          perRun(steps, runs));
      // a point-lookup reference measured on the same store in the same run
      List<Long> lookups = new ArrayList<>();
      List<TraceRef> refs = new ArrayList<>(last.evidence().badTraces());
      refs.addAll(last.evidence().baselineTraces());
      for (int round = 0; round < 5; round++) {
        for (TraceRef r : refs) {
          long t0 = System.nanoTime();
          storage.traceReader().getTrace(scenario.tenant(), r.traceId());
          if (round > 0) lookups.add(System.nanoTime() - t0);
        }
      }
      return new Result(d.name(), spans, logs, times, first, steps, lookups, summary(last) + "");
    } finally {
      deleteTree(work);
    }
  }

  private static FaultScenario scenario(DataSet d, Duration baseline, Instant end) {
    return FaultScenario.builder(FaultKind.SLOW_DB_QUERY)
        .baseline(baseline)
        .faultDuration(d.fault())
        .requestsPerSecond(d.rps())
        .end(end)
        .build();
  }

  /** Builds the data set unless a complete one with the same shape is there; its description. */
  private static Properties dataSet(DataSet d, Duration baseline) throws IOException {
    Path marker = d.dir().resolve("dataset.properties");
    String shape =
        String.format(
            Locale.ROOT, "SLOW_DB_QUERY rps=%s baseline=%s fault=%s", d.rps(), baseline, d.fault());
    if (Files.exists(marker)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(marker)) {
        p.load(r);
      }
      if (shape.equals(p.getProperty("shape"))) {
        System.out.println("reusing " + d.dir() + " (" + shape + ")");
        return p;
      }
      System.out.println(
          d.dir() + " holds another shape (" + p.getProperty("shape") + "), rebuilding");
    }
    deleteTree(d.dir());
    Files.createDirectories(d.dir());
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    FaultScenario scenario = scenario(d, baseline, end);
    System.out.println("building " + d.dir() + " (" + shape + ")...");
    long t0 = System.nanoTime();
    ScenarioTelemetry.WriteSummary written;
    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(d.dir().resolve("data")).build()) {
      written = scenario.telemetry().writeTo(storage);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "wrote %,d spans and %,d logs in %.0f s (%,.0f spans/s)%n",
        written.spans(),
        written.logs(),
        seconds,
        written.spans() / seconds);
    Properties p = new Properties();
    p.setProperty("shape", shape);
    p.setProperty("end", end.toString());
    p.setProperty("spans", Long.toString(written.spans()));
    p.setProperty("logs", Long.toString(written.logs()));
    p.setProperty("writeSeconds", String.format(Locale.ROOT, "%.0f", seconds));
    try (Writer w = Files.newBufferedWriter(marker)) {
      p.store(w, "incident-card data set; delete this folder to rebuild");
    }
    return p;
  }

  /**
   * The alert as the SLO monitor raises it when the page-fast rule fires: two minutes into the
   * fault, on the checkout availability SLO.
   */
  private static Alert pageFastAlert(Slo slo, FaultScenario scenario) {
    Instant since = scenario.faultStart().plus(Duration.ofMinutes(2));
    String fingerprint = slo.metadata().name() + "/0";
    return new Alert(
        fingerprint + "@" + since.getEpochSecond(),
        fingerprint,
        slo.metadata().name(),
        null,
        0.99,
        slo.service(),
        AlertState.FIRING,
        "page-fast",
        "page",
        since,
        Map.of(),
        0.9,
        Map.of(),
        0.9,
        since,
        null,
        null,
        slo.responsibility());
  }

  /** The checkout error-ratio SLO of the fault scenarios (as in the incident lifecycle tests). */
  static String sloYaml(SloScope scope) {
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          annotations:
            sightline.dev/owner: team-shop
            sightline.dev/runbook: https://runbooks.example.com/shop
            sightline.dev/severity: P0
        spec:
          service: %1$s
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: 0.99}]
          indicator:
            metadata: {name: checkout-requests}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: %1$s, operation: "%2$s", status: ok}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: %1$s, operation: "%2$s"}}}
        """
        .formatted(scope.service(), scope.operation());
  }

  private static Alert withId(Alert a, String id) {
    return new Alert(
        id,
        a.fingerprint(),
        a.slo(),
        a.objective(),
        a.objectiveTarget(),
        a.service(),
        a.state(),
        a.rule(),
        a.ruleSeverity(),
        a.since(),
        a.burnRates(),
        a.budgetRemaining(),
        a.currentBurnRates(),
        a.currentBudgetRemaining(),
        a.updatedAt(),
        a.resolvedAt(),
        a.resolvedReason(),
        a.responsibility());
  }

  /** The card must be complete and name the culprit, at any scale. */
  private static void check(Incident card, FaultScenario scenario, String what) {
    List<String> problems = new ArrayList<>();
    if (!card.investigation().equals("complete"))
      problems.add("investigation " + card.investigation());
    Hypothesis root = card.rootCause();
    if (root == null) {
      problems.add("no root cause");
    } else {
      if (!root.service().equals(scenario.expectedService())) {
        problems.add("root cause service " + root.service());
      }
      if (!scenario.acceptedOperations().contains(root.operation())) {
        problems.add("root cause operation " + root.operation());
      }
    }
    if (card.evidence().badTraces().isEmpty()) problems.add("no bad traces");
    if (card.evidence().baselineTraces().isEmpty()) problems.add("no baseline traces");
    if (card.evidence().criticalPath().isEmpty()) problems.add("no critical path");
    if (card.evidence().logPatterns().stream().noneMatch(p -> p.isNew() || p.increased())) {
      problems.add("no new or increased log pattern");
    }
    if (card.evidence().dependencies().isEmpty()) problems.add("no dependency trends");
    if (card.impact().badRequests() <= 0) problems.add("no bad requests in the impact");
    if (!problems.isEmpty()) {
      throw new IllegalStateException(what + ": incomplete or wrong card: " + problems);
    }
  }

  private static String summary(Incident c) {
    Hypothesis r = c.rootCause();
    return String.format(
        Locale.ROOT,
        "root cause %s / %s (%s); %d bad + %d baseline traces, %d critical-path deltas, %d"
            + " attributes, %d error groups, %d log patterns, %d changes, %d dependency trends;"
            + " impact %d of %d requests bad; window %s .. %s",
        r.service(),
        r.operation(),
        r.kind(),
        c.evidence().badTraces().size(),
        c.evidence().baselineTraces().size(),
        c.evidence().criticalPath().size(),
        c.evidence().attributes().size(),
        c.evidence().errors().size(),
        c.evidence().logPatterns().size(),
        c.evidence().changes().size(),
        c.evidence().dependencies().size(),
        c.impact().badRequests(),
        c.impact().requests(),
        c.window().start(),
        c.window().end());
  }

  private static Map<String, TimedStorage.Step> perRun(
      Map<String, TimedStorage.Step> sum, int runs) {
    Map<String, TimedStorage.Step> out = new LinkedHashMap<>();
    sum.forEach(
        (k, v) -> {
          TimedStorage.Step s = new TimedStorage.Step();
          s.calls = v.calls / runs;
          s.nanos = v.nanos / runs;
          s.maxNanos = v.maxNanos;
          s.rows = v.rows / runs;
          out.put(k, s);
        });
    return out;
  }

  private static void printSteps(String title, long total, Map<String, TimedStorage.Step> steps) {
    long reads = steps.values().stream().mapToLong(s -> s.nanos).sum();
    System.out.printf(
        Locale.ROOT,
        "  %s: open %.0f ms, storage reads %.0f ms, the rest (analysis, ranking, save) %.0f ms%n",
        title,
        total / 1e6,
        reads / 1e6,
        (total - reads) / 1e6);
    steps.entrySet().stream()
        .sorted(
            Comparator.comparingLong(
                (Map.Entry<String, TimedStorage.Step> e) -> -e.getValue().nanos))
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-40s %4d calls %8.1f ms  (max call %7.1f ms, %,d rows)%n",
                    e.getKey(),
                    e.getValue().calls,
                    e.getValue().nanos / 1e6,
                    e.getValue().maxNanos / 1e6,
                    e.getValue().rows));
  }

  private static void report(List<Result> results) {
    System.out.printf(
        "%n%-6s %12s %9s %9s %9s %9s %12s%n",
        "store", "spans", "first", "p50", "max", "runs", "by-id p50");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-6s %,12d %7.0f ms %6.0f ms %6.0f ms %9d %9.2f ms%n",
          r.name(),
          r.spans(),
          r.firstNanos() / 1e6,
          quantile(r.openNanos(), 0.5) / 1e6,
          quantile(r.openNanos(), 1) / 1e6,
          r.openNanos().size(),
          quantile(r.lookupNanos(), 0.5) / 1e6);
      System.out.println("       card: " + r.card());
    }
  }

  static long quantile(List<Long> values, double q) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: [--spans N] [--rps R] [--small-spans N] [--small-rps R] [--fault-minutes M]"
                + " [--control-spans N] [--runs N] [--dir DIR]; got "
                + a);
      }
      o.put(a.substring(2), args[++i]);
    }
    return o;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }
}
