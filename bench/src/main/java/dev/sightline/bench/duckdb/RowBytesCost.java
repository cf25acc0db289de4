package dev.sightline.bench.duckdb;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * What the resource columns of a span row cost DuckDB, apart from everything else: the same rows
 * (trace id with an ART index, span id, start, name, span attributes) appended and committed in
 * groups like the writer's, once with ~550 bytes of resource and scope columns on every row (the
 * layout of schema version 1) and once with a {@code BIGINT} resource id (version 2), alternated in
 * one process; the writer thread's CPU per row, split into appending and {@code COMMIT}.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) \
 *     dev.sightline.bench.duckdb.RowBytesCost [rounds] [groups] [rowsPerGroup] [memory]
 * </pre>
 *
 * With {@code memory} the database is in memory (no WAL): the difference that remains is the
 * columnar append; the rest, on a file, is the WAL.
 */
public final class RowBytesCost {
  private static final String RESOURCE =
      "{\"service.name\":\"checkout\",\"service.version\":\"1.4.2\",\"host.name\":"
          + "\"node-17.prod.internal\",\"deployment.environment\":\"production\","
          + "\"telemetry.sdk.language\":\"java\",\"telemetry.sdk.name\":\"opentelemetry\","
          + "\"telemetry.sdk.version\":\"1.45.0\",\"k8s.pod.name\":\"checkout-7d9f8b-x2x9q\","
          + "\"k8s.namespace.name\":\"shop\"}";
  private static final String RESOURCE_TYPES = "sssssssss";
  private static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.24.0";
  private static final String SCOPE =
      "{\"name\":\"io.opentelemetry.okhttp-3.0\",\"version\":\"2.1\"}";

  private RowBytesCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int groups = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    boolean memory = args.length > 3 && args[3].equals("memory");
    for (int round = 1; round <= rounds; round++) {
      for (boolean inline : new boolean[] {true, false}) {
        double[] us = run(inline, groups, rows, memory);
        System.out.printf(
            Locale.ROOT,
            "round %d %-22s CPU µs per row %.2f (append %.2f, COMMIT %.2f)%n",
            round,
            inline ? "resource columns:" : "resource id:",
            us[0] + us[1],
            us[0],
            us[1]);
      }
    }
  }

  /**
   * Appends {@code groups} transactions of {@code rows} rows; µs of CPU per row: append, commit.
   */
  private static double[] run(boolean inline, int groups, int rows, boolean memory)
      throws SQLException, java.io.IOException {
    Path dir = Files.createTempDirectory("row-bytes-cost");
    String url = memory ? "jdbc:duckdb:" : "jdbc:duckdb:" + dir.resolve("db.duckdb");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("SET threads = 1");
      s.execute(
          "CREATE TABLE spans (trace_id HUGEINT, span_id BIGINT, start_ns BIGINT, name VARCHAR,"
              + " attributes VARCHAR, "
              + (inline
                  ? "resource_attributes VARCHAR, resource_attribute_types VARCHAR,"
                      + " resource_attributes_nested VARCHAR, resource_dropped INTEGER,"
                      + " resource_schema_url VARCHAR, scope VARCHAR"
                  : "resource_id BIGINT")
              + ")");
      s.execute("CREATE INDEX spans_trace_id ON spans (trace_id)");
      Random random = new Random(1);
      long append = 0, commit = 0;
      // the first quarter warms the JIT and the table up, unmeasured
      int warm = groups / 4;
      for (int g = 0; g < warm + groups; g++) {
        long t0 = mx.getCurrentThreadCpuTime();
        s.execute("BEGIN TRANSACTION");
        try (DuckDBAppender a = c.createAppender("main", "spans")) {
          for (int r = 0; r < rows; r++) {
            a.beginRow();
            a.appendHugeInt(random.nextLong(), random.nextLong());
            a.append(random.nextLong());
            a.append((long) g * rows + r);
            a.append("GET /api/cart");
            a.append("{\"http.route\":\"/api/cart\",\"http.response.status_code\":\"200\"}");
            if (inline) {
              a.append(RESOURCE);
              a.append(RESOURCE_TYPES);
              a.appendNull();
              a.append(0);
              a.append(SCHEMA_URL);
              a.append(SCOPE);
            } else {
              a.append(0x5eedL);
            }
            a.endRow();
          }
        }
        long t1 = mx.getCurrentThreadCpuTime();
        s.execute("COMMIT");
        long t2 = mx.getCurrentThreadCpuTime();
        if (g >= warm) {
          append += t1 - t0;
          commit += t2 - t1;
        }
      }
      double n = (double) groups * rows;
      return new double[] {append / 1e3 / n, commit / 1e3 / n};
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
