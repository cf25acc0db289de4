package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code log_blocks} outside the writer: derived from the stored logs at open when a
 * directory lacks it, trimmed by retention, and read by text search ({@link #candidateRanges}).
 */
final class LogTextIndex {
  private static final Logger logger = LoggerFactory.getLogger(LogTextIndex.class);

  private LogTextIndex() {}

  /**
   * The {@code sightline_meta} key present once every stored log is in a block. Its name carries
   * the format of keys and filters ({@link LogTextKeys}, {@link KeyBlocks}): a new format gets a
   * new name, so older blocks are rebuilt.
   */
  static final String SINCE_KEY = "log_text_index_since";

  /** Above this many time ranges to read, the index saves little: the search scans instead. */
  static final int MAX_RANGES = 256;

  /**
   * Creates the table and, unless it already covers every stored log ({@link #SINCE_KEY} present
   * and the table too), empties it and derives the blocks from the stored logs, in storage order,
   * in one transaction (a crash leaves the previous state and the next open redoes it).
   */
  static void ensure(DuckDBConnection c) throws SQLException {
    boolean complete = Meta.get(c, SINCE_KEY) != null && Meta.tableExists(c, Schema.LOG_BLOCKS);
    Meta.execute(c, Schema.LOG_BLOCKS_DDL);
    if (complete) return;
    logger.info("indexing the text of the stored logs (once)");
    long start = System.nanoTime();
    long[] logs = {0};
    Meta.inTransaction(
        c,
        () -> {
          // dropped, not emptied: an older format may have other columns
          Meta.execute(c, "DROP TABLE " + Schema.LOG_BLOCKS);
          Meta.execute(c, Schema.LOG_BLOCKS_DDL);
          Map<String, List<KeyBlocks.Entry>> open = new HashMap<>();
          try (DuckDBConnection reader = c.duplicate();
              Statement s = reader.createStatement();
              DuckDBAppender a = c.createAppender("main", Schema.LOG_BLOCKS)) {
            // the reader connection sees the committed logs; this transaction holds the blocks
            try (ResultSet rs = s.executeQuery("SELECT tenant, event_ns, body_text FROM logs")) {
              while (rs.next()) {
                String tenant = rs.getString(1);
                String body = rs.getString(3);
                List<KeyBlocks.Entry> block = open.computeIfAbsent(tenant, t -> new ArrayList<>());
                block.add(
                    new KeyBlocks.Entry(
                        rs.getLong(2), LogTextKeys.ofBody(body), LogTextKeys.indexable(body)));
                logs[0]++;
                if (block.size() == KeyBlocks.MAX_ROWS) {
                  KeyBlocks.appendBlock(a, tenant, block);
                  block.clear();
                }
              }
            }
            for (Map.Entry<String, List<KeyBlocks.Entry>> e : open.entrySet()) {
              if (!e.getValue().isEmpty()) KeyBlocks.appendBlock(a, e.getKey(), e.getValue());
            }
          }
          Meta.put(c, SINCE_KEY, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000) logger.info("text of {} stored logs indexed in {} ms", logs[0], millis);
  }

  /** Retention: the blocks whose logs all went. A block straddling the cutoff stays. */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.LOG_BLOCKS + " WHERE max_ns < ?")) {
      ps.setLong(1, cutoffUnixNano);
      ps.executeUpdate();
    }
  }

  /**
   * The event-time ranges [from, to), disjoint and within [start, end), that hold every log of the
   * tenant whose body may contain a text with these keys ({@link LogTextKeys#ofQuery}, not empty);
   * null when there are more than {@link #MAX_RANGES} (the caller scans the whole range).
   */
  static @Nullable List<long[]> candidateRanges(
      Connection c, String tenant, long start, long end, long[] keys) throws SQLException {
    return KeyBlocks.candidateRanges(c, Schema.LOG_BLOCKS, tenant, start, end, keys, MAX_RANGES);
  }
}
