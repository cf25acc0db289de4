package dev.sightline.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Run after the server has stopped: opens its DuckDB file read-only (or queries the ClickHouse
 * database it wrote to), counts the stored spans, distinct (trace, span) ids and distinct traces,
 * compares them with what the harness saw acknowledged (from its JSON report), and adds the result
 * to the report as {@code databaseAfterShutdown}.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.StoredSpansCheck DATA_DIR REPORT_JSON
 * java -cp ... dev.sightline.bench.StoredSpansCheck --clickhouse URL[,URL...] DATABASE REPORT_JSON
 * </pre>
 *
 * With several ClickHouse URLs (the nodes of a cluster, the first one's {@code spans} being the
 * {@code Distributed} table over all), rows and ids are counted through the first, disk bytes and
 * the insert and merge counters summed over all.
 *
 * <p>Exits 0 when the store holds exactly the acknowledged spans (distinct ids) and traces, 1
 * otherwise. Duplicate rows (the same span id stored twice) are reported apart: on ClickHouse a
 * retried insert whose first attempt was written duplicates its rows (non-replicated tables do not
 * deduplicate), which is not a loss; on DuckDB any duplicate fails the check.
 */
public final class StoredSpansCheck {
  private StoredSpansCheck() {}

  /**
   * What the store holds: rows, distinct trace ids, distinct (trace, span) ids, its size; for
   * ClickHouse also the server's insert and merge counters since it started (JSON, or empty).
   */
  private record Counts(
      long rows, long traces, long distinctSpans, long bytes, String storage, String server) {}

  public static void main(String[] args) throws Exception {
    boolean clickHouse = args.length == 4 && args[0].equals("--clickhouse");
    if (args.length != 2 && !clickHouse) {
      System.err.println(
          "usage: StoredSpansCheck DATA_DIR REPORT_JSON\n"
              + "       StoredSpansCheck --clickhouse URL DATABASE REPORT_JSON");
      System.exit(2);
    }
    Path reportFile = Path.of(args[args.length - 1]);
    long expectedSpans = verificationField(reportFile, "acknowledgedSpans");
    long expectedTraces = verificationField(reportFile, "acknowledgedTraces");

    long t0 = System.nanoTime();
    Counts c = clickHouse ? clickHouse(args[1], args[2]) : duckDb(Path.of(args[0]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long duplicates = c.rows() - c.distinctSpans();
    // a retried INSERT into a non-replicated ClickHouse table may store a batch twice: that is a
    // duplicate, reported on its own, not a drop; DuckDB's commit is atomic, so any is an error
    boolean ok =
        c.distinctSpans() == expectedSpans
            && c.traces() == expectedTraces
            && (clickHouse || duplicates == 0);
    String json =
        String.format(
            Locale.ROOT,
            "{\"storage\": \"%s\", \"spanRows\": %d, \"distinctTraceIds\": %d,"
                + " \"distinctTraceAndSpanIds\": %d, \"duplicateRows\": %d,"
                + " \"acknowledgedSpans\": %d, \"acknowledgedTraces\": %d, \"exactMatch\": %b,"
                + " \"databaseBytes\": %d, \"bytesPerSpan\": %.1f, \"countSeconds\": %.1f%s}",
            c.storage(),
            c.rows(),
            c.traces(),
            c.distinctSpans(),
            duplicates,
            expectedSpans,
            expectedTraces,
            ok,
            c.bytes(),
            c.rows() == 0 ? 0.0 : (double) c.bytes() / c.rows(),
            seconds,
            c.server().isEmpty() ? "" : ", \"clickHouseEvents\": " + c.server());
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
        "%s after shutdown: %,d span rows, %,d distinct (trace, span) ids (acknowledged %,d),"
            + " %,d duplicate rows, %,d distinct traces (acknowledged %,d): %s; %,d MB on disk"
            + " (%.0f bytes/span)%n",
        c.storage(),
        c.rows(),
        c.distinctSpans(),
        expectedSpans,
        duplicates,
        c.traces(),
        expectedTraces,
        ok ? "EXACT MATCH" : "MISMATCH",
        c.bytes() / 1_000_000,
        c.rows() == 0 ? 0.0 : (double) c.bytes() / c.rows());
    System.exit(ok ? 0 : 1);
  }

  /** The server's DuckDB file, opened read-only after the server stopped. */
  private static Counts duckDb(Path dataDir) throws Exception {
    Path database = dataDir.resolve("sightline.duckdb");
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
      return new Counts(
          rs.getLong(1), rs.getLong(2), rs.getLong(3), Files.size(database), "duckdb", "");
    }
  }

  /** The database's {@code spans} table on a ClickHouse server, after the Sightline server. */
  private static final List<String> EVENTS =
      List.of(
          "InsertQuery",
          "InsertedRows",
          "InsertedBytes",
          "Merge",
          "MergedRows",
          "MergedUncompressedBytes",
          "MergesTimeMilliseconds");

  private static Counts clickHouse(String urls, String database) throws Exception {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a database name: " + database);
    }
    List<String> nodes = List.of(urls.split(","));
    String url = nodes.get(0);
    String[] counts =
        clickHouseQuery(
                url,
                "SELECT count(), uniqExact(trace_id), uniqExact(trace_id, span_id) FROM "
                    + database
                    + ".spans")
            .split("\t");
    long bytes = 0;
    // inserts and background merges since each server started (all of its databases): rows
    // merged per row inserted is the merge amplification that small inserts cause
    Map<String, Long> sums = new LinkedHashMap<>();
    for (String node : nodes) {
      bytes +=
          Long.parseLong(
              clickHouseQuery(
                  node,
                  "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = '"
                      + database
                      + "'"));
      for (String line :
          clickHouseQuery(
                  node,
                  "SELECT event, value FROM system.events WHERE event IN ('"
                      + String.join("', '", EVENTS)
                      + "')")
              .split("\n")) {
        String[] f = line.split("\t");
        if (f.length == 2) sums.merge(f[0], Long.parseLong(f[1]), Long::sum);
      }
    }
    StringBuilder events = new StringBuilder("{");
    for (Map.Entry<String, Long> e : sums.entrySet()) {
      if (events.length() > 1) events.append(", ");
      events.append('"').append(e.getKey()).append("\": ").append(e.getValue());
    }
    if (nodes.size() > 1) {
      events.append(events.length() > 1 ? ", " : "").append("\"nodes\": ").append(nodes.size());
    }
    events.append('}');
    System.out.println("clickhouse-server events since start: " + events);
    return new Counts(
        Long.parseLong(counts[0]),
        Long.parseLong(counts[1]),
        Long.parseLong(counts[2]),
        bytes,
        "clickhouse",
        events.toString());
  }

  private static String clickHouseQuery(String url, String sql) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/"))
                    .timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT TabSeparated"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("ClickHouse answered " + r.statusCode() + ": " + r.body());
    }
    return r.body().strip();
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
