package dev.sightline.storage.duckdb;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;

/**
 * Builds a {@link KeyBlocks} table (the log text index, the span block index) from the rows already
 * stored, once: when the table is new or older than its {@code sightline_meta} key. The table is
 * dropped and re-created (an older format may have other columns), the stored rows read on a second
 * connection (it sees what is committed; the build's own transaction holds the blocks), blocks of
 * {@link KeyBlocks#MAX_ROWS} per tenant appended, and the key recorded in the same transaction, so
 * a crash midway builds again at the next open.
 */
final class KeyBlocksAtOpen {
  private KeyBlocksAtOpen() {}

  /** One stored row's block entry; column 1 of the query is the tenant. */
  @FunctionalInterface
  interface EntryOf {
    KeyBlocks.Entry entry(ResultSet row) throws SQLException;
  }

  /**
   * @param sinceKey the {@code sightline_meta} key recording that the table is complete
   * @param select the stored rows, tenant first
   * @param what what is indexed, for the log ("the text of the stored logs")
   */
  static void ensure(
      DuckDBConnection c,
      String table,
      String ddl,
      String sinceKey,
      String select,
      EntryOf entryOf,
      String what,
      Logger logger)
      throws SQLException {
    boolean complete = Meta.get(c, sinceKey) != null && Meta.tableExists(c, table);
    Meta.execute(c, ddl);
    if (complete) return;
    logger.info("indexing {} (once)", what);
    long start = System.nanoTime();
    long[] rows = {0};
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DROP TABLE " + table);
          Meta.execute(c, ddl);
          Map<String, List<KeyBlocks.Entry>> open = new HashMap<>();
          try (DuckDBConnection reader = c.duplicate();
              Statement s = reader.createStatement();
              DuckDBAppender a = c.createAppender("main", table);
              ResultSet rs = s.executeQuery(select)) {
            while (rs.next()) {
              String tenant = rs.getString(1);
              List<KeyBlocks.Entry> block = open.computeIfAbsent(tenant, t -> new ArrayList<>());
              block.add(entryOf.entry(rs));
              rows[0]++;
              if (block.size() == KeyBlocks.MAX_ROWS) {
                KeyBlocks.appendBlock(a, tenant, block);
                block.clear();
              }
            }
            for (Map.Entry<String, List<KeyBlocks.Entry>> e : open.entrySet()) {
              if (!e.getValue().isEmpty()) KeyBlocks.appendBlock(a, e.getKey(), e.getValue());
            }
          }
          Meta.put(c, sinceKey, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    logger.info("{} rows indexed in {} ms ({})", rows[0], millis, what);
  }
}
