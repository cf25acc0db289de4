package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.testing.TelemetryGenerator;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * The aggregates each batch gets on its caller's thread, merged per group on the writer, are the
 * rows aggregating every span of the group in order gives: RED by 10 s and by hour, trace summaries
 * (root, span and error ids, services in order), attribute index, service operations.
 */
class SpanAggregatesTest {
  private static final Set<String> INDEXED = Set.of("tenant.id", "http.route", "service.version");

  @Test
  void mergedBatches_giveTheRowsOfTheWholeGroup() throws Exception {
    TelemetryGenerator generator =
        TelemetryGenerator.builder().seed(3).spansPerTrace(12).errorRate(0.3).build();
    List<Span> all = new ArrayList<>();
    for (int i = 0; i < 150; i++) all.addAll(generator.nextTrace());
    // a trace's spans spread over batches, children sometimes before their parents
    Collections.shuffle(all, new Random(8));
    List<SpanRows.Row> rows = SpanRows.encode(all);
    List<SpanAggregates> batches = new ArrayList<>();
    Random sizes = new Random(9);
    for (int i = 0; i < rows.size(); ) {
      int n = Math.min(rows.size() - i, 1 + sizes.nextInt(60));
      batches.add(SpanAggregates.of(rows.subList(i, i + n), INDEXED));
      i += n;
    }
    assertThat(batches).hasSizeGreaterThan(10);
    List<List<String>> before = new ArrayList<>();
    for (SpanAggregates b : batches) before.add(tables(b));

    List<String> whole = tables(SpanAggregates.of(rows, INDEXED));
    List<String> merged = tables(SpanAggregates.merge(batches, INDEXED));

    assertThat(merged).isEqualTo(whole);
    assertThat(whole).anyMatch(line -> line.startsWith("attribute_index"));
    // the batches' own aggregates are left as they were: a failed group retries each alone
    for (int i = 0; i < batches.size(); i++)
      assertThat(tables(batches.get(i))).isEqualTo(before.get(i));
    // one batch is taken as it is
    assertThat(SpanAggregates.merge(batches.subList(0, 1), INDEXED)).isSameAs(batches.get(0));
  }

  /** Every row the aggregates append, table by table, as sorted text. */
  private static List<String> tables(SpanAggregates a) throws SQLException {
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String ddl :
          List.of(
              Schema.DDL.stream()
                  .filter(d -> d.contains("EXISTS span_metrics ("))
                  .findFirst()
                  .orElseThrow(),
              Schema.SPAN_METRICS_HOURLY_DDL,
              Schema.TRACE_SUMMARIES_DDL,
              Schema.ATTRIBUTE_INDEX_DDL,
              Schema.SERVICE_OPERATIONS_DDL)) {
        s.execute(ddl);
      }
      append(c, Schema.SPAN_METRICS, a.red::appendTo);
      append(c, Schema.SPAN_METRICS_HOURLY, a.redHourly::appendTo);
      append(c, Schema.TRACE_SUMMARIES, a.summaries::appendTo);
      append(c, Schema.ATTRIBUTE_INDEX, a.index::appendTo);
      append(c, Schema.SERVICE_OPERATIONS, a.operations::appendTo);
      List<String> lines = new ArrayList<>();
      for (String table :
          List.of(
              Schema.SPAN_METRICS,
              Schema.SPAN_METRICS_HOURLY,
              Schema.TRACE_SUMMARIES,
              Schema.ATTRIBUTE_INDEX,
              Schema.SERVICE_OPERATIONS)) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY ALL")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            StringBuilder line = new StringBuilder(table);
            for (int i = 1; i <= md.getColumnCount(); i++) line.append('|').append(rs.getString(i));
            lines.add(line.toString());
          }
        }
      }
      return lines;
    }
  }

  private static void append(DuckDBConnection c, String table, GroupAppender.Rows rows)
      throws SQLException {
    try (DuckDBAppender a = c.createAppender("main", table)) {
      rows.appendTo(a);
    }
  }
}
