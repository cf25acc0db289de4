package dev.sightline.storage.duckdb;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attribute_index}: trace search by an indexed key reads it (and only checks the candidates'
 * spans), stops once the newest traces are known, falls back to reading spans for a value held by
 * many traces, and the index follows the configured keys and retention.
 */
class AttributeIndexTest {
  static final long MINUTE = 60_000_000_000L;
  static final long T0 = NOW_NANOS - 200 * MINUTE;

  @TempDir Path dir;

  DuckDbStorage open(List<String> keys) {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .threads(2)
        .compactionInterval(java.time.Duration.ZERO)
        .indexedAttributes(keys)
        .build();
  }

  /** Trace {@code n}: a root at T0 + n minutes and a child holding {@code order.id = value}. */
  static List<Span> trace(int n, String value) {
    String trace = TestObjects.traceId(50_000 + n);
    String root = String.format("a%015x", n);
    long start = T0 + n * MINUTE;
    return List.of(
        TestObjects.span(TENANT, trace, root, "", "frontend", "POST /orders", start, 50 * MILLI),
        TestObjects.span(
                TENANT,
                trace,
                String.format("b%015x", n),
                root,
                "order",
                "PlaceOrder",
                start + 10 * MILLI,
                20 * MILLI)
            .toBuilder()
            .attributes(Attributes.ofStrings("order.id", value))
            .build());
  }

  static List<TraceSummary> search(DuckDbStorage storage, String value, int limit) {
    return storage
        .traceReader()
        .searchTraces(
            new TraceQuery(
                TENANT,
                null,
                null,
                null,
                null,
                false,
                Map.of("order.id", value),
                T0 - MINUTE,
                NOW_NANOS,
                limit));
  }

  static List<String> ids(int... ns) {
    List<String> out = new ArrayList<>();
    for (int n : ns) out.add(TestObjects.traceId(50_000 + n));
    return out;
  }

