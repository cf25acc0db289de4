package dev.sightline.storage.duckdb;

import dev.sightline.core.model.StatusCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of {@code trace_summaries} outside the writer: made complete at open (a directory
 * written before the table existed gets its parts derived from the stored spans, once), kept exact
 * by retention, and merged by readers ({@link #MERGED_COLUMNS}).
 */
final class TraceSummaries {
  private static final Logger logger = LoggerFactory.getLogger(TraceSummaries.class);

  private TraceSummaries() {}

  /** The {@code sightline_meta} key present once the table holds parts for every stored span. */
  static final String SINCE_KEY = "trace_summaries_since";

  /**
   * One part per (tenant, trace) from {@code spans} rows aliased {@code s}, in the order of the
   * table's columns; the caller adds the FROM, WHERE and {@code GROUP BY s.tenant, s.trace_id}.
   */
  static final String PART_FROM_SPANS =
      "SELECT s.tenant, s.trace_id, min(s.start_ns), max(s.start_ns), max(s.end_ns),"
          + " first(s.parent_span_id IS NOT NULL ORDER BY s.parent_span_id IS NOT NULL,"
          + " s.start_ns, s.span_id),"
          + " first(s.start_ns ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
          + " first(s.span_id ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
          + " first(s.service ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
          + " first(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_ns, s.span_id),"
          + " list(s.span_id),"
          + " coalesce(list(s.span_id) FILTER (WHERE s.status_code = "
          + StatusCode.ERROR.ordinal()
          + "), []::BIGINT[]),"
          + " list_distinct(list(s.service))";

  /**
   * The merge of the parts aliased {@code t} of one trace ({@code GROUP BY t.trace_id}): trace id,
   * root service, root name, start, duration, span count, error count, services. Every operation is
   * indifferent to repeated parts and spans, so a span stored twice counts once.
   */
  static final String MERGED_COLUMNS =
      "t.trace_id,"
          + " first(t.root_service ORDER BY t.root_is_child, t.root_start_ns, t.root_span_id),"
          + " first(t.root_name ORDER BY t.root_is_child, t.root_start_ns, t.root_span_id),"
          + " min(t.start_ns) AS trace_start, max(t.end_ns) - min(t.start_ns),"
          + " len(list_distinct(flatten(list(t.span_ids)))),"
          + " len(list_distinct(flatten(list(t.error_span_ids)))),"
          + " list_distinct(flatten(list(t.services)))";

  /**
   * Creates the table and, unless it already covers every stored span ({@link #SINCE_KEY} present
   * and the table too), empties it, derives it from the stored spans and writes the key, in one
   * transaction (a crash leaves the previous state and the next open redoes it).
   */
  static void ensure(Connection c) throws SQLException {
    boolean complete =
        Meta.get(c, SINCE_KEY) != null && Meta.tableExists(c, Schema.TRACE_SUMMARIES);
    Meta.execute(c, Schema.TRACE_SUMMARIES_DDL);
    if (complete) return;
    logger.info("deriving trace summaries from the stored spans (once)");
    long start = System.nanoTime();
    Meta.inTransaction(
        c,
        () -> {
          Meta.execute(c, "DELETE FROM " + Schema.TRACE_SUMMARIES);
          Meta.execute(
              c,
              "INSERT INTO "
                  + Schema.TRACE_SUMMARIES
                  + " "
                  + PART_FROM_SPANS
                  + " FROM spans s GROUP BY s.tenant, s.trace_id");
          Meta.put(c, SINCE_KEY, Instant.now().toString());
          return null;
        });
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (millis > 1_000) logger.info("trace summaries derived from stored spans in {} ms", millis);
  }

  /**
   * Retention, run before the spans older than the cutoff are deleted (in the same transaction): a
   * trace with spans on both sides of the cutoff gets a new part from its spans that stay, then
   * every part that starts before the cutoff goes. The remaining parts describe exactly the spans
   * that remain.
   */
  static void deleteBefore(Connection c, long cutoffUnixNano) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + Schema.TRACE_SUMMARIES
                + " "
                + PART_FROM_SPANS
                + " FROM spans s SEMI JOIN (SELECT DISTINCT tenant, trace_id FROM "
                + Schema.TRACE_SUMMARIES
                + " WHERE start_ns < ? AND last_start_ns >= ?) x"
                + " ON s.tenant = x.tenant AND s.trace_id = x.trace_id"
                + " WHERE s.start_ns >= ? GROUP BY s.tenant, s.trace_id")) {
      ps.setLong(1, cutoffUnixNano);
      ps.setLong(2, cutoffUnixNano);
      ps.setLong(3, cutoffUnixNano);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + Schema.TRACE_SUMMARIES + " WHERE start_ns < ?")) {
      ps.setLong(1, cutoffUnixNano);
      ps.executeUpdate();
    }
  }
}
