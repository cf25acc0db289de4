package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory written before {@code service_edges} existed gets its edges at open. */
class ServiceEdgesUpgradeTest {
  private static final long T0 = TestObjects.NOW_NANOS - TimeUnit.MINUTES.toNanos(30);

  private static Span span(long id, long parent, String service, SpanKind kind, long ms) {
    return TestObjects.span(
            TestObjects.TENANT,
            TestObjects.traceId(77),
            TestObjects.spanId(id),
            parent == 0 ? "" : TestObjects.spanId(parent),
            service,
            service + "." + kind,
            T0 + TestObjects.SECOND,
            ms * TestObjects.MILLI)
        .toBuilder()
        .kind(kind)
        .build();
  }

  private static List<ServiceEdge> edges(DuckDbStorage storage) {
    return storage
        .spanMetricsReader()
        .serviceEdges(TestObjects.TENANT, T0, T0 + TimeUnit.MINUTES.toNanos(1));
  }

  @Test
  void oldDataDirectory_edgesDerivedFromStoredSpansOnceAtOpen(@TempDir Path dir) throws Exception {
    List<Span> trace =
        List.of(
            span(1, 0, "frontend", SpanKind.CLIENT, 50),
            span(2, 1, "order", SpanKind.SERVER, 40),
            span(3, 2, "order", SpanKind.PRODUCER, 1),
            span(4, 3, "shipping", SpanKind.CONSUMER, 5));
    List<ServiceEdge> expected;
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);
      expected = edges(storage);
    }
    assertThat(expected).extracting(ServiceEdge::calls).containsExactly(1L, 1L);
    // as a directory written before the table existed
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE service_edges");
    }

    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(edges(storage)).isEqualTo(expected);
    }
    // derived once: a further open adds nothing
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(edges(storage)).isEqualTo(expected);
    }
  }
}
