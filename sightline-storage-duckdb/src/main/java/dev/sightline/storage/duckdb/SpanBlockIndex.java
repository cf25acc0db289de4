package dev.sightline.storage.duckdb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code span_blocks} outside the writer: derived from the stored spans at open when a
 * directory lacks it, trimmed by retention, and read by trace search ({@link #candidateRanges}).
 */
final class SpanBlockIndex {
  private static final Logger logger = LoggerFactory.getLogger(SpanBlockIndex.class);

  private SpanBlockIndex() {}

  /**
   * The {@code sightline_meta} key present once every stored span is in a block. Its name carries
   * the format of keys and filters ({@link SpanAttributeKeys}, {@link KeyBlocks}): a new format
   * gets a new name, so older blocks are rebuilt.
   */
  static final String SINCE_KEY = "span_block_index_since";

  /**
   * Above this many start-time ranges in a slice of a search, the index saves little (a value
   * frequent there): the slice is read whole, as without the index.
   */
  static final int MAX_RANGES = 256;

  /**
   * Creates the table and, unless it already covers every stored span ({@link #SINCE_KEY} present
   * and the table too), drops it and derives the blocks from the stored spans, in storage order
   * ({@link KeyBlocks#MAX_ROWS} per tenant), in one transaction (a crash leaves the previous state
   * and the next open redoes it). The pairs come from the stored text columns, which hold exactly
   * the text forms the writer hashes.
   */
  static void ensure(DuckDBConnection c) throws SQLException {
    Map<String, SpanAttributeKeys.ResourcePairs> resources = new HashMap<>();
    KeyBlocksAtOpen.ensure(
        c,
        Schema.SPAN_BLOCKS,
        Schema.SPAN_BLOCKS_DDL,
        SINCE_KEY,
        "SELECT tenant, start_ns, attributes, resource_attributes FROM spans_resolved",
        rs -> {
          String resourceText = rs.getString(4);
          SpanAttributeKeys.ResourcePairs resource = resources.get(resourceText);
          if (resource == null) {
            if (resources.size() > 10_000) resources.clear();
            resource = SpanAttributeKeys.ResourcePairs.of(textAttributes(resourceText));
            resources.put(resourceText, resource);
          }
          long[] keys = SpanAttributeKeys.ofSpan(textAttributes(rs.getString(3)), resource);
          return new KeyBlocks.Entry(
              rs.getLong(2), keys == null ? new long[0] : keys, keys != null);
        },
        "the attributes of the stored spans",
        logger);
  }

  /**
   * The {@code attributes} column as attributes whose every value is its text form (a string): what
   * {@link SpanAttributeKeys} hashes, since the text form of a string is itself.
   */
  static Attributes textAttributes(String json) {
    Map<String, AnyValue> values = new LinkedHashMap<>();
    try (JsonParser p = TypedJson.parser(json)) {
      TypedJson.expect(p, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        values.put(key, new AnyValue.StringValue(p.getText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Attributes.of(values);
  }

  /** Retention: the blocks whose spans all went. A block straddling the cutoff stays. */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.SPAN_BLOCKS + " WHERE max_ns < ?")) {
      ps.setLong(1, cutoffUnixNano);
      ps.executeUpdate();
    }
  }

  /** Blocks {@link #newestSpansFrom} reads at most. */
  private static final int MAX_SIZING_BLOCKS = 4_096;

  /**
   * About where the newest {@code spans} spans of the tenant in [from, to) begin: the latest time t
   * at which the blocks, each taken as its spans spread evenly over its time range, hold that many
   * in [t, to); {@code from} when the range holds fewer. Blocks are read newest first (by their
   * latest start) until the next one ends before t, so every block reaching into [t, to) counts:
   * blocks of concurrent commits overlap (a block covered ~0.5 s of a store written at 22 k spans/s
   * by 8 clients), and the newest blocks alone would put t seconds too early. An estimate, in
   * [from, to): the newest spans may not be in a block yet (span blocks are written behind the
   * spans), and at most {@link #MAX_SIZING_BLOCKS} blocks are read. Search uses it only to size its
   * slices, and any slice is exact.
   */
  static long newestSpansFrom(Connection c, String tenant, long from, long to, long spans)
      throws SQLException {
    List<long[]> blocks = new ArrayList<>();
    double seen = 0; // the spans of the blocks read, in [from, to)
    long t = from; // the answer for the blocks read, once they hold `spans`
    int sized = 0; // the blocks read when t was last computed
    // one row per block: its row without a filter, or its first page
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT min_ns, max_ns, spans FROM "
                + Schema.SPAN_BLOCKS
                + " WHERE tenant = ? AND max_ns >= ? AND min_ns < ?"
                + " AND (slot = "
                + KeyBlocks.UNINDEXED
                + " OR slot % 16 = 0) ORDER BY max_ns DESC LIMIT "
                + MAX_SIZING_BLOCKS)) {
      ps.setString(1, tenant);
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long[] block = {rs.getLong(1), rs.getLong(2), rs.getInt(3)};
          if (sized > 0 && block[1] < t) break; // this and every later block end before t
          blocks.add(block);
          seen += spans(block, from, to);
          // t only moves later as blocks are added: recomputed as their number doubles
          if (seen >= spans && blocks.size() >= 2 * sized) {
            t = latest(blocks, from, to, spans);
            sized = blocks.size();
          }
        }
      }
    }
    return sized == 0 ? from : latest(blocks, from, to, spans);
  }

  /** The latest t in [from, to) where the blocks hold at least {@code spans} in [t, to). */
  private static long latest(List<long[]> blocks, long from, long to, long spans) {
    long lo = from, hi = to - 1;
    while (lo < hi) { // spans(t) does not grow with t
      long mid = lo + (hi - lo + 1) / 2;
      if (spans(blocks, mid, to) >= spans) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The spans of these blocks (min, max, spans) in [t, to), each spread evenly over its range. */
  private static double spans(List<long[]> blocks, long t, long to) {
    double sum = 0;
    for (long[] b : blocks) sum += spans(b, t, to);
    return sum;
  }

  /** The spans of one block (min, max, spans) in [t, to), spread evenly over its range. */
  private static double spans(long[] b, long t, long to) {
    long lo = Math.max(t, b[0]);
    long hi = Math.min(to - 1, b[1]);
    return hi < lo ? 0 : b[2] * ((double) (hi - lo) + 1) / ((double) (b[1] - b[0]) + 1);
  }

  /**
   * The start-time ranges within [start, end) that hold every span of the tenant whose attributes
   * may hold all these pairs ({@link SpanAttributeKeys#hash}); null above {@link #MAX_RANGES}.
   */
  static @Nullable List<long[]> candidateRanges(
      Connection c, String tenant, long start, long end, long[] keys) throws SQLException {
    return KeyBlocks.candidateRanges(c, Schema.SPAN_BLOCKS, tenant, start, end, keys, MAX_RANGES);
  }
}
