package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace_summaries} in a directory that does not have them complete (written before the table
 * existed, or whose derivation was interrupted): the first open derives them from the stored spans,
 * once, and search answers as if they had been maintained all along.
 */
class TraceSummariesUpgradeTest {
  @TempDir Path dir;

  private List<TraceSummary> search(DuckDbStorage storage) {
    return storage
        .traceReader()
        .searchTraces(
            new TraceQuery(
                TestObjects.TENANT,
                null,
                null,
                null,
                null,
                false,
                Map.of(),
                TestObjects.NOW_NANOS - TimeUnit.HOURS.toNanos(3),
                TestObjects.NOW_NANOS,
                10));
  }

  @Test
  void directoryWithoutTheTable_getsSummariesOfItsSpansAtOpen() throws Exception {
    List<TraceSummary> expected;
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(TestObjects.TRACE.subList(0, 2)).get(30, TimeUnit.SECONDS);
      storage.writer().writeSpans(TestObjects.TRACE.subList(1, 5)).get(30, TimeUnit.SECONDS);
      expected = search(storage);
    }
    assertThat(expected).singleElement().satisfies(t -> assertThat(t.spanCount()).isEqualTo(5));
    // as a directory written before the table existed
    StoreSql.execute(
        dir,
        "DROP TABLE trace_summaries",
        "DELETE FROM sightline_meta WHERE key = '" + TraceSummaries.SINCE_KEY + "'");

    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(search(storage)).isEqualTo(expected);
    }
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM trace_summaries"))
        .isEqualTo(1); // one part per trace from the spans
  }

  @Test
  void incompleteTable_withoutTheKey_isRebuiltNotAddedTo() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
    }
    // an interrupted derivation: rows without the key
    StoreSql.execute(
        dir, "DELETE FROM sightline_meta WHERE key = '" + TraceSummaries.SINCE_KEY + "'");

    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(search(storage))
          .singleElement()
          .satisfies(t -> assertThat(t.spanCount()).isEqualTo(TestObjects.TRACE.size()));
    }
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM trace_summaries")).isEqualTo(1);

    // and an open with the key present leaves the table alone
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(search(storage)).hasSize(1);
    }
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM trace_summaries")).isEqualTo(1);
  }
}
