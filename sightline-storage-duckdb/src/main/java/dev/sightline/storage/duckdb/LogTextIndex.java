package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
    KeyBlocksAtOpen.ensure(
        c,
        Schema.LOG_BLOCKS,
        Schema.LOG_BLOCKS_DDL,
        SINCE_KEY,
        "SELECT tenant, event_ns, body_text FROM logs",
        rs -> {
          String body = rs.getString(3);
          return new KeyBlocks.Entry(
              rs.getLong(2), LogTextKeys.ofBody(body), LogTextKeys.indexable(body));
        },
        "the text of the stored logs",
        logger);
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
