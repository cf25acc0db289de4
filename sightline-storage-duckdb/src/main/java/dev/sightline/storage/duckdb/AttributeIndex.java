package dev.sightline.storage.duckdb;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code attribute_index} outside the writer: rebuilt at open when the indexed keys
 * differ from those it was built for, trimmed by retention, and read by trace search for the
 * candidate traces of an attribute filter on an indexed key.
 */
final class AttributeIndex {
  private static final Logger logger = LoggerFactory.getLogger(AttributeIndex.class);

  private AttributeIndex() {}

  /** The {@code sightline_meta} key holding the indexed keys the table is complete for. */
  static final String KEYS_KEY = "attribute_index_keys";

  /**
   * The {@code sightline_meta} key holding the hour (ns) up to which rows of {@code
   * attribute_index} were rewritten sorted ({@link #sortHour}).
   */
  static final String SORTED_TO_KEY = "attribute_index_sorted_to";

  private static final long HOUR_NANOS = 3_600_000_000_000L;

  /**
   * Rewrites the rows whose earliest span starts in the hour at {@code hour} sorted by (tenant,
   * key, value, trace), the same rows, in one transaction, and records the hour as sorted. Why: the
   * writer appends rows in arrival order, so a value's zone maps span every row group of the
   * searched window and a lookup read the whole window (918 ms p50 for a rare value at 50 M spans
   * against 243 ms at 10 M); sorted, a lookup reads about one row group per hour. Rows a late span
   * adds to a sorted hour stay where the writer put them (found all the same, just not pruned).
   * Returns the rows rewritten.
   */
  static long sortHour(Connection c, long hour) throws SQLException {
    return Meta.inTransaction(
        c,
        () -> {
          long rows;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "CREATE TEMP TABLE attribute_index_sorted AS SELECT * FROM "
                      + Schema.ATTRIBUTE_INDEX
                      + " WHERE first_ns >= ? AND first_ns < ?"
                      + " ORDER BY tenant, key, value, trace_id")) {
            ps.setLong(1, hour);
            ps.setLong(2, hour + HOUR_NANOS);
            ps.execute();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM "
                      + Schema.ATTRIBUTE_INDEX
                      + " WHERE first_ns >= ? AND first_ns < ?")) {
            ps.setLong(1, hour);
            ps.setLong(2, hour + HOUR_NANOS);
            rows = ps.executeUpdate();
          }
          Meta.execute(
              c, "INSERT INTO " + Schema.ATTRIBUTE_INDEX + " SELECT * FROM attribute_index_sorted");
          Meta.execute(c, "DROP TABLE attribute_index_sorted");
          Meta.put(c, SORTED_TO_KEY, Long.toString(hour + HOUR_NANOS));
          return rows;
        });
  }

  /**
   * Sorts every whole hour not sorted yet that ended at least an hour before {@code nowNanos}
   * (later hours still receive most of their rows), oldest first; returns the rows rewritten.
   */
  static long sortOldHours(Connection c, long nowNanos) throws SQLException {
    return sortOldHours(c, nowNanos, Integer.MAX_VALUE, () -> false);
  }

  /**
   * As {@link #sortOldHours(Connection, long)}, at most {@code maxHours} hours (each its own
   * transaction), stopping early when {@code stop} says so: the first pass after an upgrade or a
   * rebuild has every retained hour to sort, and must neither hold a reader connection for minutes
   * nor outlive {@code close()}.
   */
  static long sortOldHours(
      Connection c, long nowNanos, int maxHours, java.util.function.BooleanSupplier stop)
      throws SQLException {
    long end = Math.floorDiv(nowNanos, HOUR_NANOS) * HOUR_NANOS - HOUR_NANOS;
    String done = Meta.get(c, SORTED_TO_KEY);
    long hour = done != null ? Long.parseLong(done) : Long.MIN_VALUE;
    long rows = 0;
    // hour by hour, jumping over hours without rows (a stray timestamp far in the past must not
    // cost a transaction per empty hour)
    for (int sorted = 0; sorted < maxHours && !stop.getAsBoolean(); sorted++) {
      long next;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT min(first_ns) FROM "
                  + Schema.ATTRIBUTE_INDEX
                  + " WHERE first_ns >= ? AND first_ns < ?")) {
        ps.setLong(1, hour);
        ps.setLong(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          next = rs.getLong(1);
          if (rs.wasNull()) return rows;
        }
      }
      long h = Math.floorDiv(next, HOUR_NANOS) * HOUR_NANOS;
      rows += sortHour(c, h);
      hour = h + HOUR_NANOS;
    }
    return rows;
  }

  /** The meta value for a set of keys: sorted, one per line (keys may hold commas). */
  static String metaValue(Set<String> keys) {
    return String.join("\n", new TreeSet<>(keys));
  }

  /**
   * Creates the table and, unless it is complete for exactly {@code keys} ({@link #KEYS_KEY}
   * equal), rebuilds it from the stored spans in one transaction: one pass over the spans per key.
   */
  static void ensure(Connection c, Set<String> keys) throws SQLException {
    String wanted = metaValue(keys);
    boolean complete =
        wanted.equals(Meta.get(c, KEYS_KEY)) && Meta.tableExists(c, Schema.ATTRIBUTE_INDEX);
    Meta.execute(c, Schema.ATTRIBUTE_INDEX_DDL);
    if (complete) return;
    logger.info(
        "building the attribute index for {} from the stored spans (once, when the keys change)",
        keys.isEmpty() ? "no keys" : String.join(", ", new TreeSet<>(keys)));
    long start = System.nanoTime();
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DELETE FROM " + Schema.ATTRIBUTE_INDEX);
          for (String key : new TreeSet<>(keys)) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO "
                        + Schema.ATTRIBUTE_INDEX
                        + " SELECT tenant, ?, v, trace_id, min(start_ns), max(start_ns) FROM"
                        + " (SELECT tenant, trace_id, start_ns,"
                        + " coalesce(json_extract_string(attributes, ?),"
                        + " json_extract_string(resource_attributes, ?)) AS v FROM spans_resolved)"
                        + " WHERE v IS NOT NULL GROUP BY tenant, v, trace_id"
                        + " ORDER BY tenant, v, trace_id")) {
              String pointer = AttributeColumns.pointer(key);
              ps.setString(1, key);
              ps.setString(2, pointer);
              ps.setString(3, pointer);
              ps.executeUpdate();
            }
          }
          Meta.put(c, KEYS_KEY, wanted);
          // rows rewritten: every hour is sorted again by the next maintenance pass
          Meta.remove(c, SORTED_TO_KEY);
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000) {
      logger.info(
          "attribute index for {} keys built from stored spans in {} ms", keys.size(), millis);
    }
  }

  /** Retention: rows whose spans all start before the cutoff. */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.ATTRIBUTE_INDEX + " WHERE last_ns < ?")) {
      ps.setLong(1, cutoffUnixNano);
      ps.executeUpdate();
    }
  }

  /** A trace holding the value, and the latest start of a span holding it. */
  record Candidate(BigInteger traceId, long lastStart) {}

  /**
   * Traces with a span holding {@code key = value} that starts in [from, to), latest such span
   * first, at most {@code max}.
   */
  static List<Candidate> candidates(
      Connection c, String tenant, String key, String value, long from, long to, int max)
      throws SQLException {
    List<Candidate> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT trace_id, max(last_ns) AS last FROM "
                + Schema.ATTRIBUTE_INDEX
                + " WHERE tenant = ? AND key = ? AND value = ? AND last_ns >= ? AND first_ns < ?"
                + " GROUP BY trace_id ORDER BY last DESC, trace_id LIMIT ?")) {
      ps.setString(1, tenant);
      ps.setString(2, key);
      ps.setString(3, value);
      ps.setLong(4, from);
      ps.setLong(5, to);
      ps.setInt(6, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Candidate((BigInteger) rs.getObject(1), rs.getLong(2)));
        }
      }
    }
    return out;
  }
}
