package dev.sightline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Feasibility probe for a Bloom-filter index of span attributes per block of spans (storage README,
 * "Rare values of keys outside the attribute index"): on a stored database, opened read-only, it
 * times the search for a rare value of a non-indexed key three ways — the whole range (what search
 * does today), the range restricted by an {@code OR} of the time ranges of the blocks a filter
 * would let through, and a {@code UNION ALL} of plain range scans over those ranges. The blocks are
 * 2,048 rows in storage order; the filter is simulated exactly (blocks that hold the value, found
 * by an untimed scan) plus 1 % of the other blocks as false positives.
 *
 * <pre>
 * java -cp ... dev.sightline.bench.SpanBlockRangeProbe DB_FILE [key] [values] [rounds]
 * </pre>
 *
 * Defaults: key {@code app.order.id}, 3 values sampled from the data, 3 rounds each.
 */
public final class SpanBlockRangeProbe {
  private SpanBlockRangeProbe() {}

  public static void main(String[] args) throws SQLException {
    if (args.length < 1) {
      System.err.println("usage: SpanBlockRangeProbe DB_FILE [key] [values] [rounds]");
      System.exit(2);
    }
    String key = args.length > 1 ? args[1] : "app.order.id";
    int valueCount = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    if (!key.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("key: " + key);
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0], p);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT count(*), min(start_ns), max(start_ns) FROM spans");
      rs.next();
      long min = rs.getLong(2);
      long max = rs.getLong(3);
      System.out.printf(Locale.ROOT, "%,d spans%n", rs.getLong(1));
      List<long[]> blocks = new ArrayList<>();
      rs =
          s.executeQuery(
              "SELECT rowid // 2048 AS b, min(start_ns), max(start_ns) FROM spans GROUP BY b"
                  + " ORDER BY b");
      while (rs.next()) blocks.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
      String pointer = "'$.\"" + key + "\"'";
      String predicate =
          "coalesce(json_extract_string(attributes, "
              + pointer
              + "), json_extract_string(resource_attributes, "
              + pointer
              + ")) = ?";
      List<String[]> values = new ArrayList<>();
      rs =
          s.executeQuery(
              "SELECT tenant, v FROM (SELECT tenant, json_extract_string(attributes, "
                  + pointer
                  + ") v FROM spans WHERE rowid % 997 = 0) WHERE v IS NOT NULL LIMIT "
                  + valueCount);
      while (rs.next()) values.add(new String[] {rs.getString(1), rs.getString(2)});
      Random random = new Random(42);
      for (String[] tv : values) {
        Set<Long> hit = new TreeSet<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                // rows by position, each with its resource however it is stored
                "SELECT DISTINCT rid // 2048 FROM (SELECT s.rowid AS rid, s.attributes,"
                    + " CASE WHEN s.resource_id IS NULL THEN s.resource_attributes"
                    + " ELSE r.attributes END AS resource_attributes FROM spans s LEFT JOIN"
                    + " (SELECT DISTINCT ON (tenant, resource_id) tenant, resource_id, attributes"
                    + " FROM span_resources) r"
                    + " ON r.tenant = s.tenant AND r.resource_id = s.resource_id) WHERE "
                    + predicate)) {
          ps.setString(1, tv[1]);
          ResultSet h = ps.executeQuery();
          while (h.next()) hit.add(h.getLong(1));
        }
        int holding = hit.size();
        for (long[] b : blocks) if (random.nextInt(100) == 0) hit.add(b[0]);
        List<long[]> ranges = new ArrayList<>();
        for (long[] b : blocks) if (hit.contains(b[0])) ranges.add(new long[] {b[1], b[2] + 1});
        ranges.sort(Comparator.comparingLong(x -> x[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] x : ranges) {
          long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
          if (last != null && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
          else merged.add(x);
        }
        StringBuilder or = new StringBuilder();
        StringBuilder union = new StringBuilder();
        for (long[] x : merged) {
          String range = "start_ns >= " + x[0] + " AND start_ns < " + x[1];
          or.append(or.length() == 0 ? "" : " OR ").append('(').append(range).append(')');
          union
              .append(union.length() == 0 ? "" : " UNION ALL ")
              .append(
                  "SELECT trace_id, start_ns, attributes, resource_attributes FROM spans_resolved")
              .append(" WHERE tenant = ? AND ")
              .append(range);
        }
        String window =
            "SELECT trace_id, start_ns FROM spans_resolved WHERE tenant = ? AND start_ns >= "
                + min
                + " AND start_ns <= "
                + max
                + " AND ";
        String[] queries = {
          window + predicate + " ORDER BY start_ns DESC LIMIT 160",
          window + "(" + or + ") AND " + predicate + " ORDER BY start_ns DESC LIMIT 160",
          "WITH r AS MATERIALIZED ("
              + union
              + ") SELECT trace_id, start_ns FROM r WHERE "
              + predicate
              + " ORDER BY start_ns DESC LIMIT 160"
        };
        for (int round = 0; round < rounds; round++) {
          long[] millis = new long[3];
          int[] rows = new int[3];
          for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(queries[i])) {
              int n = 1;
              int tenants = i == 2 ? merged.size() : 1;
              for (int t = 0; t < tenants; t++) ps.setString(n++, tv[0]);
              ps.setString(n, tv[1]);
              ResultSet x = ps.executeQuery();
              while (x.next()) rows[i]++;
            }
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
          }
          System.out.printf(
              Locale.ROOT,
              "%s=%s: %d of %d blocks hold it, %d read (%d ranges) | whole range %d ms (%d rows)"
                  + " | OR of ranges %d ms (%d) | UNION ALL of ranges %d ms (%d)%n",
              key,
              tv[1],
              holding,
              blocks.size(),
              hit.size(),
              merged.size(),
              millis[0],
              rows[0],
              millis[1],
              rows[1],
              millis[2],
              rows[2]);
        }
      }
    }
  }
}
