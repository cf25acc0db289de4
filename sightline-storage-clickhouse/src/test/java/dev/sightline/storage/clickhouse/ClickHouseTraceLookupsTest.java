package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lookup tables ({@code spans_by_trace}, {@code attr_index}): trace by id and trace search
 * answer exactly what the scans of {@code spans} answer ({@code scanReads(true)}) on the same data,
 * including attributes only on the resource, a span attribute overriding its resource's, values of
 * 20,000 bytes, hostile keys and values, several filters, and the candidate batches of a frequent
 * value; a version-1 store is migrated and back-filled, a version-2 store migrated; and the switch
 * {@code traceLookups(false)} drops the tables, turning it on again back-fills them.
 */
class ClickHouseTraceLookupsTest {
  static ClickHouseServer server;

  /** 23:50 UTC: the generated traces cross midnight, so two day partitions. */
  static final long START = Instant.parse("2026-01-01T23:50:00Z").toEpochMilli() * 1_000_000L;

  static final String HOSTILE = "q' \" \\ \\' \n\r\t\u0000\u0001 é 中文 🚀 end";
  static final String LONG = "🚀".repeat(5_000) + "x"; // 20,001 UTF-8 bytes

  @BeforeAll
  static void startServer() {
    server = ClickHouseServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  /** A storage keeping the lookup tables, reading through them or (false) by the scans. */
  static ClickHouseStorage open(String database, boolean lookups) {
    return ClickHouseStorage.builder()
        .url(server.url())
        .database(database)
        .scanReads(!lookups)
        .build();
  }

  /** A storage not keeping the lookup tables (dropping them if the store has them). */
  static ClickHouseStorage openWithoutLookups(String database) {
    return ClickHouseStorage.builder()
        .url(server.url())
        .database(database)
        .traceLookups(false)
        .build();
  }

  /** 600 generated traces, 2 s apart, and three crafted ones (see {@link #crafted}). */
  static List<List<Span>> traces() {
    TelemetryGenerator generator =
        TelemetryGenerator.builder()
            .startTimeUnixNano(START)
            .traceInterval(Duration.ofSeconds(2))
            .spansPerTrace(8)
            .errorRate(0.1)
            .build();
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 600; i++) traces.add(generator.nextTrace());
    traces.addAll(crafted(traces.get(100), traces.get(200), traces.get(300)));
    return traces;
  }

  /**
   * Copies of three generated traces (new trace ids): every span's resource gets {@code
   * host.name=resource-host}, the first span of the first also {@code host.name=span-host} of its
   * own (which wins for it); the second carries a 20,000-byte value; the third hostile strings as
   * key and value.
   */
  static List<List<Span>> crafted(List<Span> a, List<Span> b, List<Span> c) {
    List<List<Span>> out = new ArrayList<>();
    out.add(
        rewrite(
            a,
            "aa00000000000000000000000000000a",
            (i, s) ->
                i == 0
                    ? Attributes.builder()
                        .putAll(s.attributes())
                        .put("host.name", "span-host")
                        .build()
                    : s.attributes()));
    out.add(
        rewrite(
            b,
            "bb00000000000000000000000000000b",
            (i, s) -> Attributes.builder().putAll(s.attributes()).put("blob", LONG).build()));
    out.add(
        rewrite(
            c,
            "cc00000000000000000000000000000c",
            (i, s) ->
                i == 1
                    ? Attributes.builder().putAll(s.attributes()).put(HOSTILE, HOSTILE).build()
                    : s.attributes()));
    return out;
  }

  interface AttributeChange {
    Attributes apply(int index, Span span);
  }

