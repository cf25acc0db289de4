package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Deletes telemetry older than a cutoff: whole day partitions that end before the cutoff's day are
 * dropped (cheap: files removed), and the rows before the cutoff inside its own day are deleted
 * with {@code ALTER TABLE ... DELETE}, a mutation that rewrites that day's parts. Mutations run in
 * the background on every version; this waits for them (polling {@code system.mutations}) so that
 * readers no longer see the rows when it returns.
 */
final class Retention {
  private static final Duration MUTATION_TIMEOUT = Duration.ofMinutes(5);

  private final ClickHouseHttp http;
  private final String database;

  Retention(ClickHouseHttp http, String database) {
    this.http = http;
    this.database = database;
  }

  void deleteBefore(long cutoffUnixNano) {
    if (cutoffUnixNano <= 0) return;
    String cutoffDay = Days.of(cutoffUnixNano);
    for (ClickHouseSchema.TimedTable table : ClickHouseSchema.TIMED_TABLES) {
      for (JsonNode p :
          http.query(
              "SELECT DISTINCT partition_id FROM system.parts WHERE database = "
                  + Sql.literal(database)
                  + " AND table = "
                  + Sql.literal(table.name())
                  + " AND active AND max_date < "
                  + Sql.literal(cutoffDay))) {
        http.execute(
            "ALTER TABLE "
                + table.name()
                + " DROP PARTITION ID "
                + Sql.literal(p.get("partition_id").asText()));
      }
      String older = table.timeColumn() + " < " + cutoffUnixNano;
      long rows =
          http.query("SELECT count() AS n FROM " + table.name() + " WHERE " + older)
              .get(0)
              .get("n")
              .asLong();
      if (rows > 0) {
        http.execute("ALTER TABLE " + table.name() + " DELETE WHERE " + older);
        awaitMutations(table.name());
      }
    }
  }

  private void awaitMutations(String table) {
    long deadline = System.nanoTime() + MUTATION_TIMEOUT.toNanos();
    while (true) {
      long pending =
          http.query(
                  "SELECT count() AS n FROM system.mutations WHERE database = "
                      + Sql.literal(database)
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
