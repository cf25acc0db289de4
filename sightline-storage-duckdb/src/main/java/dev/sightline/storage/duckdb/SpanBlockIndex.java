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
import java.sql.SQLException;
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

  /**
   * The start-time ranges within [start, end) that hold every span of the tenant whose attributes
   * may hold all these pairs ({@link SpanAttributeKeys#hash}); null above {@link #MAX_RANGES}.
   */
  static @Nullable List<long[]> candidateRanges(
      Connection c, String tenant, long start, long end, long[] keys) throws SQLException {
    return KeyBlocks.candidateRanges(c, Schema.SPAN_BLOCKS, tenant, start, end, keys, MAX_RANGES);
  }
}
