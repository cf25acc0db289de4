package dev.sightline.bench.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link AuthIngestBenchmark} in alternating forks (pair i: plain then auth when i is odd,
 * auth then plain when even, so a drift of the machine hits both settings alike) and prints each
 * fork's throughput, each pair's ratio auth/plain and the mean ratio with its 95 % confidence
 * interval (Student's t over the pairs).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) \
 *   dev.sightline.bench.auth.AuthIngestCost [--pairs 8] [--warmup 12] [--iterations 6] [--time 2]
 * </pre>
 */
public final class AuthIngestCost {
  private AuthIngestCost() {}

  public static void main(String[] args) throws Exception {
    int pairs = 8;
    int warmup = 12;
    int iterations = 6;
    int seconds = 2;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
      int v = Integer.parseInt(args[++i]);
      if (v <= 0) throw new IllegalArgumentException(a + " must be positive");
      switch (a) {
        case "--pairs" -> pairs = v;
        case "--warmup" -> warmup = v;
        case "--iterations" -> iterations = v;
        case "--time" -> seconds = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    double[] plain = new double[pairs];
    double[] auth = new double[pairs];
    double[] plainErr = new double[pairs];
    double[] authErr = new double[pairs];
    for (int p = 0; p < pairs; p++) {
      boolean authFirst = p % 2 == 1;
      for (boolean a : authFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        ChainedOptionsBuilder o =
            new OptionsBuilder()
                .include(AuthIngestBenchmark.class.getName() + ".export")
                .param("auth", Boolean.toString(a))
                .forks(1)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds));
        RunResult r = only(new Runner(o.build()).run());
        double score = r.getPrimaryResult().getScore();
        double err = r.getPrimaryResult().getScoreError();
        if (a) {
          auth[p] = score;
          authErr[p] = err;
        } else {
          plain[p] = score;
          plainErr[p] = err;
        }
      }
    }
    ListStatistics ratios = new ListStatistics();
    ListStatistics plainStats = new ListStatistics();
    ListStatistics authStats = new ListStatistics();
    System.out.println();
    System.out.println("| pair | order | plain req/s | auth req/s | auth/plain |");
    System.out.println("|---:|---|---:|---:|---:|");
    for (int p = 0; p < pairs; p++) {
      double ratio = auth[p] / plain[p];
      ratios.addValue(ratio);
      plainStats.addValue(plain[p]);
      authStats.addValue(auth[p]);
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %.1f ± %.1f | %.1f ± %.1f | %.4f |%n",
          p + 1,
          p % 2 == 1 ? "auth, plain" : "plain, auth",
          plain[p],
          plainErr[p],
          auth[p],
          authErr[p],
          ratio);
    }
    double[] ci = ratios.getConfidenceIntervalAt(0.95);
    System.out.printf(
        Locale.ROOT,
        "%nplain: mean %.1f req/s (%.0f spans/s); auth: mean %.1f req/s (%.0f spans/s)%n",
        plainStats.getMean(),
        plainStats.getMean() * AuthCostBenchmark.SPANS,
        authStats.getMean(),
        authStats.getMean() * AuthCostBenchmark.SPANS);
    System.out.printf(
        Locale.ROOT,
        "ratio auth/plain over %d pairs: mean %.4f, sd %.4f, 95%% CI [%.4f, %.4f]%n",
        pairs,
        ratios.getMean(),
        ratios.getStandardDeviation(),
        ci[0],
        ci[1]);
    System.out.printf(
        Locale.ROOT,
        "cost of authentication: %.2f %% (95%% CI %.2f %% to %.2f %%)%n",
        100 * (1 - ratios.getMean()),
        100 * (1 - ci[1]),
        100 * (1 - ci[0]));
  }

  private static RunResult only(java.util.Collection<RunResult> results) {
    List<RunResult> list = new ArrayList<>(results);
    if (list.size() != 1) throw new IllegalStateException("expected one result, got " + list);
    return list.get(0);
  }
}
