package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service_edges} with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} switched between
 * opens: a directory whose edges were not maintained (written before the table existed, or with the
 * flag off) gets the edges of its stored spans once, at the first open with the flag on.
 */
class ServiceEdgesUpgradeTest {
  private static final long T0 = TestObjects.NOW_NANOS - TimeUnit.MINUTES.toNanos(30);

  private static Span span(long trace, long id, long parent, String service, SpanKind kind) {
    return TestObjects.span(
            TestObjects.TENANT,
            TestObjects.traceId(trace),
            TestObjects.spanId(id),
            parent == 0 ? "" : TestObjects.spanId(parent),
            service,
            service + "." + kind,
            T0 + TestObjects.SECOND,
            5 * TestObjects.MILLI)
        .toBuilder()
        .kind(kind)
        .build();
  }

  private static List<Span> trace(long trace) {
    return List.of(
        span(trace, 1, 0, "frontend", SpanKind.CLIENT),
        span(trace, 2, 1, "order", SpanKind.SERVER),
        span(trace, 3, 2, "order", SpanKind.PRODUCER),
        span(trace, 4, 3, "shipping", SpanKind.CONSUMER));
  }

  private static void write(DuckDbStorage storage, List<Span> spans) throws Exception {
    storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
  }

  private static List<Long> calls(DuckDbStorage storage) {
    return storage
        .spanMetricsReader()
        .orElseThrow()
        .serviceEdges(TestObjects.TENANT, T0, T0 + TimeUnit.MINUTES.toNanos(1))
        .stream()
        .map(ServiceEdge::calls)
        .toList();
  }

  private static DuckDbStorage open(Path dir, boolean edgesAtIngest) {
    return edgesAtIngest
        ? DuckDbStorageTest.open(dir)
        : DuckDbStorageTest.openWithoutEdgesAtIngest(dir);
  }

  /** Rows of {@code service_edges} and whether the "maintained" key is set, storage closed. */
  private static long storedEdgeRows(Path dir, boolean expectKey) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM service_edges), (SELECT count(*) FROM sightline_meta"
                    + " WHERE key = '"
                    + ServiceEdges.SERVICE_EDGES_SINCE
                    + "')")) {
      rs.next();
      assertThat(rs.getLong(2)).isEqualTo(expectKey ? 1 : 0);
      return rs.getLong(1);
    }
  }

  @Test
  void oldDataDirectory_edgesDerivedFromStoredSpansOnceAtOpen(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = open(dir, true)) {
      write(storage, trace(77));
      assertThat(calls(storage)).containsExactly(1L, 1L);
    }
    // as a directory written before the table existed
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE service_edges");
      s.execute(
          "DELETE FROM sightline_meta WHERE key = '" + ServiceEdges.SERVICE_EDGES_SINCE + "'");
    }

    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(1L, 1L);
    }
    // derived once: a further open adds nothing
    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(1L, 1L);
    }
    assertThat(storedEdgeRows(dir, true)).isPositive();
  }

  @Test
  void flagOff_derivesNothing_flagOnLater_backfillsOnce(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = open(dir, false)) {
      write(storage, trace(80));
      assertThat(calls(storage)).containsExactly(1L, 1L);
    }
    assertThat(storedEdgeRows(dir, false)).isZero();

    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(1L, 1L);
      write(storage, trace(81));
      assertThat(calls(storage)).containsExactly(2L, 2L);
    }
    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(2L, 2L);
    }
  }

  @Test
  void flagOnOffOn_spansStoredWhileOff_areDerivedAgain_neverTwice(@TempDir Path dir)
      throws Exception {
    List<Span> halfStoredWhileOn = trace(90);
    try (DuckDbStorage storage = open(dir, true)) {
      write(storage, trace(91));
      write(storage, halfStoredWhileOn.subList(0, 3)); // up to the producer
      assertThat(calls(storage)).containsExactly(2L, 1L);
    }
    try (DuckDbStorage storage = open(dir, false)) {
      // the consumer, whose producer was stored while on: the query-time join finds it
      write(storage, halfStoredWhileOn.subList(3, 4));
      write(storage, trace(92));
      assertThat(calls(storage)).containsExactly(3L, 3L);
    }
    assertThat(storedEdgeRows(dir, false)).isZero();

    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(3L, 3L);
      write(storage, trace(93));
      assertThat(calls(storage)).containsExactly(4L, 4L);
    }
    try (DuckDbStorage storage = open(dir, true)) {
      assertThat(calls(storage)).containsExactly(4L, 4L);
    }
  }
}