  static List<Span> rewrite(List<Span> trace, String traceId, AttributeChange change) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < trace.size(); i++) {
      Span s = trace.get(i);
      out.add(
          s.toBuilder()
              .traceId(traceId)
              .attributes(change.apply(i, s))
              .resource(
                  new Resource(
                      Attributes.builder()
                          .putAll(s.resource().attributes())
                          .put("host.name", "resource-host")
                          .build(),
                      s.resource().droppedAttributesCount(),
                      s.resource().schemaUrl()))
              .build());
    }
    return out;
  }

  static void write(ClickHouseStorage storage, List<List<Span>> traces) throws Exception {
    for (int i = 0; i < traces.size(); i += 50) {
      List<Span> batch = new ArrayList<>();
      for (List<Span> t : traces.subList(i, Math.min(traces.size(), i + 50))) batch.addAll(t);
      storage.writer().writeSpans(batch).get(60, TimeUnit.SECONDS);
    }
  }

  static TraceQuery query(Map<String, String> attributes, int limit) {
    return query(attributes, null, false, START - 60_000_000_000L, Long.MAX_VALUE, limit);
  }

  static TraceQuery query(
      Map<String, String> attributes,
      String service,
      boolean errorsOnly,
      long start,
      long end,
      int limit) {
    return new TraceQuery(
        dev.sightline.testing.TestObjects.TENANT,
        service,
        null,
        null,
        null,
        errorsOnly,
        attributes,
        start,
        end,
        limit);
  }

  /** Searches that cover the cases; each compared between both read paths. */
  static List<TraceQuery> searches(List<List<Span>> traces) {
    Span anyDb = null;
    for (List<Span> t : traces) {
      for (Span s : t) if (anyDb == null && s.attributes().get("db.system") != null) anyDb = s;
    }
    String route = traces.get(7).get(0).attributes().get("http.route").asString();
    long mid = START + Duration.ofMinutes(10).toNanos(); // midnight
    List<TraceQuery> qs = new ArrayList<>();
    for (int limit : List.of(1, 5, 20, 1_000)) {
      qs.add(query(Map.of("http.request.method", "GET"), limit)); // frequent
      qs.add(query(Map.of("http.route", route), limit));
      qs.add(query(Map.of("service.name", "payment"), limit)); // resource only
    }
    qs.add(query(Map.of("db.system", "postgresql", "server.port", "5432"), 10)); // one span
    qs.add(query(Map.of("db.system", "postgresql", "http.route", route), 10)); // never one span
    qs.add(query(Map.of("host.name", "resource-host"), 10));
    qs.add(query(Map.of("host.name", "span-host"), 10));
    qs.add(query(Map.of("blob", LONG), 10));
    qs.add(query(Map.of("blob", LONG.substring(1)), 10));
    qs.add(query(Map.of(HOSTILE, HOSTILE), 10));
    qs.add(query(Map.of("http.request.method", "nope"), 10));
    qs.add(query(Map.of("http.request.method", "GET"), "frontend", false, START, mid, 7));
    qs.add(query(Map.of("http.request.method", "GET"), null, true, mid, Long.MAX_VALUE, 7));
    qs.add(query(Map.of("service.name", "payment"), null, false, mid - 60_000_000_000L, mid, 3));
    qs.add(query(Map.of("http.request.method", "GET"), null, false, mid, mid, 3)); // empty range
    qs.add(query(Map.of(), "frontend", false, START, Long.MAX_VALUE, 10)); // no attribute
    if (anyDb != null) {
      long t = anyDb.startTimeUnixNano();
      qs.add(query(Map.of("db.system", "postgresql"), null, false, t, t + 1, 10)); // one instant
    }
    return qs;
  }

  @Test
  void lookups_answerExactlyAsTheScans() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    try (ClickHouseStorage indexed = open(database, true);
        ClickHouseStorage scanned = open(database, false)) {
      write(indexed, traces);
      for (TraceQuery q : searches(traces)) {
        List<TraceSummary> expected = scanned.traceReader().searchTraces(q);
        assertThat(indexed.traceReader().searchTraces(q)).as(q.toString()).isEqualTo(expected);
      }
      for (List<Span> t : traces) {
        String id = t.get(0).traceId();
        List<Span> expected = scanned.traceReader().getTrace(t.get(0).tenant(), id);
        assertThat(expected).containsExactlyInAnyOrderElementsOf(t);
        assertThat(indexed.traceReader().getTrace(t.get(0).tenant(), id)).isEqualTo(expected);
      }
      // the cases are not vacuous
      String tenant = traces.get(0).get(0).tenant();
      assertThat(ids(indexed, query(Map.of("http.request.method", "GET"), 1_000)))
          .hasSizeGreaterThan(100);
      assertThat(ids(indexed, query(Map.of("host.name", "span-host"), 10)))
          .containsExactly("aa00000000000000000000000000000a");
      assertThat(ids(indexed, query(Map.of("blob", LONG), 10)))
          .containsExactly("bb00000000000000000000000000000b");
      assertThat(ids(indexed, query(Map.of(HOSTILE, HOSTILE), 10)))
          .containsExactly("cc00000000000000000000000000000c");
      assertThat(ids(indexed, query(Map.of("host.name", "resource-host"), 10))).hasSize(3);
      assertThat(indexed.traceReader().getTrace(tenant, "dd00000000000000000000000000000d"))
          .isEmpty();
    }
  }

  /**
   * Searches without an attribute filter ({@link NewestFirstRanking}): the latest traces of a
   * service, errors, both, over ranges ending inside the data (slices cut by their candidate limit)
   * and open ranges (slices widened from now back to the data), with limits from 1 to beyond the
   * traces — against the scan of the whole range. A long trace whose late span matches but whose
   * start is early must not rank by its span.
   */
  @Test
  void newestFirst_answersExactlyAsTheScan() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = new ArrayList<>(traces());
    // a long trace: starts 100 s in, one more frontend span 15 minutes later
    List<Span> base = traces.get(50);
    List<Span> longTrace =
        new ArrayList<>(
            rewrite(base, "ee00000000000000000000000000000e", (i, sp) -> sp.attributes()));
    Span late =
        longTrace.stream().filter(sp -> sp.serviceName().equals("frontend")).findFirst().get();
    long shift = Duration.ofMinutes(15).toNanos();
    longTrace.add(
        late.toBuilder()
            .spanId("ee0000000000000e")
            .parentSpanId(late.spanId())
            .startTimeUnixNano(late.startTimeUnixNano() + shift)
            .endTimeUnixNano(late.endTimeUnixNano() + shift)
            .build());
    traces.add(longTrace);
    // service "batch": one span in the long trace, 15 minutes after its start, and one in four
    // traces starting 3, 6, 9 and 12 minutes in
    longTrace.add(batch(late, "ee0000000000000f", shift));
    for (int i : new int[] {90, 180, 270, 360}) {
      List<Span> t = new ArrayList<>(traces.get(i));
      t.add(batch(t.get(0), "ba" + String.format("%014x", i), 0));
      traces.set(i, t);
    }
    try (ClickHouseStorage indexed = open(database, true);
        ClickHouseStorage scanned = open(database, false)) {
      write(indexed, traces);
      long[] ends = {
        START + Duration.ofMinutes(7).toNanos(),
        START + Duration.ofMinutes(16).toNanos(),
        START + Duration.ofMinutes(19).toNanos() + 1,
        Long.MAX_VALUE
      };
      List<TraceQuery> qs = new ArrayList<>();
      for (long end : ends) {
        for (int limit : List.of(1, 3, 20, 100, 1_000)) {
          qs.add(query(Map.of(), "frontend", false, START - 60_000_000_000L, end, limit));
          qs.add(query(Map.of(), null, true, START, end, limit));
          qs.add(query(Map.of(), "payment", true, START + 1, end, limit));
          qs.add(query(Map.of(), "nobody", false, START, end, limit));
        }
      }
      for (int limit : List.of(1, 2, 3, 5)) {
        qs.add(
            query(
                Map.of(), "batch", false, START, START + Duration.ofMinutes(17).toNanos(), limit));
      }
      qs.add(query(Map.of(), "frontend", false, START + 1, START + 2, 5)); // inside one trace
      qs.add(query(Map.of(), "frontend", false, START, START, 5)); // empty range
      int nonEmpty = 0;
      int ranked = 0;
      NewestFirstRanking newestFirst =
          new NewestFirstRanking(
              ClickHouseHttp.create(
                  java.net.URI.create(server.url()), database, null, null, Duration.ofSeconds(30)));
      for (TraceQuery q : qs) {
        List<TraceSummary> expected = scanned.traceReader().searchTraces(q);
        if (!expected.isEmpty()) nonEmpty++;
        assertThat(indexed.traceReader().searchTraces(q)).as(q.toString()).isEqualTo(expected);
        // and the newest-first path itself answered (not the scan behind it), where it applies
        if (q.limit() <= NewestFirstRanking.MAX_LIMIT && q.endUnixNano() != Long.MAX_VALUE) {
          long slack = ClickHouseTraceReader.TRACE_WINDOW_SLACK_NANOS;
          List<String> ids =
              newestFirst.rank(
                  q,
                  ClickHouseTraceReader.criteria(q),
                  Days.bound(Days.saturatedAdd(q.startUnixNano(), -slack)),
                  Days.saturatedAdd(q.endUnixNano(), slack));
          assertThat(ids).as(q.toString()).isNotNull();
          assertThat(ids)
              .as(q.toString())
              .containsExactlyElementsOf(expected.stream().map(TraceSummary::traceId).toList());
          ranked++;
        }
      }
      assertThat(ranked).isEqualTo(54);
      assertThat(nonEmpty).isEqualTo(64); // all but "nobody" and the two narrow ones
      // the long trace is found by its late span but ranks by its early start
      List<String> latest =
          indexed
              .traceReader()
              .searchTraces(query(Map.of(), "frontend", false, START, ends[1], 1_000))
              .stream()
              .map(TraceSummary::traceId)
              .toList();
      assertThat(latest).contains("ee00000000000000000000000000000e");
      assertThat(latest.subList(0, 20)).doesNotContain("ee00000000000000000000000000000e");
      // found in the newest slice by its late span, the long trace still ranks last of five
      List<TraceSummary> batch =
          indexed
              .traceReader()
              .searchTraces(
                  query(
                      Map.of(),
                      "batch",
                      false,
                      START,
                      START + Duration.ofMinutes(17).toNanos(),
                      5));
      assertThat(batch).hasSize(5);
      assertThat(batch.get(4).traceId()).isEqualTo("ee00000000000000000000000000000e");
    }
  }

  /** A copy of {@code s} in service "batch", as a child of it, {@code shift} later. */
  static Span batch(Span s, String spanId, long shift) {
    return s.toBuilder()
        .spanId(spanId)
        .parentSpanId(s.spanId())
        .startTimeUnixNano(s.startTimeUnixNano() + shift)
        .endTimeUnixNano(s.endTimeUnixNano() + shift)
        .resource(
            new Resource(
                Attributes.builder()
                    .putAll(s.resource().attributes())
                    .put("service.name", "batch")
                    .build(),
                0,
                s.resource().schemaUrl()))
        .build();
  }

  /**
   * With few candidates allowed, a frequent value's ranking is settled within them when the limit
   * is small, and falls back to the scan when it is not: the answers stay the scan's.
   */
  @Test
  void tooManyCandidates_fallBackToTheScan_sameAnswers() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    try (ClickHouseStorage capped =
            ClickHouseStorage.builder()
                .url(server.url())
                .database(database)
                .maxIndexCandidates(60)
                .build();
        ClickHouseStorage scanned = open(database, false)) {
      write(capped, traces);
      for (TraceQuery q : searches(traces)) {
        assertThat(capped.traceReader().searchTraces(q))
            .as(q.toString())
            .isEqualTo(scanned.traceReader().searchTraces(q));
      }
      assertThat(ids(capped, query(Map.of("http.request.method", "GET"), 1_000)))
          .hasSizeGreaterThan(100); // more than the 60 candidates allowed: the scan answered
    }
  }

  /**
   * The ranking stops only when no unchecked candidate can rank before the last one found: 60 long
   * traces (their root at {@link #START}, their matching span ~20 minutes later, so their index
   * bounds are the highest) fill the first batches, yet the answer is a short trace starting later
   * whose bound comes after all of theirs.
   */
  @Test
  void longTraces_doNotHideALaterStartingTrace() throws Exception {
    List<List<Span>> generated = traces();
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      List<Span> t = generated.get(540 + i);
      List<Span> copy =
          rewrite(
              t,
              String.format("ee%030x", i),
              (j, s) ->
                  j == t.size() - 1
                      ? Attributes.builder().putAll(s.attributes()).put("probe", "p").build()
                      : s.attributes());
      copy.set(0, copy.get(0).toBuilder().startTimeUnixNano(START).build());
      traces.add(copy);
    }
    String later = "ff00000000000000000000000000000f";
    traces.add(
        rewrite(
            generated.get(300),
            later,
            (j, s) ->
                j == 0
                    ? Attributes.builder().putAll(s.attributes()).put("probe", "p").build()
                    : s.attributes()));
    String database = server.newDatabase();
    try (ClickHouseStorage indexed = open(database, true);
        ClickHouseStorage scanned = open(database, false)) {
      write(indexed, traces);
      for (int limit : List.of(1, 2, 61, 100)) {
        TraceQuery q = query(Map.of("probe", "p"), limit);
        assertThat(indexed.traceReader().searchTraces(q))
            .as(q.toString())
            .isEqualTo(scanned.traceReader().searchTraces(q));
      }
      assertThat(ids(indexed, query(Map.of("probe", "p"), 1))).containsExactly(later);
    }
  }

  static Set<String> ids(ClickHouseStorage storage, TraceQuery q) {
    Set<String> out = new LinkedHashSet<>();
    for (TraceSummary s : storage.traceReader().searchTraces(q)) out.add(s.traceId());
    return out;
  }

  @Test
  void versionOneStore_isMigrated_andBackfilled() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    try (ClickHouseStorage storage = open(database, false)) {
      write(storage, traces);
    }
    // make it a version-1 store: no lookup tables, version 1 recorded
    for (String t :
        List.of(
            "spans_by_trace_mv",
            "attr_index_in_mv",
            "spans_by_trace",
            "attr_index",
            "attr_index_in",
            "trace_lookups")) {
      server.execute("DROP TABLE " + database + "." + t);
    }
    recordVersion(database, 1);

    try (ClickHouseStorage indexed = open(database, true);
        ClickHouseStorage scanned = open(database, false)) {
      assertThat(count(database, "spans_by_trace")).isEqualTo(count(database, "spans"));
      assertThat(count(database, "attr_index")).isPositive();
      assertThat(
              server.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
          .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
      for (TraceQuery q : searches(traces)) {
        assertThat(indexed.traceReader().searchTraces(q))
            .as(q.toString())
            .isEqualTo(scanned.traceReader().searchTraces(q));
      }
      List<Span> t = traces.get(601);
      assertThat(indexed.traceReader().getTrace(t.get(0).tenant(), t.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(t);
    }
    // opened again: no second back-fill
    open(database, true).close();
    assertThat(count(database, "spans_by_trace")).isEqualTo(count(database, "spans"));
  }

  /** Makes {@code schema_migrations} say {@code version} only. */
  static void recordVersion(String database, int version) {
    server.execute("DROP TABLE " + database + ".schema_migrations");
    server.execute(
        "CREATE TABLE "
            + database
            + ".schema_migrations (version UInt32, applied_at DateTime, server_version String)"
            + " ENGINE = MergeTree ORDER BY version");
    server.execute(
        "INSERT INTO "
            + database
            + ".schema_migrations VALUES ("
            + version
            + ", now(), '18.16.1')");
  }

  static List<String> tables(String database) {
    return List.of(
        server
            .execute(
                "SELECT name FROM system.tables WHERE database = '"
                    + database
                    + "' ORDER BY name FORMAT TSV")
            .strip()
            .split("\n"));
  }

  static void assertSameAnswers(
      ClickHouseStorage indexed, ClickHouseStorage scanned, List<List<Span>> traces) {
    for (TraceQuery q : searches(traces)) {
      assertThat(indexed.traceReader().searchTraces(q))
          .as(q.toString())
          .isEqualTo(scanned.traceReader().searchTraces(q));
    }
    for (List<Span> t : traces) {
      assertThat(indexed.traceReader().getTrace(t.get(0).tenant(), t.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(t);
    }
  }

  /**
   * A version-2 store (attr_index kept by the ARRAY JOIN views on spans): the migration drops those
   * views and creates the writer's input table; the index already held its spans, so no back-fill.
   */
  @Test
  void versionTwoStore_isMigrated_withoutBackfill() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    List<List<Span>> before = traces.subList(0, 300);
    List<List<Span>> after = traces.subList(300, traces.size());
    try (ClickHouseStorage storage = open(database, true)) {
      write(storage, before);
    }
    // version 2's objects: the views on spans feeding attr_index, no input table, version 2
    for (String t : List.of("attr_index_in_mv", "attr_index_in", "trace_lookups")) {
      server.execute("DROP TABLE " + database + "." + t);
    }
    for (String prefix : List.of("attr", "res")) {
      server.execute(
          "CREATE MATERIALIZED VIEW "
              + database
              + ".attr_index_"
              + (prefix.equals("attr") ? "span" : "res")
              + "_mv TO "
              + database
              + ".attr_index AS "
              + TraceLookups.indexSelect(database + ".spans", prefix, ""));
    }
    recordVersion(database, 2);
    long indexRows = count(database, "attr_index");

    try (ClickHouseStorage indexed = open(database, true);
        ClickHouseStorage scanned = open(database, false)) {
      assertThat(tables(database))
          .doesNotContain("attr_index_span_mv", "attr_index_res_mv")
          .contains("attr_index_in", "attr_index_in_mv", "trace_lookups");
      assertThat(count(database, "attr_index")).isEqualTo(indexRows); // no back-fill
      write(indexed, after);
      assertSameAnswers(indexed, scanned, traces);
    }
    assertThat(
            server.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
        .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
  }

  /**
   * The switch: a store kept with the lookup tables, opened without them, drops them (nothing stale
   * is left to read) and reads by the scans; opened with them again, they are created and
   * back-filled, spans written meanwhile included. Several servers opening at once, either way.
   */
  @Test
  void lookupsTurnedOff_dropTheTables_turnedOnAgain_backfill() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    try (ClickHouseStorage storage = open(database, true)) {
      write(storage, traces.subList(0, 200));
    }
    List<String> lookupTables =
        List.of(
            "attr_index",
            "attr_index_in",
            "attr_index_in_mv",
            "spans_by_trace",
            "spans_by_trace_mv");

    List<CompletableFuture<ClickHouseStorage>> opening = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      opening.add(CompletableFuture.supplyAsync(() -> openWithoutLookups(database)));
    }
    List<ClickHouseStorage> without = new ArrayList<>();
    for (CompletableFuture<ClickHouseStorage> f : opening)
      without.add(f.get(120, TimeUnit.SECONDS));
    try {
      assertThat(tables(database))
          .doesNotContainAnyElementsOf(lookupTables)
          .contains("trace_lookups");
      write(without.get(0), traces.subList(200, 400));
      without.get(1).deleteBefore(START - 86_400_000_000_000L); // retention skips the absent tables
      List<Span> t = traces.get(300);
      assertThat(without.get(1).traceReader().getTrace(t.get(0).tenant(), t.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(t);
      assertThat(ids(without.get(2), query(Map.of("host.name", "span-host"), 10))).isEmpty();
    } finally {
      for (ClickHouseStorage s : without) s.close();
    }

    opening.clear();
    for (int i = 0; i < 3; i++) {
      opening.add(CompletableFuture.supplyAsync(() -> open(database, true)));
    }
    List<ClickHouseStorage> with = new ArrayList<>();
    for (CompletableFuture<ClickHouseStorage> f : opening) with.add(f.get(120, TimeUnit.SECONDS));
    try (ClickHouseStorage scanned = open(database, false)) {
      assertThat(tables(database)).containsAll(lookupTables);
      // back-filled (by each of the three: duplicates, which the readers tolerate)
      assertThat(count(database, "spans_by_trace"))
          .isGreaterThanOrEqualTo(count(database, "spans"));
      write(with.get(0), traces.subList(400, traces.size()));
      for (ClickHouseStorage indexed : with) assertSameAnswers(indexed, scanned, traces);
      assertThat(ids(with.get(1), query(Map.of("host.name", "span-host"), 10)))
          .containsExactly("aa00000000000000000000000000000a");
    } finally {
      for (ClickHouseStorage s : with) s.close();
    }
    // opened again with them: recorded as kept, no second back-fill
    long rows = count(database, "spans_by_trace");
    open(database, true).close();
    assertThat(count(database, "spans_by_trace")).isEqualTo(rows);
  }

  static ClickHouseStorage openIndexing(String database, List<String> keys) {
    return ClickHouseStorage.builder()
        .url(server.url())
        .database(database)
        .indexedAttributes(keys)
        .build();
  }

  /** The same setting, reading by the scans (a storage with another setting would change it). */
  static ClickHouseStorage openScanning(String database, List<String> keys) {
    return ClickHouseStorage.builder()
        .url(server.url())
        .database(database)
        .indexedAttributes(keys)
        .scanReads(true)
        .build();
  }

  /**
   * An index of some keys only: searches by them use it, searches by others scan, all answer as the
   * scans; a changed set of keys rebuilds the index from the stored spans at start.
   */
  @Test
  void someKeysIndexed_sameAnswers_aChangedSetIsRebuilt() throws Exception {
    String database = server.newDatabase();
    List<List<Span>> traces = traces();
    try (ClickHouseStorage indexed = openIndexing(database, List.of("host.name", "blob"));
        ClickHouseStorage scanned = openScanning(database, List.of("host.name", "blob"))) {
      write(indexed, traces.subList(0, 300));
      write(indexed, traces.subList(300, traces.size()));
      assertThat(
              server
                  .execute("SELECT DISTINCT key FROM " + database + ".attr_index ORDER BY key")
                  .strip()
                  .split("\n"))
          .containsExactly("blob", "host.name");
      assertSameAnswers(indexed, scanned, traces);
    }
    String route = traces.get(7).get(0).attributes().get("http.route").asString();
    try (ClickHouseStorage indexed = openIndexing(database, List.of("http.route", HOSTILE));
        ClickHouseStorage scanned = openScanning(database, List.of("http.route", HOSTILE))) {
      // rebuilt: the new keys only, for every stored span
      assertThat(
              server
                  .execute(
                      "SELECT uniqExact(key), countIf(key = 'http.route') > 0, countIf(key ="
                          + " 'blob') FROM "
                          + database
                          + ".attr_index")
                  .strip())
          .isEqualTo("2\t1\t0");
      assertSameAnswers(indexed, scanned, traces);
      assertThat(ids(indexed, query(Map.of("http.route", route), 1_000))).isNotEmpty();
    }
  }

  static long count(String database, String table) {
    return Long.parseLong(server.execute("SELECT count() FROM " + database + "." + table).strip());
  }
}
