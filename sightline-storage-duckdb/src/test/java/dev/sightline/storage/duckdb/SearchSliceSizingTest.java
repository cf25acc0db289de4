package dev.sightline.storage.duckdb;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trace search cuts its slices by the spans they hold (from the span blocks' counts) as well as by
 * time: {@link SpanBlockIndex#newestSpansFrom} finds where a tenant's newest spans begin, and
 * searches over a store holding thousands of spans a second answer exactly what slices by time
 * alone answer, whatever the filters, windows and limits.
 */
class SearchSliceSizingTest {
  private static final long MINUTE = 60 * SECOND;

  @TempDir Path dir;

  private final Random random = new Random(5);

  @Test
  void newestSpansFrom_findsWhereTheNewestSpansBegin_fromTheBlocksCounts() throws Exception {
    long t0 = NOW_NANOS - 10 * MINUTE;
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      // one span a millisecond for 10 s in one commit: blocks of 2,048 spans, each spread evenly
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        spans.add(span(TestObjects.traceId(1 + i), "0000000000000001", t0 + i * MILLI, "a", null));
      }
      Collections.shuffle(spans, random);
      storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
    }
    try (Connection c = open()) {
      long end = t0 + 10 * SECOND;
      // spans t0 + 7,000 ms … t0 + 9,999 ms are the newest 3,000
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, t0, end, 3_000))
          .isBetween(t0 + 6_995 * MILLI, t0 + 7_005 * MILLI);
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, t0, end, 100))
          .isBetween(t0 + 9_895 * MILLI, t0 + 9_905 * MILLI);
      // within a narrower range: the newest 1,000 before t0 + 5 s
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, t0, t0 + 5 * SECOND, 1_000))
          .isBetween(t0 + 3_995 * MILLI, t0 + 4_005 * MILLI);
      // fewer spans than asked, another tenant, an empty range: the range's start
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, t0, end, 10_001)).isEqualTo(t0);
      assertThat(SpanBlockIndex.newestSpansFrom(c, "other", t0, end, 10)).isEqualTo(t0);
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, end, end + MINUTE, 10)).isEqualTo(end);
    }
  }

  @Test
  void slicesCutBySpans_answerAsSlicesCutByTime() throws Exception {
    // 3,000 traces within 30 s (about 500 spans a second) after 400 spread over the 3 hours
    // before, shuffled into commits of 1–150 spans, some spans written last
    long dense = NOW_NANOS - 20 * MINUTE;
    List<Span> all = new ArrayList<>();
    for (int n = 0; n < 400; n++) {
      all.addAll(trace(n, dense - 180 * MINUTE + random.nextLong(180 * MINUTE)));
    }
    for (int n = 400; n < 3_400; n++) all.addAll(trace(n, dense + random.nextLong(30 * SECOND)));
    Collections.shuffle(all, random);
    int checked = 0;
    int nonEmpty = 0;
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      LateBatches.write(storage, all, random, 150, 40);

      DuckDbTraceReader reader = (DuckDbTraceReader) storage.traceReader();
      long[][] windows = {
        {NOW_NANOS - 24 * 60 * MINUTE, NOW_NANOS},
        {dense + 10 * SECOND, dense + 20 * SECOND},
        {dense - 90 * MINUTE, dense + 5 * SECOND},
      };
      for (TraceQuery q : queries()) {
        for (long[] w : windows) {
          for (int limit : new int[] {3, 20, 1_000}) {
            TraceQuery query =
                new TraceQuery(
                    q.tenant(),
                    q.service(),
                    q.operation(),
                    q.minDurationNanos(),
                    q.maxDurationNanos(),
                    q.errorsOnly(),
                    q.attributes(),
                    w[0],
                    w[1],
                    limit);
            List<TraceSummary> byTime = search(reader, query, 0);
            // a small bound, so that most slices of the dense store are cut by their spans
            assertThat(search(reader, query, 64)).as("%s", query).isEqualTo(byTime);
            assertThat(search(reader, query, 1_500)).as("%s", query).isEqualTo(byTime);
            checked++;
            if (!byTime.isEmpty()) nonEmpty++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(queries().size() * 9);
    assertThat(nonEmpty).isGreaterThan(checked * 2 / 3);
    try (Connection c = open()) {
      // the store is dense enough for the bound to cut slices: 64 of its ~15,000 spans in 30 s
      assertThat(SpanBlockIndex.newestSpansFrom(c, TENANT, dense, dense + MINUTE, 64))
          .isGreaterThan(dense + 25 * SECOND);
    }
  }

  private static List<TraceSummary> search(DuckDbTraceReader reader, TraceQuery q, long bound) {
    reader.search().sliceSpans = bound;
    try {
      return reader.searchTraces(q);
    } finally {
      reader.search().sliceSpans = TraceSearch.FIRST_SLICE_SPANS;
    }
  }

  /**
   * Without a filter, by service, operation, duration, errors, frequent, rare and absent values.
   */
  private static List<TraceQuery> queries() {
    List<TraceQuery> out = new ArrayList<>();
    out.add(query(null, null, null, false, Map.of()));
    out.add(query("cart", null, null, false, Map.of()));
    out.add(query("cart", "op1", null, false, Map.of()));
    out.add(query("payment", null, 200 * MILLI, false, Map.of()));
    out.add(query(null, null, null, true, Map.of()));
    out.add(query("cart", null, null, true, Map.of()));
    out.add(query(null, null, null, false, Map.of("tenant.id", "t3")));
    out.add(query("payment", null, null, false, Map.of("tenant.id", "t1")));
    out.add(query(null, null, null, false, Map.of("app.order.id", "ord-17")));
    out.add(query(null, null, null, false, Map.of("app.order.id", "ord-17", "tenant.id", "t2")));
    out.add(query(null, null, null, false, Map.of("cloud.region", "eu")));
    out.add(query(null, null, null, false, Map.of("app.order.id", "no-such-order")));
    return out;
  }

  private static TraceQuery query(
      @Nullable String service,
      @Nullable String operation,
      @Nullable Long minDuration,
      boolean errors,
      Map<String, String> attributes) {
    return new TraceQuery(
        TENANT, service, operation, minDuration, null, errors, attributes, 0, 1, 20);
  }

  private static final String[] SERVICES = {"frontend", "cart", "payment", "email"};

  /**
   * A trace of 2–8 spans from {@code start}: a tenant on every span (8 values), an order id on some
   * (rare: 2,000 values), errors on some.
   */
  private List<Span> trace(int n, long start) {
    String traceId = TestObjects.traceId(50_000 + n);
    String tenant = "t" + random.nextInt(8);
    List<Span> spans = new ArrayList<>();
    int size = 2 + random.nextInt(7);
    for (int i = 0; i < size; i++) {
      Attributes.Builder a = Attributes.builder().put("tenant.id", tenant);
      if (random.nextInt(3) == 0) a.put("app.order.id", "ord-" + random.nextInt(2_000));
      Span s =
          span(
              traceId,
              String.format("%08x%08x", n, i + 1),
              start + i * 3 * MILLI,
              SERVICES[i == 0 ? 0 : 1 + random.nextInt(SERVICES.length - 1)],
              a.build());
      spans.add(
          s.toBuilder()
              .parentSpanId(i == 0 ? "" : String.format("%08x%08x", n, 1))
              .name("op" + random.nextInt(3))
              .endTimeUnixNano(s.startTimeUnixNano() + (1 + random.nextInt(400)) * MILLI)
              .status(random.nextInt(12) == 0 ? StatusCode.ERROR : StatusCode.OK, "")
              .build());
    }
    return spans;
  }

  private static Span span(
      String traceId, String spanId, long start, String service, @Nullable Attributes attributes) {
    return Span.builder()
        .tenant(TENANT)
        .traceId(traceId)
        .spanId(spanId)
        .name("op")
        .startTimeUnixNano(start)
        .endTimeUnixNano(start + MILLI)
        .attributes(attributes == null ? Attributes.empty() : attributes)
        .resource(
            new Resource(
                Attributes.builder()
                    .put(Resource.SERVICE_NAME, service)
                    .put("cloud.region", service.length() % 2 == 0 ? "eu" : "us")
                    .build(),
                0,
                ""))
        .build();
  }

  private Connection open() throws Exception {
    return DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
  }
}