  static long indexRows(DuckDbStorage storage) {
    return storage
        .readers()
        .run(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT count(*) FROM attribute_index")) {
                rs.next();
                return rs.getLong(1);
              }
            });
  }

  static void write(DuckDbStorage storage, List<Span> spans) throws Exception {
    storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
  }

  @Test
  void searchReadsTheIndex_andChecksOnlyItsCandidates() throws Exception {
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      for (int n = 0; n < 100; n++)
        write(storage, trace(n, n % 10 == 3 ? "ord-seven" : "ord-" + n));
      assertThat(search(storage, "ord-seven", 3))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(93, 83, 73));
      assertThat(search(storage, "ord-seven", 100)).hasSize(10);
      assertThat(search(storage, "ord-42", 5))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(42));

      // the search's candidates come from the index: without its rows for trace 93, it is not found
      storage
          .readers()
          .run(
              c -> {
                try (Statement s = c.createStatement()) {
                  s.execute(
                      "DELETE FROM attribute_index WHERE value = 'ord-seven' AND first_ns >= "
                          + (T0 + 90 * MINUTE));
                }
                return null;
              });
      assertThat(search(storage, "ord-seven", 3))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(83, 73, 63));
    }
  }

  /** Every row of attribute_index in storage order (rowid), as text. */
  static List<String> rowsInStorageOrder(DuckDbStorage storage) {
    return storage
        .readers()
        .run(
            c -> {
              List<String> out = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT tenant, key, value, trace_id, first_ns, last_ns"
                              + " FROM attribute_index ORDER BY rowid")) {
                while (rs.next()) {
                  out.add(
                      String.join(
                          "|",
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          rs.getString(4),
                          rs.getString(5),
                          rs.getString(6)));
                }
              }
              return out;
            });
  }

  @Test
  void oldHours_areRewrittenSortedByValue_onceAndWithTheSameRows() throws Exception {
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      // 200 traces over 200 minutes, values in reverse order of arrival, one batch each
      for (int n = 0; n < 200; n++) write(storage, trace(n, String.format("ord-%03d", 199 - n)));
      List<String> before = rowsInStorageOrder(storage);
      List<TraceSummary> found = search(storage, "ord-150", 5);
      assertThat(found).hasSize(1);

      long rows = storage.readers().<Long>run(c -> AttributeIndex.sortOldHours(c, NOW_NANOS));
      assertThat(rows).isPositive();
      List<String> after = rowsInStorageOrder(storage);
      assertThat(after).containsExactlyInAnyOrderElementsOf(before);
      // within each sorted hour the rows are in value order now (they arrived in reverse)
      long sortedTo =
          storage.readers().run(c -> Long.parseLong(Meta.get(c, AttributeIndex.SORTED_TO_KEY)));
      assertThat(sortedTo).isLessThanOrEqualTo(NOW_NANOS - 60 * MINUTE);
      long hour = 60 * MINUTE;
      java.util.Map<Long, List<String>> valuesByHour = new java.util.LinkedHashMap<>();
      for (String row : after) {
        String[] f = row.split("\\|");
        long first = Long.parseLong(f[4]);
        if (first >= sortedTo) continue;
        valuesByHour.computeIfAbsent(Math.floorDiv(first, hour), h -> new ArrayList<>()).add(f[2]);
      }
      assertThat(valuesByHour).hasSizeGreaterThan(1);
      for (List<String> values : valuesByHour.values()) {
        assertThat(values).hasSizeGreaterThan(1).isSorted();
      }
      assertThat(search(storage, "ord-150", 5)).isEqualTo(found);
      // once: a second pass has nothing to do
      long again = storage.readers().<Long>run(c -> AttributeIndex.sortOldHours(c, NOW_NANOS));
      assertThat(again).isZero();
    }
  }

  @Test
  void manyCandidates_spanTheVerificationBatches_andStillGiveTheNewest() throws Exception {
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      List<Span> spans = new ArrayList<>();
      for (int n = 0; n < 150; n++) spans.addAll(trace(n, "ord-same"));
      write(storage, spans);
      assertThat(search(storage, "ord-same", 40))
          .extracting(TraceSummary::traceId)
          .startsWith(ids(149, 148, 147).toArray(String[]::new))
          .hasSize(40)
          .endsWith(TestObjects.traceId(50_000 + 110));
      assertThat(search(storage, "ord-same", 200)).hasSize(150);
    }
  }

  @Test
  void aValueHeldByMoreTracesThanTheIndexServes_isSearchedInTheSpans() throws Exception {
    int traces = TraceSearch.MAX_INDEXED_CANDIDATES + 20;
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      List<Span> spans = new ArrayList<>();
      for (int n = 0; n < traces; n++) {
        List<Span> t = trace(n, "ord-popular");
        // a second a trace, within the range
        for (Span s : t) {
          spans.add(
              s.toBuilder()
                  .startTimeUnixNano(
                      T0 + n * 1_000_000_000L + (s.startTimeUnixNano() - T0 - n * MINUTE))
                  .endTimeUnixNano(
                      T0 + n * 1_000_000_000L + (s.endTimeUnixNano() - T0 - n * MINUTE))
                  .build());
        }
      }
      write(storage, spans);
      // too many candidates: the spans answer, so the newest two are found even without their
      // index rows
      storage
          .readers()
          .run(
              c -> {
                try (Statement s = c.createStatement()) {
                  s.execute(
                      "DELETE FROM attribute_index WHERE first_ns >= "
                          + (T0 + (traces - 2) * 1_000_000_000L));
                }
                return null;
              });
      assertThat(search(storage, "ord-popular", 2))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(traces - 1, traces - 2));
    }
  }

  @Test
  void changedKeys_rebuildTheIndexFromStoredSpans_atOpen() throws Exception {
    try (DuckDbStorage storage = open(List.of())) {
      for (int n = 0; n < 5; n++) write(storage, trace(n, "ord-" + n));
      assertThat(indexRows(storage)).isZero();
      assertThat(search(storage, "ord-3", 5))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(3)); // from the spans
    }
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      assertThat(indexRows(storage)).isEqualTo(5);
      assertThat(search(storage, "ord-3", 5))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(3));
      write(storage, trace(7, "ord-3"));
      assertThat(search(storage, "ord-3", 5))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(7, 3));
    }
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      assertThat(indexRows(storage)).isEqualTo(6); // same keys: left as it is
    }
    try (DuckDbStorage storage = open(List.of())) {
      assertThat(indexRows(storage)).isZero();
      assertThat(search(storage, "ord-3", 5)).hasSize(2);
    }
  }

  @Test
  void retention_dropsTheRowsOfDeletedSpans() throws Exception {
    try (DuckDbStorage storage = open(List.of("order.id"))) {
      for (int n = 0; n < 10; n++) write(storage, trace(n, "ord-x"));
      storage.deleteBefore(T0 + 5 * MINUTE);
      assertThat(indexRows(storage)).isEqualTo(5);
      assertThat(search(storage, "ord-x", 20))
          .extracting(TraceSummary::traceId)
          .containsExactlyElementsOf(ids(9, 8, 7, 6, 5));
    }
  }
}
