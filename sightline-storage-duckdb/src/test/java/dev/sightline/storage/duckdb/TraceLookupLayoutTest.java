package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps trace by id cheap: the columns it fetches row by row are never run-length encoded
 * ({@link Schema#FETCHED_BY_ROW}), and its statement stays prepared on each reader connection
 * ({@link ReaderConnections#prepared}).
 */
class TraceLookupLayoutTest {
  @TempDir Path dir;

  private static final int TRACES = 4_000;

  /** TestObjects.TRACE under trace id {@code n}: five spans that share the id, stored together. */
  private static List<Span> trace(long n) {
    List<Span> out = new ArrayList<>();
    for (Span s : TestObjects.TRACE) out.add(s.toBuilder().traceId(TestObjects.traceId(n)).build());
    return out;
  }

  private static void fill(DuckDbStorage storage) throws Exception {
    for (int batch = 0; batch < TRACES / 200; batch++) {
      List<Span> spans = new ArrayList<>();
      for (int t = 0; t < 200; t++) spans.addAll(trace(batch * 200L + t));
      storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theColumnsFetchedByRow_areNeverRunLengthEncoded() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      fill(storage);
    } // closing checkpoints: the rows are now compressed segments
    List<String> compressions =
        StoreSql.rows(
            dir,
            "SELECT DISTINCT column_name || ':' || compression FROM pragma_storage_info('spans')"
                + " WHERE segment_type <> 'VALIDITY' AND column_name IN"
                + " ('trace_id', 'parent_span_id', 'status_code', 'resource_id') ORDER BY 1");
    assertThat(compressions)
        .as("the rows repeat their trace id, parent, status and resource in runs")
        .isNotEmpty()
        .noneMatch(c -> c.endsWith(":RLE"));
    // DuckDB does choose RLE for such runs where it is left to choose: the check above can fail
    assertThat(
            StoreSql.rows(
                dir,
                "SELECT DISTINCT compression FROM pragma_storage_info('spans')"
                    + " WHERE segment_type <> 'VALIDITY' AND column_name = 'ingest_seq'"))
        .contains("RLE");
  }

  @Test
  void lookupsFromSeveralThreads_reuseTheirPreparedStatements_andFindEveryTrace() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      fill(storage);
      List<Span> expected = TestObjects.sortedAsTrace(trace(17));
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> found = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
          int first = thread;
          found.add(
              threads.submit(
                  () -> {
                    int complete = 0;
                    for (int i = first; i < TRACES; i += 40) {
                      List<Span> got =
                          storage
                              .traceReader()
                              .getTrace(TestObjects.TENANT, TestObjects.traceId(i));
                      if (got.size() == TestObjects.TRACE.size()) complete++;
                      // another tenant's lookup of the same id, on the same statements
                      if (!storage
                          .traceReader()
                          .getTrace("other", TestObjects.traceId(i))
                          .isEmpty()) {
                        throw new AssertionError("another tenant saw trace " + i);
                      }
                    }
                    return complete;
                  }));
        }
        int complete = 0;
        for (Future<Integer> f : found) complete += f.get(60, TimeUnit.SECONDS);
        assertThat(complete).isEqualTo(TRACES / 40 * 4);
      } finally {
        threads.shutdownNow();
      }
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.traceId(17)))
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
