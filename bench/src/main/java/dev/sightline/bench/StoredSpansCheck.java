package dev.sightline.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Properties;

/**
 * Run after the server has stopped: opens its DuckDB file read-only, counts the stored spans and
 * distinct traces, compares them with what the harness saw acknowledged (from its JSON report), and
 * adds the result to the report as {@code databaseAfterShutdown}.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.StoredSpansCheck DATA_DIR REPORT_JSON
 * </pre>
 *
 * Exits 0 when the database holds exactly the acknowledged spans and traces, 1 otherwise.
 */
public final class StoredSpansCheck {
  private StoredSpansCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: StoredSpansCheck DATA_DIR REPORT_JSON");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    Path reportFile = Path.of(args[1]);
    long expectedSpans = verificationField(reportFile, "acknowledgedSpans");
    long expectedTraces = verificationField(reportFile, "acknowledgedTraces");
    Path database = dataDir.resolve("sightline.duckdb");

    long t0 = System.nanoTime();
    long rows;
    long traces;
    long distinctSpans;
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database, p);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT trace_id),"
                    + " (SELECT count(*) FROM (SELECT DISTINCT trace_id, span_id FROM spans))"
                    + " FROM spans")) {
      rs.next();
      rows = rs.getLong(1);
      traces = rs.getLong(2);
      distinctSpans = rs.getLong(3);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long bytes = Files.size(database);
    boolean ok = rows == expectedSpans && traces == expectedTraces && distinctSpans == rows;
    String json =
        String.format(
            Locale.ROOT,
            "{\"spanRows\": %d, \"distinctTraceIds\": %d, \"distinctTraceAndSpanIds\": %d,"
                + " \"acknowledgedSpans\": %d, \"acknowledgedTraces\": %d, \"exactMatch\": %b,"
                + " \"databaseBytes\": %d, \"bytesPerSpan\": %.1f, \"countSeconds\": %.1f}",
            rows,
            traces,
            distinctSpans,
            expectedSpans,
            expectedTraces,
            ok,
            bytes,
            rows == 0 ? 0.0 : (double) bytes / rows,
            seconds);
    String report = Files.readString(reportFile, StandardCharsets.UTF_8).stripTrailing();
    if (!report.endsWith("}")) throw new IOException(reportFile + " is not a JSON object");
    report =
        report.substring(0, report.length() - 1).stripTrailing()
            + ",\n  \"databaseAfterShutdown\" : "
            + json
            + "\n}\n";
    Files.writeString(reportFile, report, StandardCharsets.UTF_8);
    System.out.printf(
        Locale.ROOT,
        "database after shutdown: %,d span rows (acknowledged %,d), %,d distinct traces"
            + " (acknowledged %,d), %,d distinct (trace, span) ids: %s; %,d MB on disk (%.0f"
            + " bytes/span)%n",
        rows,
        expectedSpans,
        traces,
        expectedTraces,
        distinctSpans,
        ok ? "EXACT MATCH" : "MISMATCH",
        bytes / 1_000_000,
        rows == 0 ? 0.0 : (double) bytes / rows);
    System.exit(ok ? 0 : 1);
  }

  /** A number inside the report's top-level {@code verification} object. */
  private static long verificationField(Path report, String name) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(report.toFile())) {
      Deque<String> path = new ArrayDeque<>();
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> field = p.currentName();
          case START_OBJECT, START_ARRAY -> {
            path.push(field == null ? "" : field);
            field = null;
          }
          case END_OBJECT, END_ARRAY -> path.pop();
          default -> {
            if (name.equals(field)
                && path.size() == 2
                && "verification".equals(path.peek())
                && t.isNumeric()) {
              return p.getLongValue();
            }
            field = null;
          }
        }
      }
    }
    throw new IOException(report + " has no verification." + name);
  }
}
