package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code service_operations} outside the writer: derived from the stored spans at open
 * when a directory lacks it, kept exact by retention, compacted to one row per key and hour, and
 * read by {@link ServiceListing#services}.
 *
 * <p>A row says: the tenant's spans of (service, operation, kind) starting in this hour include
 * ones starting at {@code first_ns} and at {@code last_ns}, and none earlier or later in that hour
 * among the spans its commit group stored. Over all rows of a key and hour, {@code min(first_ns)}
 * and {@code max(last_ns)} are therefore the key's earliest and latest span start in the hour,
 * which makes a range that cuts an hour exact too: the key has a span in [start, end of the hour)
 * iff its latest start in the hour is at or after start, and one in [start of the hour, end) iff
 * its earliest is before end.
 */
final class ServiceOperationHours {
  private static final Logger logger = LoggerFactory.getLogger(ServiceOperationHours.class);

  private ServiceOperationHours() {}

  static final long HOUR_NANOS = 3_600_000_000_000L;

  /** The {@code sightline_meta} key present once the table covers every stored span. */
  static final String SINCE_KEY = "service_operations_since";

  /** {@link #hourOf} in SQL for {@code spans.start_ns} (a floor division without overflow). */
  private static final String HOUR_OF_START =
      "CASE WHEN start_ns >= 0 THEN start_ns // "
          + HOUR_NANOS
          + " ELSE -((-(start_ns + 1)) // "
          + HOUR_NANOS
          + ") - 1 END";

  /** Rows of the table from {@code spans} (the caller adds WHERE; grouped by key). */
  private static final String ROWS_FROM_SPANS =
      "SELECT tenant, "
          + HOUR_OF_START
          + ", service, name, kind, min(start_ns), max(start_ns) FROM spans";

  /** Hours since the epoch (floor) of a time in Unix nanoseconds. */
  static long hourOf(long unixNano) {
    return Math.floorDiv(unixNano, HOUR_NANOS);
  }

  /**
   * Creates the table and, unless it already covers every stored span ({@link #SINCE_KEY} present
   * and the table too), empties it, derives it from the stored spans and writes the key, in one
   * transaction (a crash leaves the previous state and the next open redoes it).
   */
  static void ensure(Connection c) throws SQLException {
    boolean complete =
        Meta.get(c, SINCE_KEY) != null && Meta.tableExists(c, Schema.SERVICE_OPERATIONS);
    Meta.execute(c, Schema.SERVICE_OPERATIONS_DDL);
    if (complete) return;
    logger.info("deriving service operations from the stored spans (once)");
    long start = System.nanoTime();
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DELETE FROM " + Schema.SERVICE_OPERATIONS);
          Meta.execute(
              c,
              "INSERT INTO " + Schema.SERVICE_OPERATIONS + " " + ROWS_FROM_SPANS + " GROUP BY ALL");
          Meta.put(c, SINCE_KEY, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000)
      logger.info("service operations derived from stored spans in {} ms", millis);
  }

  /**
   * Retention, run after the spans older than the cutoff were deleted (in the same transaction):
   * the hours before the cutoff's go; the cutoff's hour, when the cutoff cuts it, is derived again
   * from the spans that remain in it.
   */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    long cutoffHour = hourOf(cutoffUnixNano);
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.SERVICE_OPERATIONS + " WHERE hour < ?")) {
      ps.setLong(1, cutoffHour);
      ps.executeUpdate();
    }
    if (Math.floorMod(cutoffUnixNano, HOUR_NANOS) == 0) return;
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.SERVICE_OPERATIONS + " WHERE hour = ?")) {
      ps.setLong(1, cutoffHour);
      ps.executeUpdate();
    }
    // the spans that remain in the cutoff's hour start in [cutoff, end of that hour)
    long hourEnd = cutoffUnixNano + (HOUR_NANOS - Math.floorMod(cutoffUnixNano, HOUR_NANOS));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + Schema.SERVICE_OPERATIONS
                + " "
                + ROWS_FROM_SPANS
                + " WHERE start_ns >= ? AND start_ns < ? GROUP BY ALL")) {
      ps.setLong(1, cutoffUnixNano);
      ps.setLong(2, hourEnd);
      ps.executeUpdate();
    }
  }

  /**
   * Merges the rows each key got from separate commit groups into one per key and hour, for the
   * hours [fromHour, toHour). One transaction; rows appended meanwhile stay and are merged later.
   *
   * @return how many rows fewer the table holds
   */
  static long compact(Connection c, long fromHour, long toHour) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN TRANSACTION");
      try {
        try (PreparedStatement ps =
            c.prepareStatement(
                "CREATE TEMP TABLE service_operations_merged AS SELECT tenant, hour, service,"
                    + " operation, kind, min(first_ns) AS first_ns, max(last_ns) AS last_ns FROM "
                    + Schema.SERVICE_OPERATIONS
                    + " WHERE hour >= ? AND hour < ? GROUP BY ALL HAVING count(*) > 1")) {
          ps.setLong(1, fromHour);
          ps.setLong(2, toHour);
          ps.execute();
        }
        long deleted;
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM service_operations USING service_operations_merged m"
                    + " WHERE service_operations.hour >= ? AND service_operations.hour < ?"
                    + " AND service_operations.tenant = m.tenant"
                    + " AND service_operations.hour = m.hour"
                    + " AND service_operations.service = m.service"
                    + " AND service_operations.operation = m.operation"
                    + " AND service_operations.kind = m.kind")) {
          ps.setLong(1, fromHour);
          ps.setLong(2, toHour);
          deleted = ps.executeUpdate();
        }
        long inserted =
            s.executeUpdate(
                "INSERT INTO service_operations SELECT * FROM service_operations_merged");
        s.execute("DROP TABLE service_operations_merged");
        s.execute("COMMIT");
        return deleted - inserted;
      } catch (SQLException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
          s.execute("DROP TABLE IF EXISTS service_operations_merged");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /** A (service, operation, kind number) triple. */
  record Triple(String service, String operation, byte kind) {}

  /**
   * The triples with a span starting in [start, end), or null when the range lies inside one hour
   * and starts after that hour's start: there the earliest and latest start of a key cannot tell
   * whether a span falls between them, and the caller asks the finer tables.
   */
  static @Nullable List<Triple> read(Connection c, String tenant, long start, long end)
      throws SQLException {
    if (start >= end) return List.of();
    long startHour = hourOf(start);
    boolean startCut = Math.floorMod(start, HOUR_NANOS) != 0;
    long endHour = hourOf(end);
    boolean endCut = Math.floorMod(end, HOUR_NANOS) != 0;
    if (startCut && startHour == endHour) return null;
    long firstWhole = startCut ? startHour + 1 : startHour;
    List<String> parts = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    String select =
        "SELECT DISTINCT service, operation, kind FROM service_operations WHERE tenant = ?";
    if (firstWhole < endHour) {
      parts.add(select + " AND hour >= ? AND hour < ?");
      params.addAll(List.of(tenant, firstWhole, endHour));
    }
    if (startCut) {
      parts.add(select + " AND hour = ? AND last_ns >= ?");
      params.addAll(List.of(tenant, startHour, start));
    }
    if (endCut) {
      parts.add(select + " AND hour = ? AND first_ns < ?");
      params.addAll(List.of(tenant, endHour, end));
    }
    List<Triple> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ", parts))) {
      Sql.bind(ps, params);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Triple(rs.getString(1), rs.getString(2), rs.getByte(3)));
      }
    }
    return out;
  }
}
