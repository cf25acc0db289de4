package dev.sightline.bench.slo;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.model.Tenants;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.evaluation.SloEvaluation;
import dev.sightline.storage.duckdb.DuckDbStorage;
import dev.sightline.testing.TestObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time of one SLO evaluation tick on span metrics (RED buckets) in DuckDB: {@code
 * BurnRateEvaluator.evaluateAll} over every SLO (one query per distinct window), then, for
 * comparison, {@code evaluate} one SLO after the other. Back-fills {@code days} of spans for {@code
 * services} services with two operations each, one span per operation every {@code
 * intervalSeconds}, then evaluates four SLOs per service (availability and latency of each
 * operation: 200 for 50 services), each with the three default rules (6 windows from 5m to 30d).
 * Then the same number of SLOs that RED buckets cannot answer, counted from the stored spans by the
 * same {@code evaluateAll}: per operation, availability of its {@code http.route} (an attribute
 * filter) and "ok and under 500 ms" (status together with a threshold); their tick is reported as a
 * ratio to the RED-bucket tick of the same run.
 *
 * <p>Then the same for {@code signal: metrics} SLOs, which read raw metric points: {@code
 * metricSlos} services also export a cumulative counter {@code svc-NN.requests} with {@code
 * outcome=success|failure} from two instances every {@code intervalSeconds}, and each gets one
 * ratio SLO (good = success); their tick is timed on its own and compared per SLO with the
 * RED-bucket SLOs.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.slo.SloEvaluationBenchmark [services] [days] [intervalSeconds] [dataDir] [metricSlos]
 * </pre>
 */
public final class SloEvaluationBenchmark {
  private static final int BATCH = 10_000;
  private static final int IN_FLIGHT = 8;
  private static final int WARMUP_TICKS = 3;
  private static final int TICKS = 10;
  private static final int ONE_BY_ONE_TICKS = 2;
  private static final int RAW_WARMUP_TICKS = 1;
  private static final int RAW_TICKS = 3;

