package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes telemetry older than a cutoff: whole day partitions that end before the cutoff's day are
 * dropped (cheap: files removed), and the rows before the cutoff inside its own day are deleted
 * with {@code ALTER TABLE ... DELETE}, a mutation that rewrites that day's parts. Mutations run in
 * the background on every version; this waits for them (polling {@code system.mutations}) so that
 * readers no longer see the rows when it returns.
 *
 * <p>In a cluster, partitions and mutations belong to each node's local tables: the same is done on
 * every node (every replica too: a drop or delete already replicated from another replica finds
 * nothing left to remove).
 */
final class Retention {
  private static final Duration MUTATION_TIMEOUT = Duration.ofMinutes(5);

  private final List<ClickHouseHttp> nodes;
  private final TableLayout layout;
  private final boolean traceLookups;

  /** {@link ClickHouseSchema#hourlySince}, raised before an hour is cut. */
  private final AtomicLong hourlySince;

  /**
   * @param traceLookups whether the lookup tables exist (otherwise they are skipped)
   * @param hourlySince {@link ClickHouseSchema#hourlySince}
   */
  Retention(
      List<ClickHouseHttp> nodes,
      TableLayout layout,
      boolean traceLookups,
      AtomicLong hourlySince) {
    this.nodes = List.copyOf(nodes);
    this.hourlySince = hourlySince;
    this.layout = layout;
    this.traceLookups = traceLookups;
  }

  void deleteBefore(long cutoffUnixNano) {
    if (cutoffUnixNano <= 0) return;
    // first, so that no read takes the cut hour from span_metrics_hourly once its row is gone
    HourlyRollup.raiseForRetention(nodes, hourlySince, cutoffUnixNano);
    for (ClickHouseHttp node : nodes) deleteBefore(node, cutoffUnixNano);
  }

  private void deleteBefore(ClickHouseHttp http, long cutoffUnixNano) {
    String database = layout.database();
    String cutoffDay = Days.of(cutoffUnixNano);
    for (ClickHouseSchema.TimedTable timed : ClickHouseSchema.TIMED_TABLES) {
      if (!traceLookups && ClickHouseSchema.LOOKUP_TABLES.contains(timed.name())) continue;
      String table = layout.local(timed.name());
      for (JsonNode p :
          http.query(
              "SELECT DISTINCT partition_id FROM system.parts WHERE database = "
                  + Sql.literal(database)
                  + " AND table = "
                  + Sql.literal(table)
                  + " AND active AND max_date < "
                  + Sql.literal(cutoffDay))) {
        http.execute(
            "ALTER TABLE "
                + table
                + " DROP PARTITION ID "
                + Sql.literal(p.get("partition_id").asText()));
      }
      String older = timed.timeColumn() + " < " + cutoffUnixNano;
      long rows =
          http.query("SELECT count() AS n FROM " + table + " WHERE " + older)
              .get(0)
              .get("n")
              .asLong();
      if (rows > 0) {
        http.execute("ALTER TABLE " + table + " DELETE WHERE " + older);
        awaitMutations(http, table);
      }
    }
  }

  private void awaitMutations(ClickHouseHttp http, String table) {
    long deadline = System.nanoTime() + MUTATION_TIMEOUT.toNanos();
    while (true) {
      long pending =
          http.query(
                  "SELECT count() AS n FROM system.mutations WHERE database = "
                      + Sql.literal(layout.database())
                      + " AND table = "
                      + Sql.literal(table)
                      + " AND is_done = 0")
              .get(0)
              .get("n")
              .asLong();
      if (pending == 0) return;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "ClickHouse did not finish deleting from " + table + " within " + MUTATION_TIMEOUT);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a delete", e);
      }
    }
  }
}
