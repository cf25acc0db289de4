package dev.sightline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.List;
import java.util.Locale;

/**
 * Prints two {@code bench/ingest-load} reports of one sitting side by side (DuckDB, then
 * ClickHouse, from {@code bench/ingest-load --compare}) with the ratio of each figure, as a
 * Markdown table; with a third (ClickHouse on a cluster of local shards, {@code --compare
 * --clickhouse-shards N}) also its column and its ratio to the one node.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.IngestComparison DUCKDB_REPORT CLICKHOUSE_REPORT [CLUSTER_REPORT]
 * </pre>
 */
public final class IngestComparison {
  private IngestComparison() {}

  private record Row(String name, String path) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("discard spans/s", "summary.discardSpansPerSecond"),
          new Row("stored spans/s", "summary.storedSpansPerSecond"),
          new Row("stored / discard", "summary.storedToDiscardRatio"),
          new Row("server CPU µs/span, stored", "summary.serverCpuMicrosPerSpanStored"),
          new Row("clickhouse-server CPU µs/span, stored", "stored.databaseServerCpuMicrosPerSpan"),
          new Row(
              "ClickHouse rows inserted", "databaseAfterShutdown.clickHouseEvents.InsertedRows"),
          new Row("ClickHouse rows merged", "databaseAfterShutdown.clickHouseEvents.MergedRows"),
          new Row("other processes (cores), stored", "stored.cores.otherProcesses"),
          new Row("request p50 ms, stored", "stored.requestLatencyMillis.p50"),
          new Row("request p99 ms, stored", "stored.requestLatencyMillis.p99"),
          new Row("retries, stored", "summary.storedRetries"),
          new Row("acknowledged spans", "verification.acknowledgedSpans"),
          new Row(
              "distinct span ids in the store", "databaseAfterShutdown.distinctTraceAndSpanIds"),
          new Row("duplicate rows", "databaseAfterShutdown.duplicateRows"),
          new Row("bytes per span on disk", "databaseAfterShutdown.bytesPerSpan"),
          new Row("trace by id p50 ms", "traceById.knownIdLatencyMillis.p50"),
          new Row("trace by id p99 ms", "traceById.knownIdLatencyMillis.p99"));

  public static void main(String[] args) throws Exception {
    if (args.length != 2 && args.length != 3) {
      System.err.println(
          "usage: IngestComparison DUCKDB_REPORT CLICKHOUSE_REPORT [CLUSTER_REPORT]");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode duck = json.readTree(new File(args[0]));
    JsonNode ch = json.readTree(new File(args[1]));
    JsonNode cluster = args.length == 3 ? json.readTree(new File(args[2])) : null;
    System.out.printf(
        Locale.ROOT,
        cluster == null
            ? "%n| figure | DuckDB | ClickHouse | ClickHouse / DuckDB |%n|---|---:|---:|---:|%n"
            : "%n| figure | DuckDB | ClickHouse, 1 node | ClickHouse, shards | 1 node / DuckDB"
                + " | shards / 1 node |%n|---|---:|---:|---:|---:|---:|%n");
    for (Row r : ROWS) {
      double d = value(duck, r.path());
      double c = value(ch, r.path());
      if (cluster == null) {
        System.out.printf(
            Locale.ROOT, "| %s | %s | %s | %s |%n", r.name(), format(d), format(c), ratio(c, d));
      } else {
        double s = value(cluster, r.path());
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s |%n",
            r.name(),
            format(d),
            format(c),
            format(s),
            ratio(c, d),
            ratio(s, c));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nload average: DuckDB run %s → %s; ClickHouse run %s → %s%nreports: %s, %s%n",
        duck.path("loadAverageAtStart").asText(),
        duck.path("loadAverageAtEnd").asText(),
        ch.path("loadAverageAtStart").asText(),
        ch.path("loadAverageAtEnd").asText(),
        args[0],
        args[1]);
    if (cluster != null) {
      System.out.printf(
          Locale.ROOT,
          "ClickHouse cluster run %s → %s; report %s%n",
          cluster.path("loadAverageAtStart").asText(),
          cluster.path("loadAverageAtEnd").asText(),
          args[2]);
    }
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0
        ? ""
        : String.format(Locale.ROOT, "%.2f", a / b);
  }

  /** A number at {@code a.b.c}; {@code stored.x} is phase "stored"'s field x. NaN if absent. */
  private static double value(JsonNode report, String path) {
    String[] parts = path.split("\\.");
    JsonNode n = report;
    int i = 0;
    if (parts[0].equals("stored")) {
      n = null;
      for (JsonNode phase : report.path("phases")) {
        if (phase.path("name").asText().equals("stored")) n = phase;
      }
      if (n == null) return Double.NaN;
      i = 1;
    }
    for (; i < parts.length; i++) n = n.path(parts[i]);
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  private static String format(double v) {
    if (Double.isNaN(v)) return "—";
    if (v == Math.rint(v) && Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