  private SloEvaluationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int interval = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Path dir =
        args.length > 3 && !args[3].equals("-")
            ? Path.of(args[3])
            : Files.createTempDirectory("sightline-slo");
    int metricSlos = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    long now = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli() * 1_000_000L;

    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(dir).build()) {
      long spans = backfill(storage, services, days, interval, now);
      List<Slo> slos = slos(services);
      BurnRateEvaluator evaluator =
          BurnRateEvaluator.builder()
              .calculator(SliCalculator.builder().storage(storage).build())
              .build();
      Instant asOf = Instant.ofEpochSecond(0, now);
      System.out.printf(
          "%d SLOs, %d services, %d days, %,d spans (one per operation every %d s)%n",
          slos.size(), services, days, spans, interval);
      for (int i = 0; i < WARMUP_TICKS; i++) tickAll(evaluator, slos, asOf);
      double[] ms = new double[TICKS];
      int firing = 0;
      for (int i = 0; i < TICKS; i++) {
        long t0 = System.nanoTime();
        firing = tickAll(evaluator, slos, asOf);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      report("evaluateAll (one query per window for all SLOs)", ms, slos.size(), firing);
      // one by one: queries per SLO, each over 30 days of every service's buckets
      double[] one = new double[ONE_BY_ONE_TICKS];
      for (int i = 0; i < ONE_BY_ONE_TICKS; i++) {
        long t0 = System.nanoTime();
        firing = tick(evaluator, slos, asOf);
        one[i] = (System.nanoTime() - t0) / 1e6;
      }
      report("evaluate one SLO at a time", one, slos.size(), firing);
      // SLOs counted from stored spans: one query per SLO over 30 days of its service's spans
      List<Slo> raw = rawSpanSlos(services);
      for (int i = 0; i < RAW_WARMUP_TICKS; i++) tickAll(evaluator, raw, asOf);
      double[] rawMs = new double[RAW_TICKS];
      for (int i = 0; i < RAW_TICKS; i++) {
        long t0 = System.nanoTime();
        firing = tickAll(evaluator, raw, asOf);
        rawMs[i] = (System.nanoTime() - t0) / 1e6;
      }
      report("evaluateAll, SLOs counted from stored spans", rawMs, raw.size(), firing);
      Arrays.sort(ms);
      Arrays.sort(rawMs);
      System.out.printf(
          "stored-span SLOs / RED-bucket SLOs, median tick: %.1f x%n",
          rawMs[rawMs.length / 2] / ms[ms.length / 2]);
      if (metricSlos > 0) {
        long points = backfillCounters(storage, metricSlos, days, interval, now);
        List<Slo> counterSlos = counterSlos(metricSlos);
        System.out.printf(
            "%d signal: metrics SLOs, %,d counter points (2 instances x 2 outcomes per service)%n",
            counterSlos.size(), points);
        for (int i = 0; i < WARMUP_TICKS; i++) tickAll(evaluator, counterSlos, asOf);
        double[] counterMs = new double[TICKS];
        for (int i = 0; i < TICKS; i++) {
          long t0 = System.nanoTime();
          firing = tickAll(evaluator, counterSlos, asOf);
          counterMs[i] = (System.nanoTime() - t0) / 1e6;
        }
        report("evaluateAll, signal: metrics SLOs", counterMs, counterSlos.size(), firing);
        System.out.printf(
            "per SLO, signal: metrics / RED buckets (evaluateAll medians): %.1f%n",
            (counterMs[TICKS / 2] / counterSlos.size()) / (ms[TICKS / 2] / slos.size()));
      }
    }
  }

  private static long backfillCounters(
      DuckDbStorage storage, int services, int days, int interval, long now) throws Exception {
    long step = interval * 1_000_000_000L;
    long start = now - Duration.ofDays(days).toNanos();
    long t0 = System.nanoTime();
    List<Resource> instances = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      for (String id : List.of("a", "b")) {
        instances.add(
            Resource.of(
                Attributes.builder()
                    .put(Resource.SERVICE_NAME, service(s))
                    .put("service.instance.id", id)
                    .build()));
      }
    }
    Attributes success = Attributes.builder().put("outcome", "success").build();
    Attributes failure = Attributes.builder().put("outcome", "failure").build();
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    List<MetricPoint> batch = new ArrayList<>(BATCH);
    long n = 0;
    long k = 0;
    for (long t = start; t < now; t += step, k++) {
      for (int i = 0; i < instances.size(); i++) {
        String name = service(i / 2) + ".requests";
        // 60 requests a minute per instance, 0.05% failures
        long total = k * 60;
        long failed = total / 2_000;
        for (int o = 0; o < 2; o++) {
          n++;
          batch.add(
              new MetricPoint(
                  Tenants.DEFAULT,
                  name,
                  "",
                  "{request}",
                  MetricType.SUM,
                  AggregationTemporality.CUMULATIVE,
                  true,
                  o == 0 ? success : failure,
                  start,
                  t + (i % 10) * 1_000_000_000L,
                  0,
                  PointValue.NumberValue.ofLong(o == 0 ? total - failed : failed),
                  List.of(),
                  instances.get(i),
                  InstrumentationScope.empty()));
          if (batch.size() == BATCH) {
            inFlight.add(storage.writer().writeMetrics(batch));
            batch = new ArrayList<>(BATCH);
            if (inFlight.size() >= IN_FLIGHT) inFlight.poll().get(5, TimeUnit.MINUTES);
          }
        }
      }
    }
    inFlight.add(storage.writer().writeMetrics(batch));
    for (CompletableFuture<Void> f : inFlight) f.get(5, TimeUnit.MINUTES);
    System.out.printf(
        "back-filled %,d counter points in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    return n;
  }

  private static List<Slo> counterSlos(int services) {
    StringBuilder yaml = new StringBuilder();
    for (int s = 0; s < services; s++) {
      String metric = "{signal: metrics, metric: %s.requests".formatted(service(s));
      yaml.append(
          slo(
              s,
              0,
              "requests-ok",
              "0.999",
              metric + ", attributes: {outcome: success}}",
              metric + "}"));
    }
    SloCatalog catalog = SloLoader.parse(Map.of("counters.yaml", yaml.toString()));
    if (!catalog.problems().isEmpty())
      throw new IllegalStateException(catalog.problems().toString());
    return catalog.slos();
  }

  private static void report(String what, double[] ms, int slos, int firing) {
    Arrays.sort(ms);
    System.out.printf(
        "%s: ms per evaluation tick over %d ticks: min %.1f, median %.1f, max %.1f"
            + " (%.2f ms per SLO), %d SLOs firing%n",
        what,
        ms.length,
        ms[0],
        ms[ms.length / 2],
        ms[ms.length - 1],
        ms[ms.length / 2] / slos,
        firing);
  }

  private static int tickAll(BurnRateEvaluator evaluator, List<Slo> slos, Instant asOf) {
    int firing = 0;
    for (SloEvaluation e : evaluator.evaluateAll(slos, asOf)) {
      if (e instanceof SloEvaluation.Evaluated ev && ev.objectives().get(0).firing()) firing++;
    }
    return firing;
  }

  private static int tick(BurnRateEvaluator evaluator, List<Slo> slos, Instant asOf) {
    int firing = 0;
    for (Slo slo : slos) {
      if (evaluator.evaluate(slo, asOf) instanceof SloEvaluation.Evaluated e
          && e.objectives().get(0).firing()) {
        firing++;
      }
    }
    return firing;
  }

  private static long backfill(
      DuckDbStorage storage, int services, int days, int interval, long now) throws Exception {
    long step = interval * 1_000_000_000L;
    long start = now - Duration.ofDays(days).toNanos();
    long t0 = System.nanoTime();
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    List<Span> batch = new ArrayList<>(BATCH);
    long n = 0;
    for (long t = start; t < now; t += step) {
      for (int s = 0; s < services; s++) {
        for (int op = 0; op < 2; op++) {
          n++;
          // 0.05% errors, durations 20-470 ms
          batch.add(
              TestObjects.span(
                      Tenants.DEFAULT,
                      TestObjects.traceId(n),
                      TestObjects.spanId(n),
                      "",
                      service(s),
                      operation(op),
                      t + (s % 10) * 1_000_000_000L,
                      (20 + n % 10 * 50) * 1_000_000L)
                  .toBuilder()
                  .kind(SpanKind.SERVER)
                  .attributes(Attributes.ofStrings("http.route", route(op)))
                  .status(n % 2_000 == 0 ? StatusCode.ERROR : StatusCode.OK, "")
                  .build());
          if (batch.size() == BATCH) {
            inFlight.add(storage.writer().writeSpans(batch));
            batch = new ArrayList<>(BATCH);
            if (inFlight.size() >= IN_FLIGHT) inFlight.poll().get(5, TimeUnit.MINUTES);
          }
        }
      }
    }
    inFlight.add(storage.writer().writeSpans(batch));
    for (CompletableFuture<Void> f : inFlight) f.get(5, TimeUnit.MINUTES);
    System.out.printf("back-filled %,d spans in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    return n;
  }

  private static String service(int s) {
    return String.format("svc-%02d", s);
  }

  private static String operation(int op) {
    return "Op" + op;
  }

  private static String route(int op) {
    return "/op" + op;
  }

  private static List<Slo> rawSpanSlos(int services) {
    StringBuilder yaml = new StringBuilder();
    for (int s = 0; s < services; s++) {
      for (int op = 0; op < 2; op++) {
        String source =
            "{signal: spans, service: %s, operation: %s".formatted(service(s), operation(op));
        String route = ", attributes: {http.route: %s}".formatted(route(op));
        yaml.append(
            slo(
                s,
                op,
                "route-ok",
                "0.999",
                source + route + ", status: ok}",
                source + route + "}"));
        yaml.append(
            slo(
                s,
                op,
                "ok-fast",
                "0.99",
                source + ", status: ok, maxDurationMs: 500}",
                source + "}"));
      }
    }
    SloCatalog catalog = SloLoader.parse(Map.of("raw-slos.yaml", yaml.toString()));
    if (!catalog.problems().isEmpty())
      throw new IllegalStateException(catalog.problems().toString());
    return catalog.slos();
  }

  private static List<Slo> slos(int services) {
    StringBuilder yaml = new StringBuilder();
    for (int s = 0; s < services; s++) {
      for (int op = 0; op < 2; op++) {
        String source =
            "{signal: spans, service: %s, operation: %s".formatted(service(s), operation(op));
        yaml.append(slo(s, op, "ok", "0.999", source + ", status: ok}", source + "}"));
        yaml.append(slo(s, op, "fast", "0.99", source + ", maxDurationMs: 500}", source + "}"));
      }
    }
    SloCatalog catalog = SloLoader.parse(Map.of("slos.yaml", yaml.toString()));
    if (!catalog.problems().isEmpty())
      throw new IllegalStateException(catalog.problems().toString());
    return catalog.slos();
  }

  private static String slo(int s, int op, String kind, String target, String good, String total) {
    return """
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: %s-op%d-%s}
        spec:
          service: %s
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: %s}]
          indicator:
            metadata: {name: %s-op%d-%s}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: %s}}
                total: {metricSource: {type: sightline, spec: %s}}
        """
        .formatted(service(s), op, kind, service(s), target, service(s), op, kind, good, total);
  }
}
