package dev.sightline.storage.duckdb;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code service_edges} and its hourly roll-up at open: brought in line with {@link
 * DuckDbStorageBuilder#serviceEdgesAtIngest} (back-filled or emptied), and the in-memory pairer's
 * state rebuilt from the recent stored spans. The writer maintains the table afterwards ({@link
 * ServiceEdgePairer}, {@link ServiceEdgeRows}).
 */
final class ServiceEdges {
  private static final Logger logger = LoggerFactory.getLogger(ServiceEdges.class);

  private ServiceEdges() {}

  /**
   * The {@code sightline_meta} key present exactly while {@code service_edges} holds the edges of
   * every stored span: written (with the time) by an open with {@link
   * DuckDbStorageBuilder#serviceEdgesAtIngest} on, after the back-fill, and removed by an open with
   * it off, since the writer then stops maintaining the table.
   */
  static final String SERVICE_EDGES_SINCE = "service_edges_since";

  /**
   * The {@code sightline_meta} key present exactly while {@code service_edges_hourly} holds {@code
   * service_edges} summed by hour: written with {@link #SERVICE_EDGES_SINCE}, or alone by the first
   * open of a directory whose edges an earlier version maintained without the roll-up.
   */
  static final String SERVICE_EDGES_HOURLY_SINCE = "service_edges_hourly_since";

  /**
   * Brings {@code service_edges} and {@code service_edges_hourly} in line with the flag, each case
   * in one transaction (a crash leaves the previous state, and the next open redoes it):
   *
   * <ul>
   *   <li>on, and the edges are maintained ({@link #SERVICE_EDGES_SINCE} present and the table
   *       too): nothing, or, when the hourly roll-up is not ({@link #SERVICE_EDGES_HOURLY_SINCE} or
   *       its table missing: a directory of an earlier version; or its totals differ from the
   *       10-second rows': an earlier version wrote or cut those meanwhile, {@link
   *       HourlyRollup#matches}), the roll-up derived from the 10-second rows;
   *   <li>on, and they are not (a new directory, one written before the table existed, or one last
   *       opened with the flag off): both tables are emptied and filled from the stored spans (the
   *       query-time join, once), then both keys are written; from then on the writer adds the
   *       edges each commit completes (after either case, the pairer's state is rebuilt from the
   *       recent stored spans, {@link #replay});
   *   <li>off, and a key is present: the keys and the rows go, so a later open with the flag on
   *       derives afresh what was stored meanwhile;
   *   <li>off, and no key: nothing.
   * </ul>
   */
  static void sync(DuckDBConnection c, boolean atIngest) throws SQLException {
    boolean keyPresent = Meta.get(c, SERVICE_EDGES_SINCE) != null;
    boolean tablePresent = Meta.tableExists(c, Schema.SERVICE_EDGES);
    boolean hourlyKeyPresent = Meta.get(c, SERVICE_EDGES_HOURLY_SINCE) != null;
    boolean hourlyTablePresent = Meta.tableExists(c, Schema.SERVICE_EDGES_HOURLY);
    Meta.execute(c, Schema.SERVICE_EDGES_DDL);
    Meta.execute(c, Schema.SERVICE_EDGES_HOURLY_DDL);
    if (atIngest && keyPresent && tablePresent) {
      if (hourlyKeyPresent && hourlyTablePresent && HourlyRollup.SERVICE_EDGES.matches(c)) return;
      Meta.inTransaction(
          c,
          () -> {
            HourlyRollup.SERVICE_EDGES.derive(c);
            Meta.put(c, SERVICE_EDGES_HOURLY_SINCE, Instant.now().toString());
            return null;
          });
      return;
    }
    if (!atIngest && !keyPresent && !hourlyKeyPresent) return;
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DELETE FROM " + Schema.SERVICE_EDGES);
          Meta.execute(c, "DELETE FROM " + Schema.SERVICE_EDGES_HOURLY);
          Meta.remove(c, SERVICE_EDGES_SINCE);
          Meta.remove(c, SERVICE_EDGES_HOURLY_SINCE);
          if (atIngest) {
            long start = System.nanoTime();
            ServiceEdgeRows.backfill(c);
            HourlyRollup.SERVICE_EDGES.derive(c);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > 1_000) {
              logger.info("service edges derived from stored spans in {} ms", millis);
            }
            String now = Instant.now().toString();
            Meta.put(c, SERVICE_EDGES_SINCE, now);
            Meta.put(c, SERVICE_EDGES_HOURLY_SINCE, now);
          }
          return null;
        });
  }

  /**
   * Rebuilds the edge pairer's state after a restart: the stored spans starting within {@code
   * windowNanos} of the newest stored start (or of now, if that is earlier) (callers, and children
   * not resolved by a stored non-caller parent; the newest {@code maxSpans}, what the caps can
   * hold), oldest first, go through {@link ServiceEdgePairer#commit} in chunks, emitting no pair:
   * the pairs of two stored spans were counted when the second was written (or by the back-fill).
   * So children waiting for their parent, and recent callers for their late children, survive a
   * restart.
   */
  static void replay(DuckDBConnection c, ServiceEdgePairer pairer, long windowNanos, long maxSpans)
      throws SQLException {
    long start = System.nanoTime();
    long newest;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(start_ns) FROM spans")) {
      rs.next();
      newest = rs.getLong(1);
      if (rs.wasNull()) return;
    }
    // a span from a clock far ahead must not move the window past the recent spans
    newest = Math.min(newest, System.currentTimeMillis() * 1_000_000L);
    long rows = 0;
    try (PreparedStatement ps = c.prepareStatement(ServiceEdgeRows.REPLAY)) {
      long from = newest - windowNanos;
      ps.setLong(1, from > newest ? Long.MIN_VALUE : from);
      ps.setLong(2, maxSpans);
      try (ResultSet rs = ps.executeQuery()) {
        java.util.List<ServiceEdgePairer.End> chunk = new java.util.ArrayList<>();
        while (rs.next()) {
          long parent = rs.getLong(5);
          boolean hasParent = !rs.wasNull();
          chunk.add(
              pairer.end(
                  rs.getString(1),
                  rs.getLong(2),
                  ServiceEdgeRows.replayLow(rs.getLong(3)),
                  rs.getLong(4),
                  hasParent,
                  parent,
                  rs.getByte(6),
                  rs.getString(7),
                  rs.getByte(8) == dev.sightline.core.model.StatusCode.ERROR.ordinal(),
                  rs.getLong(9),
                  rs.getLong(10)));
          if (chunk.size() == 20_000) {
            pairer.commit(chunk);
            rows += chunk.size();
            chunk.clear();
          }
        }
        pairer.commit(chunk);
        rows += chunk.size();
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    ServiceEdgePairer.Stats stats = pairer.stats();
    logger.info(
        "service edge pairing resumed from {} stored spans in {} ms: {} recent callers, {} waiting"
            + " children",
        rows,
        millis,
        stats.recentCallers(),
        stats.waitingChildren());
  }
}
