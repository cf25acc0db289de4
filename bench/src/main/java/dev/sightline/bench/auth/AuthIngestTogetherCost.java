package dev.sightline.bench.auth;

import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link AuthIngestTogetherBenchmark} fork by fork, alternating the measurement ({@code
 * auth=true}) and the control ({@code auth=false}: two plain servers), and prints per fork the
 * throughput of both sides and the ratio other/plain (per fork: the ratio of the summed iteration
 * scores), then for each setting the mean ratio with its 95 % confidence interval over the forks
 * (Student's t), and the same over all iterations.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) \
 *   dev.sightline.bench.auth.AuthIngestTogetherCost [--forks 4] [--warmup 12] [--iterations 6] [--time 2]
 * </pre>
 */
public final class AuthIngestTogetherCost {
  private AuthIngestTogetherCost() {}

  public static void main(String[] args) throws Exception {
    int forks = 4;
    int warmup = 12;
    int iterations = 6;
    int seconds = 2;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
      int v = Integer.parseInt(args[++i]);
      if (v <= 0) throw new IllegalArgumentException(a + " must be positive");
      switch (a) {
        case "--forks" -> forks = v;
        case "--warmup" -> warmup = v;
        case "--iterations" -> iterations = v;
        case "--time" -> seconds = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    StringBuilder table = new StringBuilder();
    table.append("| fork | other = | plain req/s | other req/s | other/plain |\n");
    table.append("|---:|---|---:|---:|---:|\n");
    ListStatistics[] forkRatios = {new ListStatistics(), new ListStatistics()};
    ListStatistics[] iterRatios = {new ListStatistics(), new ListStatistics()};
    ListStatistics[] plainRates = {new ListStatistics(), new ListStatistics()};
    ListStatistics[] otherRates = {new ListStatistics(), new ListStatistics()};
    for (int f = 0; f < forks; f++) {
      boolean authFirst = f % 2 == 0;
      for (boolean auth : authFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        int k = auth ? 0 : 1;
        RunResult run =
            new Runner(
                    new OptionsBuilder()
                        .include(AuthIngestTogetherBenchmark.class.getName() + ".together")
                        .param("auth", Boolean.toString(auth))
                        .forks(1)
                        .warmupIterations(warmup)
                        .warmupTime(TimeValue.seconds(seconds))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.seconds(seconds))
                        .build())
                .run()
                .iterator()
                .next();
        double plainSum = 0;
        double otherSum = 0;
        for (BenchmarkResult b : run.getBenchmarkResults()) {
          for (IterationResult it : b.getIterationResults()) {
            Map<String, Result> r = it.getSecondaryResults();
            double plain = r.get("plain").getScore();
            double other = r.get("other").getScore();
            plainSum += plain;
            otherSum += other;
            iterRatios[k].addValue(other / plain);
          }
        }
        double ratio = otherSum / plainSum;
        forkRatios[k].addValue(ratio);
        double plainRate = plainSum / iterations;
        double otherRate = otherSum / iterations;
        plainRates[k].addValue(plainRate);
        otherRates[k].addValue(otherRate);
        table.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %.1f | %.1f | %.4f |%n",
                f + 1,
                auth ? "auth" : "plain (control)",
                plainRate,
                otherRate,
                ratio));
      }
    }
    System.out.println();
    System.out.print(table);
    for (int k = 0; k < 2; k++) {
      double[] ci = forkRatios[k].getConfidenceIntervalAt(0.95);
      double[] ciIt = iterRatios[k].getConfidenceIntervalAt(0.95);
      System.out.printf(
          Locale.ROOT,
          "%n%s: plain %.1f req/s (%.0f spans/s), other %.1f req/s; ratio other/plain over %d forks:"
              + " mean %.4f, sd %.4f, 95%% CI [%.4f, %.4f]; over %d iterations: mean %.4f, sd %.4f,"
              + " 95%% CI [%.4f, %.4f]%n",
          k == 0 ? "auth" : "control (two plain servers)",
          plainRates[k].getMean(),
          plainRates[k].getMean() * AuthCostBenchmark.SPANS,
          otherRates[k].getMean(),
          forkRatios[k].getN(),
          forkRatios[k].getMean(),
          forkRatios[k].getStandardDeviation(),
          ci[0],
          ci[1],
          iterRatios[k].getN(),
          iterRatios[k].getMean(),
          iterRatios[k].getStandardDeviation(),
          ciIt[0],
          ciIt[1]);
    }
  }
}
