package dev.sightline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the storage writer thread's time goes, from a JFR recording made with {@code
 * settings=profile} (Java samples every 10 ms, native samples every 20 ms): each sample of thread
 * {@code sightline-duckdb-writer} is given to the step of a group commit its stack is in, weighted
 * by its sampling period, and the steps are printed in seconds and in microseconds per span.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=w.jfr,settings=profile -cp ... \
 *     dev.sightline.bench.StorageWriteBenchmark 2000000 /tmp/wb 2 512
 * java -cp bench/target/classes dev.sightline.bench.WriterProfile w.jfr 2000000
 * </pre>
 */
public final class WriterProfile {
  private WriterProfile() {}

  /** Steps by the first frame (innermost first) that names one. */
  private static final List<Map.Entry<String, String>> STEPS =
      List.of(
          Map.entry("TraceSummaryRows", "trace summaries: aggregate and append"),
          Map.entry("SpanMetricsRows", "RED span_metrics: aggregate and append"),
          Map.entry("ServiceEdge", "service edges"),
          Map.entry("SpanRows.append", "spans: appender values (JNI per column)"),
          Map.entry("LogRows.append", "logs: appender values"),
          Map.entry("MetricRows.append", "metrics: appender values"),
          Map.entry("DuckDBAppender.close", "appender flush: rows into the transaction"),
          Map.entry("DuckDBAppender.flush", "appender flush: rows into the transaction"),
          Map.entry(
              "GroupCommitWriter.execute",
              "BEGIN / COMMIT: table merge, ART index, WAL write + fsync, checkpoints"));

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: WriterProfile RECORDING.jfr [SPANS]");
      System.exit(2);
    }
    long spans = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Map<String, Double> seconds = new HashMap<>();
    double total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      double period =
          switch (type) {
            case "jdk.ExecutionSample" -> 0.010;
            case "jdk.NativeMethodSample" -> 0.020;
            default -> 0;
          };
      if (period == 0 || e.getThread("sampledThread") == null) continue;
      if (!"sightline-duckdb-writer".equals(e.getThread("sampledThread").getJavaName())) continue;
      String step = "other Java on the writer thread";
      if (e.getStackTrace() != null) {
        search:
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
          String frame = f.getMethod().getType().getName() + "." + f.getMethod().getName();
          for (Map.Entry<String, String> s : STEPS) {
            if (frame.contains(s.getKey())) {
              step = s.getValue();
              break search;
            }
          }
        }
      }
      seconds.merge(step, period, Double::sum);
      total += period;
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    seconds.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(en -> sorted.put(en.getKey(), en.getValue()));
    System.out.printf(Locale.ROOT, "writer thread: %.1f s sampled%n", total);
    for (Map.Entry<String, Double> en : sorted.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %5.1f %%  %6.2f s%s  %s%n",
          100 * en.getValue() / total,
          en.getValue(),
          spans > 0
              ? String.format(Locale.ROOT, "  %5.2f µs/span", en.getValue() * 1e6 / spans)
              : "",
          en.getKey());
    }
    if (spans > 0) {
      System.out.printf(
          Locale.ROOT,
          "  total %.2f µs/span: one writer thread tops out near %,.0f spans/s%n",
          total * 1e6 / spans,
          spans / total);
    }
  }
}
