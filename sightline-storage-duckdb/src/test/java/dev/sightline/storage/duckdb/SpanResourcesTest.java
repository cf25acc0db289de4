package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans hold their resource and scope by id ({@link SpanResources}): each stored once, durable with
 * the first spans that reference it, read back unchanged whichever way a span stored it, and a
 * store of the layout before (version 1) migrated at open.
 */
class SpanResourcesTest {
  @TempDir Path dir;

  private static final long FROM = TestObjects.NOW_NANOS - TimeUnit.HOURS.toNanos(3);

  /** TestObjects.TRACE again under another trace id (same resources and scope). */
  private static List<Span> copyOfTrace(long n) {
    List<Span> out = new ArrayList<>();
    for (Span s : TestObjects.TRACE) out.add(s.toBuilder().traceId(TestObjects.traceId(n)).build());
    return out;
  }

  private List<Span> trace(DuckDbStorage storage, String traceId) {
    return storage.traceReader().getTrace(TestObjects.TENANT, traceId);
  }

  @Test
  void eachResourceStoredOnce_andEverySpanReadsItBack() throws Exception {
    List<Span> expected;
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      for (Span s : TestObjects.TRACE) {
        storage.writer().writeSpans(List.of(s)).get(30, TimeUnit.SECONDS);
      }
      storage.writer().writeSpans(copyOfTrace(7)).get(30, TimeUnit.SECONDS);
      expected = trace(storage, TestObjects.TRACE_ID);
      assertThat(expected)
          .containsExactlyInAnyOrderElementsOf(TestObjects.sortedAsTrace(TestObjects.TRACE));
      assertThat(trace(storage, TestObjects.traceId(7)))
          .extracting(Span::resource)
          .containsExactlyElementsOf(expected.stream().map(Span::resource).toList());
    }
    long distinct = TestObjects.TRACE.stream().map(Span::resource).distinct().count();
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM span_resources")).isEqualTo(distinct);
    // the span rows carry the id, not the columns
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM spans WHERE resource_attributes <> ''"))
        .isZero();
    assertThat(StoreSql.count(dir, "SELECT count(DISTINCT resource_id) FROM spans"))
        .isEqualTo(distinct);
  }

  @Test
  void aFailedCommit_leavesItsResourcesUnknown_soTheNextWriteStoresThem() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      GroupCommitWriter writer = storage.groupCommitWriter();
      writer.beforeCommit =
          rows -> {
            throw new IllegalStateException("refused by the test");
          };
      assertThatThrownBy(
              () -> storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS))
          .hasRootCauseMessage("refused by the test");
      writer.beforeCommit = null;
      assertThat(trace(storage, TestObjects.TRACE_ID)).isEmpty();

      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
      assertThat(trace(storage, TestObjects.TRACE_ID))
          .containsExactlyInAnyOrderElementsOf(TestObjects.sortedAsTrace(TestObjects.TRACE));
    }
  }

  @Test
  void aResourceWrittenTwice_doesNotDuplicateSpans() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
    }
    // as when the writer forgot an id (its set is bounded) or two groups raced
    StoreSql.execute(dir, "INSERT INTO span_resources SELECT * FROM span_resources");
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertThat(trace(storage, TestObjects.TRACE_ID))
          .containsExactlyInAnyOrderElementsOf(TestObjects.sortedAsTrace(TestObjects.TRACE));
      // nor counts: a search comparing a resource attribute, service versions
      assertThat(
              storage
                  .traceReader()
                  .searchTraces(
                      new TraceQuery(
                          TestObjects.TENANT,
                          null,
                          null,
                          null,
                          null,
                          false,
                          Map.of("service.namespace", "shop"),
                          FROM,
                          TestObjects.NOW_NANOS,
                          10)))
          .singleElement()
          .satisfies(t -> assertThat(t.spanCount()).isEqualTo(TestObjects.TRACE.size()));
      long versionSpans =
          storage
              .serviceVersionReader()
              .orElseThrow()
              .serviceVersions(TestObjects.TENANT, FROM, TestObjects.NOW_NANOS)
              .stream()
              .mapToLong(ServiceVersion::spans)
              .sum();
      // an SLI's span count filtered on a resource attribute
      long orderSpans =
          TestObjects.TRACE.stream()
              .filter(sp -> sp.resource().serviceName().equals("order"))
              .count();
      assertThat(
              storage
                  .spanCountReader()
                  .orElseThrow()
                  .countSpans(
                      new dev.sightline.core.storage.SpanCountQuery(
                          TestObjects.TENANT,
                          "order",
                          null,
                          Map.of("service.namespace", "shop"),
                          null,
                          FROM,
                          TestObjects.NOW_NANOS,
                          0)))
          .singleElement()
          .satisfies(p -> assertThat(p.spans()).isEqualTo(orderSpans));
      assertThat(versionSpans).isEqualTo(TestObjects.TRACE.size());
    }
  }

  @Test
  void aNewerStore_isRefusedBeforeAnythingIsChanged() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
    }
    StoreSql.execute(
        dir,
        "DROP VIEW spans_resolved",
        "UPDATE sightline_meta SET value = '"
            + (Schema.VERSION + 1)
            + "' WHERE key = 'schema_version'");
    assertThatThrownBy(() -> DuckDbStorageTest.open(dir).close())
        .hasMessageContaining("schema version " + (Schema.VERSION + 1));
    assertThat(
            StoreSql.count(
                dir, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'spans_resolved'"))
        .isZero();
  }

  @Test
  void aVersionOneStore_isMigratedAtOpen_andOldAndNewRowsReadAlike() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
    }
    // back to the layout of version 1: resource columns on every row, no id, no table
    StoreSql.execute(
        dir,
        "UPDATE spans SET resource_attributes = r.attributes,"
            + " resource_attribute_types = r.attribute_types,"
            + " resource_attributes_nested = r.attributes_nested,"
            + " resource_dropped_attributes = r.dropped_attributes,"
            + " resource_schema_url = r.schema_url, scope = r.scope FROM span_resources r"
            + " WHERE r.tenant = spans.tenant AND r.resource_id = spans.resource_id",
        "DROP VIEW spans_resolved",
        "DROP INDEX spans_trace_id",
        "ALTER TABLE spans DROP COLUMN ingest_seq",
        "ALTER TABLE spans DROP COLUMN resource_id",
        "DELETE FROM sightline_meta WHERE key = 'derived_through_seq'",
        "CREATE INDEX spans_trace_id ON spans (trace_id)",
        "DROP TABLE span_resources",
        "UPDATE sightline_meta SET value = '1' WHERE key = 'schema_version'");
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM spans WHERE resource_attributes = ''"))
        .isZero();

    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      // old rows as they were
      assertThat(trace(storage, TestObjects.TRACE_ID))
          .containsExactlyInAnyOrderElementsOf(TestObjects.sortedAsTrace(TestObjects.TRACE));
      // new rows beside them, with the same resources
      storage.writer().writeSpans(copyOfTrace(9)).get(30, TimeUnit.SECONDS);
      List<Span> copy = trace(storage, TestObjects.traceId(9));
      assertThat(copy).hasSize(TestObjects.TRACE.size());
      assertThat(copy.stream().map(Span::resource).distinct().toList())
          .containsExactlyInAnyOrderElementsOf(
              TestObjects.TRACE.stream().map(Span::resource).distinct().toList());

      // a filter on a resource attribute finds both, old row and new
      List<TraceSummary> found =
          storage
              .traceReader()
              .searchTraces(
                  new TraceQuery(
                      TestObjects.TENANT,
                      "payment",
                      null,
                      null,
                      null,
                      false,
                      Map.of("host.name", "payment-7d9f8-abc12"),
                      FROM,
                      TestObjects.NOW_NANOS,
                      10));
      assertThat(found)
          .extracting(TraceSummary::traceId)
          .containsExactlyInAnyOrder(TestObjects.TRACE_ID, TestObjects.traceId(9));

      // versions counted over both kinds of rows
      List<ServiceVersion> versions =
          storage
              .serviceVersionReader()
              .orElseThrow()
              .serviceVersions(TestObjects.TENANT, FROM, TestObjects.NOW_NANOS);
      assertThat(versions)
          .filteredOn(v -> v.service().equals("order"))
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.version()).isEqualTo("2.0.1");
                assertThat(v.spans())
                    .isEqualTo(
                        2
                            * TestObjects.TRACE.stream()
                                .filter(s -> s.resource().serviceName().equals("order"))
                                .count());
              });
    }
    assertThat(
            StoreSql.count(
                dir,
                "SELECT count(*) FROM sightline_meta WHERE key = 'schema_version'"
                    + " AND value = '"
                    + Schema.VERSION
                    + "'"))
        .isEqualTo(1);
    assertThat(StoreSql.count(dir, "SELECT count(*) FROM spans WHERE resource_id IS NULL"))
        .isEqualTo(TestObjects.TRACE.size());
  }
}
