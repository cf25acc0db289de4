package dev.sightline.storage.duckdb;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The span block index ({@code span_blocks}): trace search with attribute filters on keys outside
 * the attribute index answers exactly what reading every slice whole answers (the search with the
 * index switched off), for rare, frequent and absent values, keys on the span and on the resource
 * (the span's value winning), several filters, spans written out of order, in separate batches and
 * late; the index is really read (blocks removed from it are not searched); false positives and
 * blocks without a filter are harmless; it is built at open for an older directory and trimmed by
 * retention.
 */
class SpanBlockIndexTest {
  private static final long MINUTE = 60 * SECOND;
  private static final long T0 = NOW_NANOS - 180 * MINUTE;

  @TempDir Path dir;

  private final Random random = new Random(11);
  private final Map<String, Integer> valueCounts = new HashMap<>();

  private static final Resource[] RESOURCES = {
    resource("frontend", "eu"), resource("order", "eu"), resource("order", "us"),
  };

  private static Resource resource(String service, String region) {
    return new Resource(
        Attributes.builder()
            .put(Resource.SERVICE_NAME, service)
            .put("cloud.region", region)
            .put("process.pid", 4242L)
            .build(),
        0,
        "");
  }

  /** A trace of 2–6 spans around {@code start} with rare, frequent and typed attributes. */
  private List<Span> trace(int n, long start) {
    String traceId = TestObjects.traceId(90_000 + n);
    List<Span> spans = new ArrayList<>();
    int size = 2 + random.nextInt(5);
    String root = "";
    for (int i = 0; i < size; i++) {
      String spanId = String.format("%08x%08x", n, i + 1);
      Attributes.Builder a = Attributes.builder();
      if (random.nextInt(3) == 0) a.put("app.order.id", "ord-" + random.nextInt(400));
      a.put("tier", "t" + random.nextInt(3)); // frequent
      if (random.nextInt(5) == 0) a.put("cloud.region", "span-side"); // wins over the resource's
      if (random.nextInt(4) == 0) a.put("http.status_code", random.nextBoolean() ? 200L : 503L);
      if (random.nextInt(6) == 0) a.put("cache.hit", random.nextBoolean());
      Attributes attributes = a.build();
      attributes
          .asMap()
          .forEach((k, v) -> valueCounts.merge(k + "=" + v.asString(), 1, Integer::sum));
      spans.add(
          Span.builder()
              .tenant(TENANT)
              .traceId(traceId)
              .spanId(spanId)
              .parentSpanId(root)
              .name("op" + random.nextInt(4))
              .startTimeUnixNano(start + i * 7 * MILLI)
              .endTimeUnixNano(start + i * 7 * MILLI + (1 + random.nextInt(300)) * MILLI)
              .attributes(attributes)
              .resource(RESOURCES[random.nextInt(RESOURCES.length)])
              .build());
      if (i == 0) root = spanId;
    }
    return spans;
  }

  /**
   * {@code traces} traces spread over 3 hours, shuffled and written in batches of 1–120 spans (so
   * spans of a trace land in different commits), with some spans held back and written last (late
   * spans, whose blocks reach far back in time).
   */
  private void write(DuckDbStorage storage, int traces) throws Exception {
    List<Span> all = new ArrayList<>();
    for (int n = 0; n < traces; n++) all.addAll(trace(n, T0 + random.nextLong(180 * MINUTE)));
    Collections.shuffle(all, random);
    LateBatches.write(storage, all, random, 120, 50);
  }

  private static List<TraceSummary> search(
      DuckDbStorage storage,
      boolean index,
      Map<String, String> attrs,
      long from,
      long to,
      int limit) {
    DuckDbTraceReader reader = (DuckDbTraceReader) storage.traceReader();
    reader.search().useSpanBlocks = index;
    try {
      return reader.searchTraces(
          new TraceQuery(TENANT, null, null, null, null, false, attrs, from, to, limit));
    } finally {
      reader.search().useSpanBlocks = true;
    }
  }

  /**
   * The filters checked: rare, frequent and absent values; span and resource keys; typed values.
   */
  private List<Map<String, String>> filters() {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < 16; i++) out.add(Map.of("app.order.id", "ord-" + random.nextInt(420)));
    out.add(Map.of("app.order.id", "no-such-order"));
    out.add(Map.of("tier", "t1"));
    out.add(Map.of("tier", "t1", "app.order.id", "ord-" + random.nextInt(400)));
    out.add(Map.of("cloud.region", "us"));
    out.add(Map.of("cloud.region", "eu"));
    out.add(Map.of("cloud.region", "span-side"));
    out.add(Map.of("service.name", "order"));
    out.add(Map.of("process.pid", "4242"));
    out.add(Map.of("http.status_code", "503"));
    out.add(Map.of("cache.hit", "true"));
    out.add(Map.of("no.such.key", "x"));
    return out;
  }

  /** Every filter, over several windows and limits, answers as the search without the index. */
  private int assertAsTheScan(DuckDbStorage storage) {
    long[][] windows = {
      {T0 - MINUTE, NOW_NANOS}, {T0 + 30 * MINUTE, T0 + 95 * MINUTE}, {T0, T0 + 4 * MINUTE}
    };
    int nonEmpty = 0;
    for (Map<String, String> f : filters()) {
      for (long[] w : windows) {
        for (int limit : new int[] {4, 1_000}) {
          List<TraceSummary> expected = search(storage, false, f, w[0], w[1], limit);
          assertThat(search(storage, true, f, w[0], w[1], limit))
              .as("%s in [%d, %d) limit %d", f, w[0], w[1], limit)
              .isEqualTo(expected);
          if (!expected.isEmpty()) nonEmpty++;
        }
      }
    }
    return nonEmpty;
  }

  private long[] blocks() throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(DISTINCT block), coalesce(min(max_ns), 0) FROM span_blocks")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  @Test
  void search_withTheIndex_answersAsTheScan() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 1_500);
      // the checks can fail: most filters find traces, rare values are rare
      assertThat(assertAsTheScan(storage)).isGreaterThan(100);
      assertThat(valueCounts.get("app.order.id=ord-7")).isBetween(1, 40);
    }
    assertThat(blocks()[0]).isGreaterThan(10);
  }

  @Test
  void blocksMissingFromTheIndex_areNotSearched_falsePositivesAndUnfilteredBlocksAreHarmless()
      throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 300);
      assertThat(search(storage, true, Map.of("tier", "t2"), T0, NOW_NANOS, 5)).hasSize(5);
    }
    StoreSql.execute(dir, "DELETE FROM span_blocks");
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      // no block: the index says no span holds it (the scan still finds it)
      assertThat(search(storage, true, Map.of("tier", "t2"), T0, NOW_NANOS, 5)).isEmpty();
      assertThat(search(storage, false, Map.of("tier", "t2"), T0, NOW_NANOS, 5)).hasSize(5);
    }
    // a filter of all ones (holds every key) over the first half, a block without a filter over
    // the second: the rows they let through go through the same filters
    byte[] ones = new byte[64];
    java.util.Arrays.fill(ones, (byte) -1);
    StringBuilder hex = new StringBuilder();
    for (byte b : ones) hex.append(String.format("%02x", b));
    long mid = T0 + 90 * MINUTE;
    StoreSql.execute(
        dir,
        "INSERT INTO span_blocks VALUES ('"
            + TENANT
            + "', 1, "
            + T0
            + ", "
            + mid
            + ", 1, "
            + KeyBlocks.slot(1, 0)
            + ", from_hex('"
            + hex
            + "'))",
        "INSERT INTO span_blocks VALUES ('"
            + TENANT
            + "', 2, "
            + mid
            + ", "
            + NOW_NANOS
            + ", 1, "
            + KeyBlocks.UNINDEXED
            + ", ''::BLOB)");
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertThat(assertAsTheScan(storage)).isGreaterThan(20);
    }
  }

  @Test
  void frequentValue_inMoreRangesThanTheThreshold_readsTheSliceWhole_sameAnswer() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      // 300 commits a few minutes... apart in time: 300 blocks, each holding the value
      for (int n = 0; n < 300; n++) {
        storage
            .writer()
            .writeSpans(
                List.of(
                    TestObjects.span(
                            TENANT,
                            TestObjects.traceId(70_000 + n),
                            String.format("c%015x", n),
                            "",
                            "frontend",
                            "GET /",
                            T0 + n * 2 * SECOND * 17,
                            MILLI)
                        .toBuilder()
                        .attributes(Attributes.ofStrings("app.flag", "on"))
                        .build()))
            .get(30, TimeUnit.SECONDS);
      }
      long[] keys = {SpanAttributeKeys.hash("app.flag", "on")};
      List<long[]> whole =
          storage
              .readers()
              .run(c -> SpanBlockIndex.candidateRanges(c, TENANT, T0, NOW_NANOS, keys));
      assertThat(whole == null).as("more ranges than the threshold").isTrue();
      List<long[]> first =
          storage
              .readers()
              .run(c -> SpanBlockIndex.candidateRanges(c, TENANT, T0, T0 + 10 * MINUTE, keys));
      assertThat(first == null ? -1 : first.size()).isBetween(1, SpanBlockIndex.MAX_RANGES);
      for (int limit : new int[] {5, 100, 1_000}) {
        List<TraceSummary> expected =
            search(storage, false, Map.of("app.flag", "on"), T0, NOW_NANOS, limit);
        assertThat(expected).hasSize(Math.min(limit, 300));
        assertThat(search(storage, true, Map.of("app.flag", "on"), T0, NOW_NANOS, limit))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aSpanTooManyPairsToIndex_makesItsBlockAlwaysRead() throws Exception {
    Attributes.Builder many = Attributes.builder();
    for (int i = 0; i < SpanAttributeKeys.MAX_PAIRS + 5; i++) many.put("k" + i, "v" + i);
    many.put("app.order.id", "ord-many");
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      storage
          .writer()
          .writeSpans(
              List.of(
                  TestObjects.span(
                          TENANT,
                          TestObjects.traceId(1),
                          "d000000000000001",
                          "",
                          "a",
                          "x",
                          T0,
                          MILLI)
                      .toBuilder()
                      .attributes(many.build())
                      .build()))
          .get(30, TimeUnit.SECONDS);
      assertThat(search(storage, true, Map.of("app.order.id", "ord-many"), T0, NOW_NANOS, 5))
          .hasSize(1);
      assertThat(search(storage, true, Map.of("k3", "v3"), T0, NOW_NANOS, 5)).hasSize(1);
    }
  }

  @Test
  void keys_theSpansValueWins_unsafeTextIsNotIndexed() {
    SpanAttributeKeys.ResourcePairs resource =
        SpanAttributeKeys.ResourcePairs.of(Attributes.ofStrings("region", "eu", "pid", "1"));
    long[] keys =
        SpanAttributeKeys.ofSpan(
            Attributes.of(
                new LinkedHashMap<>(
                    Map.of(
                        "region", new AnyValue.StringValue("us"), "n", new AnyValue.LongValue(7)))),
            resource);
    assertThat(keys)
        .containsExactlyInAnyOrder(
            SpanAttributeKeys.hash("region", "us"),
            SpanAttributeKeys.hash("n", "7"),
            SpanAttributeKeys.hash("pid", "1"));
    assertThat(SpanAttributeKeys.hash("ab", "c")).isNotEqualTo(SpanAttributeKeys.hash("a", "bc"));
    assertThat(SpanAttributeKeys.safe("plain, ünïcode and 😀")).isTrue();
    assertThat(SpanAttributeKeys.safe("nul\u0000")).isFalse();
    assertThat(SpanAttributeKeys.safe("lone \uD800 surrogate")).isFalse();
    assertThat(SpanAttributeKeys.ofSpan(Attributes.ofStrings("k", "a\uDC00"), resource)).isNull();
  }

  @Test
  void directoryWithoutTheIndex_getsItAtOpen_andRetentionTrimsIt() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, 800);
    }
    StoreSql.execute(
        dir,
        "DROP TABLE span_blocks",
        "DELETE FROM sightline_meta WHERE key = '" + SpanBlockIndex.SINCE_KEY + "'");
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertThat(assertAsTheScan(storage)).isGreaterThan(50);
      long cutoff = T0 + 60 * MINUTE;
      storage.deleteBefore(cutoff);
      assertThat(assertAsTheScan(storage)).isGreaterThan(30);
    }
    long[] blocks = blocks();
    assertThat(blocks[0]).isPositive();
    assertThat(blocks[1]).isGreaterThanOrEqualTo(T0 + 60 * MINUTE);
  }
}
