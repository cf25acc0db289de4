package dev.sightline.testing;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static dev.sightline.testing.TestObjects.TRACE;
import static dev.sightline.testing.TestObjects.TRACE_ID;
import static dev.sightline.testing.TestObjects.TRACE_START;
import static dev.sightline.testing.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceOperations.Operation;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Trace retrieval and search. Duration bounds are inclusive; the time range is [start, end) of span
 * start time; a summary describes the whole trace, including spans outside the time range.
 */
public abstract class ITTraceReader extends ITStorage {
  static final long MINUTE = Duration.ofMinutes(1).toNanos();

  /** A fast, error-free trace of frontend and cart, 20 minutes ago. */
  static final String CART_TRACE_ID = TestObjects.traceId(2);

  static final List<Span> CART_TRACE =
      List.of(
          span(
              TENANT,
              CART_TRACE_ID,
              "a000000000000001",
              "",
              "frontend",
              "GET /api/cart",
              NOW_NANOS - 20 * MINUTE,
              10 * MILLI),
          span(
                  TENANT,
                  CART_TRACE_ID,
                  "a000000000000002",
                  "a000000000000001",
                  "cart",
                  "Shop.CartService.GetCart",
                  NOW_NANOS - 20 * MINUTE + MILLI,
                  5 * MILLI)
              .toBuilder()
              .attributes(Attributes.builder().put("cart.size", 3L).build())
              .build());

  /** A trace whose root has not arrived, 5 minutes ago: order then payment. */
  static final String ROOTLESS_TRACE_ID = TestObjects.traceId(3);

  static final List<Span> ROOTLESS_TRACE =
      List.of(
          span(
                  TENANT,
                  ROOTLESS_TRACE_ID,
                  "b000000000000002",
                  "b0000000000000ff",
                  "order",
                  "Shop.OrderService.PlaceOrder",
                  NOW_NANOS - 5 * MINUTE,
                  100 * MILLI)
              .toBuilder()
              .resource(TestObjects.ORDER)
              .attributes(Attributes.builder().put("host.name", "override-host").build())
              .build(),
          span(
              TENANT,
              ROOTLESS_TRACE_ID,
              "b000000000000003",
              "b000000000000002",
              "payment",
              "Shop.PaymentService.Charge",
              NOW_NANOS - 5 * MINUTE + 20 * MILLI,
              50 * MILLI));

  /** A trace two hours old, outside the default search range. */
  static final String OLD_TRACE_ID = TestObjects.traceId(4);

  static final List<Span> OLD_TRACE =
      List.of(
          span(
              TENANT,
              OLD_TRACE_ID,
              "c000000000000001",
              "",
              "legacy",
              "GET /old",
              NOW_NANOS - 120 * MINUTE,
              30 * MILLI));

  static final TraceSummary TRACE_SUMMARY =
      new TraceSummary(
          TRACE_ID,
          "frontend",
          "GET /api/checkout",
          TRACE_START,
          250 * MILLI,
          5,
          4,
          TestObjects.TRACE_SERVICES);
  static final TraceSummary CART_SUMMARY =
      new TraceSummary(
          CART_TRACE_ID,
          "frontend",
          "GET /api/cart",
          NOW_NANOS - 20 * MINUTE,
          10 * MILLI,
          2,
          0,
          List.of("cart", "frontend"));
  static final TraceSummary ROOTLESS_SUMMARY =
      new TraceSummary(
          ROOTLESS_TRACE_ID,
          "order",
          "Shop.OrderService.PlaceOrder",
          NOW_NANOS - 5 * MINUTE,
          100 * MILLI,
          2,
          0,
          List.of("order", "payment"));

  /** Query builder defaulting to tenant {@link TestObjects#TENANT}, the last hour, limit 10. */
  protected static final class Q {
    String tenant = TENANT;
    @Nullable String service;
    @Nullable String operation;
    @Nullable Long minDuration;
    @Nullable Long maxDuration;
    boolean errorsOnly;
    final Map<String, String> attributes = new LinkedHashMap<>();
    long start = NOW_NANOS - 60 * MINUTE;
    long end = NOW_NANOS + MINUTE;
    int limit = 10;

    Q tenant(String v) {
      tenant = v;
      return this;
    }

    Q service(String v) {
      service = v;
      return this;
    }

    Q operation(String v) {
      operation = v;
      return this;
    }

    Q minDuration(long v) {
      minDuration = v;
      return this;
    }

    Q maxDuration(long v) {
      maxDuration = v;
      return this;
    }

    Q errorsOnly() {
      errorsOnly = true;
      return this;
    }

    Q attribute(String k, String v) {
      attributes.put(k, v);
      return this;
    }

    Q range(long s, long e) {
      start = s;
      end = e;
      return this;
    }

    Q limit(int v) {
      limit = v;
      return this;
    }

    TraceQuery build() {
      return new TraceQuery(
          tenant,
          service,
          operation,
          minDuration,
          maxDuration,
          errorsOnly,
          attributes,
          start,
          end,
          limit);
    }
  }

  static Q q() {
    return new Q();
  }

  List<TraceSummary> search(Q q) {
    return storage().traceReader().searchTraces(q.build());
  }

  List<String> searchIds(Q q) {
    return search(q).stream().map(TraceSummary::traceId).toList();
  }

  void acceptAll() {
    accept(TRACE);
    accept(CART_TRACE);
    accept(ROOTLESS_TRACE);
    accept(OLD_TRACE);
  }

  /** Asserts equality field by field first, for a readable difference, then as values. */
  static void assertSameSpans(List<Span> actual, List<Span> expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSameValue(actual.get(i), expected.get(i), "span " + i);
    }
  }

  @Test
  void getTrace_roundTripsEveryField() {
    accept(TRACE);

    assertSameSpans(storage().traceReader().getTrace(TENANT, TRACE_ID), TRACE);
  }

  @Test
  void getTrace_collectsSpansFromSeveralBatches_inStartOrder() {
    List<Span> reversed = new ArrayList<>(TRACE);
    Collections.reverse(reversed);
    accept(reversed.subList(0, 2));
    accept(reversed.subList(2, 5));

    assertSameSpans(storage().traceReader().getTrace(TENANT, TRACE_ID), TRACE);
  }

  @Test
  void getTrace_sameStartTime_ordersBySpanIdAsHex() {
    long start = NOW_NANOS - MINUTE;
    String traceId = TestObjects.traceId(77);
    List<Span> spans =
        List.of(
            span(TENANT, traceId, "f000000000000001", "", "frontend", "root", start, MILLI),
            span(
                TENANT,
                traceId,
                "8000000000000000",
                "f000000000000001",
                "frontend",
                "b",
                start,
                MILLI),
            span(
                TENANT,
                traceId,
                "0000000000000002",
                "f000000000000001",
                "frontend",
                "a",
                start,
                MILLI),
            span(
                TENANT,
                traceId,
                "0000000000000001",
                "f000000000000001",
                "frontend",
                "early",
                start - 1,
                MILLI));
    accept(spans);

    assertThat(storage().traceReader().getTrace(TENANT, traceId))
        .extracting(Span::spanId)
        .containsExactly(
            "0000000000000001", "0000000000000002", "8000000000000000", "f000000000000001");
  }

  @Test
  void getTrace_unknownTrace_isEmpty() {
    accept(TRACE);

    assertThat(storage().traceReader().getTrace(TENANT, TestObjects.traceId(999))).isEmpty();
    assertThat(storage().traceReader().getTrace("other-tenant", TRACE_ID)).isEmpty();
  }

  @Test
  void getTrace_isolatesTenants() {
    List<Span> inA = TestObjects.withTenant(TRACE, "a");
    List<Span> inB =
        TestObjects.withTenant(TRACE.subList(0, 2), "b").stream()
            .map(s -> s.toBuilder().name("b-" + s.name()).build())
            .toList();
    accept(inA);
    accept(inB);

    assertSameSpans(storage().traceReader().getTrace("a", TRACE_ID), inA);
    assertSameSpans(storage().traceReader().getTrace("b", TRACE_ID), inB);
    assertThat(storage().traceReader().getTrace(TENANT, TRACE_ID)).isEmpty();
  }

  @Test
  void search_all_newestFirst_withSummaries() {
    acceptAll();

    assertThat(search(q())).containsExactly(ROOTLESS_SUMMARY, TRACE_SUMMARY, CART_SUMMARY);
  }

  @Test
  void search_limit_keepsNewest() {
    acceptAll();

    assertThat(searchIds(q().limit(2))).containsExactly(ROOTLESS_TRACE_ID, TRACE_ID);
    assertThat(searchIds(q().limit(1))).containsExactly(ROOTLESS_TRACE_ID);
  }

  @Test
  void search_ordersByTraceStart_notByMatchingSpan() {
    // Trace A starts first but its matching span comes later than trace B's start.
    long t = NOW_NANOS - 30 * MINUTE;
    String a = TestObjects.traceId(501);
    String b = TestObjects.traceId(502);
    accept(
        List.of(
            span(TENANT, a, "c000000000000001", "", "frontend", "GET /a", t, 300 * MILLI),
            span(
                TENANT,
                a,
                "c000000000000002",
                "c000000000000001",
                "db",
                "Query",
                t + 200 * MILLI,
                MILLI),
            span(
                TENANT,
                b,
                "d000000000000001",
                "",
                "frontend",
                "GET /b",
                t + 100 * MILLI,
                300 * MILLI),
            span(
                TENANT,
                b,
                "d000000000000002",
                "d000000000000001",
                "db",
                "Query",
                t + 110 * MILLI,
                MILLI)));

    Q query = q().service("db").range(t - MINUTE, t + MINUTE);
    assertThat(searchIds(query)).containsExactly(b, a);
    assertThat(searchIds(query.limit(1))).containsExactly(b);
  }

  @Test
  void search_limitOverManyTraces_whoseMatchingSpansComeLate_isStillNewestByTraceStart() {
    // 300 traces, one a second; in every other one the matching span ("db") starts 1000 s after
    // the trace: ranked by their matching span those come first, by trace start they do not. A
    // backend that ranks a bounded set of candidates must widen it until the answer is exact.
    long t = NOW_NANOS - 50 * MINUTE;
    long second = 1_000_000_000L;
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String trace = TestObjects.traceId(10_000 + i);
      String root = String.format("a%015x", i);
      long start = t + i * second;
      long late = i % 2 == 0 ? 1000 * second : 500 * MILLI;
      spans.add(span(TENANT, trace, root, "", "frontend", "GET /" + i, start, 2 * MILLI));
      spans.add(
          span(
              TENANT, trace, String.format("b%015x", i), root, "db", "Query", start + late, MILLI));
    }
    accept(spans);

    Q query = q().service("db").range(t, t + 2 * 3600 * second).limit(5);
    assertThat(searchIds(query))
        .containsExactly(
            TestObjects.traceId(10_299),
            TestObjects.traceId(10_298),
            TestObjects.traceId(10_297),
            TestObjects.traceId(10_296),
            TestObjects.traceId(10_295));
    assertThat(search(query.limit(300))).hasSize(300);
    assertThat(search(query.limit(1000))).hasSize(300);
  }

  @Test
  void search_manyMatchingSpansPerTrace_stillFindsLimitTraces() {
    // 40 traces a second apart, each with 60 matching spans: a backend that ranks a bounded number
    // of matching spans sees only a few traces among them and must widen until it has `limit`.
    long t = NOW_NANOS - 30 * MINUTE;
    long second = 1_000_000_000L;
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String trace = TestObjects.traceId(20_000 + i);
      String root = String.format("c%015x", i);
      long start = t + i * second;
      spans.add(span(TENANT, trace, root, "", "frontend", "GET /batch", start, 900 * MILLI));
      for (int j = 0; j < 60; j++) {
        spans.add(
            span(
                TENANT,
                trace,
                String.format("d%07x%08x", i, j),
                root,
                "db",
                "Query",
                start + (j + 1) * 10 * MILLI,
                MILLI));
      }
    }
    accept(spans);

    Q query = q().service("db").range(t, t + MINUTE).limit(5);
    assertThat(search(query))
        .extracting(TraceSummary::traceId)
        .containsExactly(
            TestObjects.traceId(20_039),
            TestObjects.traceId(20_038),
            TestObjects.traceId(20_037),
            TestObjects.traceId(20_036),
            TestObjects.traceId(20_035));
    assertThat(search(query)).allSatisfy(s -> assertThat(s.spanCount()).isEqualTo(61));
    assertThat(search(query.limit(40))).hasSize(40);
  }

  @Test
  void spanStoredTwice_isReturnedAndCountedOnce() {
    accept(TRACE);
    accept(TRACE.subList(0, 2));

    assertSameSpans(storage().traceReader().getTrace(TENANT, TRACE_ID), TRACE);
    assertThat(search(q().service(TRACE.get(0).serviceName())))
        .filteredOn(t -> t.traceId().equals(TRACE_ID))
        .singleElement()
        .satisfies(t -> assertThat(t.spanCount()).isEqualTo(TRACE.size()));
  }

  @Test
  void search_byService() {
    acceptAll();

    assertThat(search(q().service("payment"))).containsExactly(ROOTLESS_SUMMARY, TRACE_SUMMARY);
    assertThat(search(q().service("cart"))).containsExactly(CART_SUMMARY);
    assertThat(search(q().service("unknown"))).isEmpty();
  }

  @Test
  void search_byOperation() {
    acceptAll();

    assertThat(searchIds(q().operation("Shop.OrderService.PlaceOrder")))
        .containsExactly(ROOTLESS_TRACE_ID, TRACE_ID);
    assertThat(searchIds(q().operation("GET /api/cart"))).containsExactly(CART_TRACE_ID);
    // service and operation must match the same span
    assertThat(searchIds(q().service("frontend").operation("Shop.OrderService.PlaceOrder")))
        .isEmpty();
    assertThat(searchIds(q().service("frontend").operation("Shop.OrderService/PlaceOrder")))
        .containsExactly(TRACE_ID);
  }

  @Test
  void search_byDuration_boundsInclusive() {
    acceptAll();

    assertThat(searchIds(q().minDuration(250 * MILLI))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().minDuration(250 * MILLI + 1))).isEmpty();
    assertThat(searchIds(q().minDuration(100 * MILLI)))
        .containsExactly(ROOTLESS_TRACE_ID, TRACE_ID);
    assertThat(searchIds(q().maxDuration(10 * MILLI))).containsExactly(CART_TRACE_ID);
    assertThat(searchIds(q().maxDuration(5 * MILLI - 1))).isEmpty();
    assertThat(searchIds(q().minDuration(40 * MILLI).maxDuration(60 * MILLI)))
        .containsExactly(ROOTLESS_TRACE_ID);
    // the duration criterion applies to the span matching the service
    assertThat(searchIds(q().service("cart").minDuration(6 * MILLI))).isEmpty();
  }

  @Test
  void search_errorsOnly() {
    acceptAll();

    assertThat(search(q().errorsOnly())).containsExactly(TRACE_SUMMARY);
    assertThat(searchIds(q().errorsOnly().service("order"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().errorsOnly().service("cart"))).isEmpty();
    // PAYMENT_CLIENT (order) is UNSET while ORDER_SERVER (order) is ERROR: same-span matching
    assertThat(searchIds(q().errorsOnly().operation("Shop.PaymentService/Charge"))).isEmpty();
  }

  @Test
  void search_bySpanAttribute_comparesTextForm() {
    acceptAll();

    assertThat(searchIds(q().attribute("order.id", "ord-1001"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("payment.retries", "2"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("payment.approved", "false"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("order.total", "99.95"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("http.response.status_code", "500")))
        .containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("cart.size", "3"))).containsExactly(CART_TRACE_ID);
    assertThat(searchIds(q().attribute("string", TestObjects.ALL_VALUE_KINDS.getString("string"))))
        .containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("key with spaces/and \"quotes\"~", "odd key")))
        .containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("order.id", "ord-1002"))).isEmpty();
    assertThat(searchIds(q().attribute("order.id", "ORD-1001"))).isEmpty();
    assertThat(searchIds(q().attribute("no.such.key", "ord-1001"))).isEmpty();
  }

  @Test
  void search_byAttribute_everyValueKindByItsTextForm() {
    acceptAll();

    // (empty text forms are left out: whether an empty criterion filters is not specified)
    TestObjects.ALL_VALUE_KINDS.asMap().entrySet().stream()
        .filter(e -> !e.getValue().asString().isEmpty())
        .forEach(
            e ->
                assertThat(searchIds(q().attribute(e.getKey(), e.getValue().asString())))
                    .as("%s=%s", e.getKey(), e.getValue().asString())
                    .containsExactly(TRACE_ID));
  }

  @Test
  void search_byAttribute_allMustMatchOneSpan() {
    acceptAll();

    assertThat(searchIds(q().attribute("rpc.system", "grpc").attribute("order.id", "ord-1001")))
        .containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("payment.method", "card").attribute("order.id", "ord-1001")))
        .isEmpty();
    assertThat(searchIds(q().service("frontend").attribute("payment.method", "card"))).isEmpty();
    assertThat(searchIds(q().service("payment").attribute("payment.method", "card")))
        .containsExactly(TRACE_ID);
  }

  @Test
  void search_byResourceAttribute() {
    acceptAll();

    assertThat(searchIds(q().attribute("service.version", "1.4.2"))).containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("process.pid", "4242")))
        .containsExactly(ROOTLESS_TRACE_ID, TRACE_ID);
    assertThat(searchIds(q().attribute("host.name", "payment-7d9f8-abc12")))
        .containsExactly(TRACE_ID);
    // span attribute and resource attribute of the same span combine
    assertThat(
            searchIds(
                q().attribute("service.version", "0.9.7").attribute("payment.method", "card")))
        .containsExactly(TRACE_ID);
  }

  @Test
  void search_spanAttributeShadowsResourceAttribute() {
    acceptAll();

    // ROOTLESS_TRACE's order span has resource host.name=order-7d9f8-abc12 but span
    // host.name=override-host
    assertThat(searchIds(q().attribute("host.name", "order-7d9f8-abc12")))
        .containsExactly(TRACE_ID);
    assertThat(searchIds(q().attribute("host.name", "override-host")))
        .containsExactly(ROOTLESS_TRACE_ID);
  }

  @Test
  void search_timeRange_isHalfOpenOnSpanStart() {
    acceptAll();

    assertThat(searchIds(q().range(TRACE_START, NOW_NANOS)))
        .containsExactly(ROOTLESS_TRACE_ID, TRACE_ID);
    assertThat(searchIds(q().range(TRACE_START - 30 * MINUTE, TRACE_START)))
        .containsExactly(CART_TRACE_ID);
    assertThat(searchIds(q().range(TRACE_START - 30 * MINUTE, TRACE_START + 1)))
        .containsExactly(TRACE_ID, CART_TRACE_ID);
    assertThat(searchIds(q().range(NOW_NANOS - 180 * MINUTE, NOW_NANOS - 60 * MINUTE)))
        .containsExactly(OLD_TRACE_ID);
    assertThat(searchIds(q().range(NOW_NANOS, NOW_NANOS + MINUTE))).isEmpty();
  }

  @Test
  void search_summaryDescribesWholeTrace_evenOutsideRangeAndCriteria() {
    acceptAll();

    // only PAYMENT_SERVER (starts at +40ms) is in range and matches, yet the summary covers 5 spans
    assertThat(
            search(
                q().service("payment").range(TRACE_START + 35 * MILLI, TRACE_START + 41 * MILLI)))
        .containsExactly(TRACE_SUMMARY);
  }

  @Test
  void search_traceWithoutRoot_summarizesEarliestSpan() {
    accept(ROOTLESS_TRACE.subList(1, 2));
    accept(ROOTLESS_TRACE.subList(0, 1));

    assertThat(search(q())).containsExactly(ROOTLESS_SUMMARY);
  }

  @Test
  void search_rootArrivesLater_summaryUsesRoot() {
    accept(TRACE.subList(1, 5));
    assertThat(search(q()))
        .containsExactly(
            new TraceSummary(
                TRACE_ID,
                "frontend",
                "Shop.OrderService/PlaceOrder",
                TRACE_START + 10 * MILLI,
                230 * MILLI,
                4,
                3,
                TestObjects.TRACE_SERVICES));

    accept(TRACE.subList(0, 1));
    assertThat(search(q())).containsExactly(TRACE_SUMMARY);
  }

  @Test
  void search_summary_isTheSameWhateverTheBatchesAndTheirOrder() {
    // one span per batch, newest first: the summary still names the root and counts every span
    for (int i = TRACE.size() - 1; i >= 0; i--) accept(TRACE.subList(i, i + 1));
    accept(CART_TRACE.subList(1, CART_TRACE.size()));
    accept(CART_TRACE.subList(0, 1));

    assertThat(search(q())).containsExactly(TRACE_SUMMARY, CART_SUMMARY);
    assertThat(search(q().service("payment"))).containsExactly(TRACE_SUMMARY);
  }

  @Test
  void search_lateSpan_extendsTheTraceSummary() {
    accept(TRACE);
    // arrives later, in its own batch: a child of the root that ends 10 s after the trace began
    Span late =
        span(
            TENANT,
            TRACE_ID,
            "00000000000000ff",
            TRACE.get(0).spanId(),
            "audit",
            "record checkout",
            TRACE_START + 200 * MILLI,
            9_800 * MILLI);
    accept(List.of(late));

    List<String> services = new ArrayList<>(TestObjects.TRACE_SERVICES);
    services.add("audit");
    Collections.sort(services);
    TraceSummary extended =
        new TraceSummary(
            TRACE_ID,
            "frontend",
            "GET /api/checkout",
            TRACE_START,
            10_000 * MILLI,
            TRACE.size() + 1,
            TRACE_SUMMARY.errorCount(),
            services);
    assertThat(search(q().service("frontend"))).containsExactly(extended);
    assertThat(search(q().service("audit"))).containsExactly(extended);
  }

  @Test
  void search_traceSpreadOverMinutes_isSummarisedWhole_whicheverSliceFindsIt() {
    // a trace over three minutes (crossing minute and 10 s boundaries): root 150 s before the
    // end of the range, the matching span 130 s before, the last span 10 s before
    long end = NOW_NANOS - 5 * MINUTE;
    String trace = TestObjects.traceId(30_001);
    String root = "e000000000000001";
    long second = 1_000_000_000L;
    accept(
        List.of(
            span(
                TENANT, trace, "e000000000000003", root, "late", "flush", end - 10 * second, MILLI),
            span(TENANT, trace, root, "", "batch", "nightly", end - 150 * second, 145 * second)));
    accept(
        List.of(
            span(
                TENANT,
                trace,
                "e000000000000002",
                root,
                "db",
                "Query",
                end - 130 * second,
                MILLI)));

    TraceSummary whole =
        new TraceSummary(
            trace,
            "batch",
            "nightly",
            end - 150 * second,
            145 * second, // the root ends last
            3,
            0,
            List.of("batch", "db", "late"));
    assertThat(search(q().service("db").range(end - 60 * MINUTE, end))).containsExactly(whole);
    assertThat(search(q().service("late").range(end - 60 * MINUTE, end))).containsExactly(whole);
    assertThat(search(q().range(end - 60 * MINUTE, end))).containsExactly(whole);
  }

  @Test
  void deleteBefore_traceSummariesDescribeOnlyTheSpansThatRemain() {
    long t0 = NOW_NANOS - 120 * MINUTE;
    String straddling = TestObjects.traceId(30_002);
    String old = TestObjects.traceId(30_003);
    String root = "f000000000000001";
    accept(
        List.of(
            span(TENANT, straddling, root, "", "frontend", "GET /export", t0, 40 * MINUTE),
            span(TENANT, old, "f000000000000009", "", "frontend", "GET /old", t0, MILLI)));
    accept(
        List.of(
            span(
                TENANT,
                straddling,
                "f000000000000002",
                root,
                "export",
                "write",
                t0 + 30 * MINUTE,
                MILLI),
            span(
                TENANT,
                straddling,
                "f000000000000003",
                root,
                "export",
                "close",
                t0 + 35 * MINUTE,
                MILLI)));
    Q all = q().range(t0 - MINUTE, NOW_NANOS);
    assertThat(search(all)).extracting(TraceSummary::spanCount).containsExactly(3, 1);

    storage().deleteBefore(t0 + 10 * MINUTE);

    // the root is gone: the summary is of the two spans left, rootless, earliest first
    assertThat(search(all))
        .containsExactly(
            new TraceSummary(
                straddling,
                "export",
                "write",
                t0 + 30 * MINUTE,
                5 * MINUTE + MILLI,
                2,
                0,
                List.of("export")));
    assertThat(search(q().service("frontend").range(t0 - MINUTE, NOW_NANOS))).isEmpty();
  }

  @Test
  void search_isolatesTenants() {
    accept(TestObjects.withTenant(TRACE, "a"));
    accept(TestObjects.withTenant(CART_TRACE, "b"));

    assertThat(search(q().tenant("a"))).containsExactly(TRACE_SUMMARY);
    assertThat(search(q().tenant("b"))).containsExactly(CART_SUMMARY);
    assertThat(search(q().tenant("c"))).isEmpty();
    assertThat(search(q().tenant("b").service("payment"))).isEmpty();
  }

  @Test
  void search_sameTraceIdInTwoTenants_summariesDoNotMix() {
    accept(TestObjects.withTenant(TRACE, "a"));
    accept(TestObjects.withTenant(TRACE.subList(2, 3), "b"));

    assertThat(search(q().tenant("a"))).containsExactly(TRACE_SUMMARY);
    assertThat(search(q().tenant("b")))
        .containsExactly(
            new TraceSummary(
                TRACE_ID,
                "order",
                "Shop.OrderService.PlaceOrder",
                TRACE_START + 20 * MILLI,
                210 * MILLI,
                1,
                1,
                List.of("order")));
  }

  @Test
  void services_withOperationsAndKinds_sorted() {
    acceptAll();

    List<ServiceOperations> services =
        storage().traceReader().services(TENANT, NOW_NANOS - 60 * MINUTE, NOW_NANOS);

    assertThat(services)
        .containsExactly(
            new ServiceOperations(
                "cart", List.of(new Operation("Shop.CartService.GetCart", "INTERNAL"))),
            new ServiceOperations(
                "frontend",
                List.of(
                    new Operation("GET /api/cart", "SERVER"),
                    new Operation("GET /api/checkout", "SERVER"),
                    new Operation("Shop.OrderService/PlaceOrder", "CLIENT"))),
            new ServiceOperations(
                "order",
                List.of(
                    new Operation("Shop.OrderService.PlaceOrder", "INTERNAL"),
                    new Operation("Shop.OrderService.PlaceOrder", "SERVER"),
                    new Operation("Shop.PaymentService/Charge", "CLIENT"))),
            new ServiceOperations(
                "payment",
                List.of(
                    new Operation("Shop.PaymentService.Charge", "INTERNAL"),
                    new Operation("Shop.PaymentService.Charge", "SERVER"))));
  }

  @Test
  void serviceVersions_deploymentShowsAsANewVersion() {
    assumeCapability(StorageCapability.SERVICE_VERSIONS);
    Span old =
        span(
                TENANT,
                TestObjects.traceId(71),
                "e000000000000001",
                "",
                "order",
                "op",
                NOW_NANOS - 30 * MINUTE,
                MILLI)
            .toBuilder()
            .resource(TestObjects.resource("order", "1.4.2"))
            .build();
    Span old2 =
        old.toBuilder()
            .spanId("e000000000000002")
            .startTimeUnixNano(NOW_NANOS - 20 * MINUTE)
            .endTimeUnixNano(NOW_NANOS - 20 * MINUTE + MILLI)
            .build();
    Span next =
        old.toBuilder()
            .traceId(TestObjects.traceId(72))
            .spanId("e000000000000003")
            .startTimeUnixNano(NOW_NANOS - 10 * MINUTE)
            .endTimeUnixNano(NOW_NANOS - 10 * MINUTE + MILLI)
            .resource(TestObjects.resource("order", "1.5.0"))
            .build();
    Span other =
        span(
                "other",
                TestObjects.traceId(73),
                "e000000000000004",
                "",
                "order",
                "op",
                NOW_NANOS - 10 * MINUTE,
                MILLI)
            .toBuilder()
            .resource(TestObjects.resource("order", "9.9.9"))
            .build();
    accept(List.of(old, old2, next, other));

    assertThat(serviceVersionReader().serviceVersions(TENANT, NOW_NANOS - 60 * MINUTE, NOW_NANOS))
        .containsExactly(
            new ServiceVersion(
                "order", "1.4.2", NOW_NANOS - 30 * MINUTE, NOW_NANOS - 20 * MINUTE, 2),
            new ServiceVersion(
                "order", "1.5.0", NOW_NANOS - 10 * MINUTE, NOW_NANOS - 10 * MINUTE, 1));
    assertThat(serviceVersionReader().serviceVersions(TENANT, NOW_NANOS - 15 * MINUTE, NOW_NANOS))
        .extracting(ServiceVersion::version)
        .containsExactly("1.5.0");
  }

  @Test
  void services_timeRangeAndTenant() {
    acceptAll();
    accept(
        List.of(
            span(
                    "other",
                    TestObjects.traceId(5),
                    "d000000000000001",
                    "",
                    "other-service",
                    "op",
                    NOW_NANOS - MINUTE,
                    MILLI)
                .toBuilder()
                .kind(SpanKind.CONSUMER)
                .status(StatusCode.OK, "")
                .build()));

    assertThat(
            storage()
                .traceReader()
                .services(TENANT, NOW_NANOS - 180 * MINUTE, NOW_NANOS - 60 * MINUTE))
        .containsExactly(
            new ServiceOperations("legacy", List.of(new Operation("GET /old", "SERVER"))));
    assertThat(storage().traceReader().services("other", NOW_NANOS - 180 * MINUTE, NOW_NANOS))
        .containsExactly(
            new ServiceOperations("other-service", List.of(new Operation("op", "CONSUMER"))));
    assertThat(storage().traceReader().services("nobody", NOW_NANOS - 180 * MINUTE, NOW_NANOS))
        .isEmpty();
    assertThat(storage().traceReader().services(TENANT, NOW_NANOS, NOW_NANOS + MINUTE)).isEmpty();
  }

  @Test
  void services_rangeNotOnBucketBoundaries_isExact() {
    // a range starting and ending inside 10-second buckets: spans just outside it, in the same
    // buckets as spans inside it, are not listed
    long t = NOW_NANOS - 30 * MINUTE; // on a bucket boundary
    long second = 1_000_000_000L;
    List<Span> spans = new ArrayList<>();
    long[] offsets = {2, 7, 15, 24, 26, 45};
    for (int i = 0; i < offsets.length; i++) {
      spans.add(
          span(
                  TENANT,
                  TestObjects.traceId(900 + i),
                  "e00000000000000" + (i + 1),
                  "",
                  "edge",
                  "at+" + offsets[i] + "s",
                  t + offsets[i] * second,
                  MILLI)
              .toBuilder()
              .kind(SpanKind.SERVER)
              .build());
    }
    accept(spans);

    assertThat(storage().traceReader().services(TENANT, t + 5 * second, t + 25 * second))
        .containsExactly(
            new ServiceOperations(
                "edge",
                List.of(
                    new Operation("at+15s", "SERVER"),
                    new Operation("at+24s", "SERVER"),
                    new Operation("at+7s", "SERVER"))));
    // inside one bucket
    assertThat(storage().traceReader().services(TENANT, t + 21 * second, t + 25 * second))
        .containsExactly(new ServiceOperations("edge", List.of(new Operation("at+24s", "SERVER"))));
    // on boundaries
    assertThat(storage().traceReader().services(TENANT, t + 20 * second, t + 50 * second))
        .containsExactly(
            new ServiceOperations(
                "edge",
                List.of(
                    new Operation("at+24s", "SERVER"),
                    new Operation("at+26s", "SERVER"),
                    new Operation("at+45s", "SERVER"))));
  }

  @Test
  void services_rangesCuttingHours_areExact() {
    // spans one nanosecond either side of hour boundaries, and ranges that cut hours: a store that
    // keeps coarser (per hour) structures must still answer exactly
    long hour = 60 * MINUTE;
    long h = (NOW_NANOS / hour - 4) * hour; // on an hour, four to five hours ago
    long[] starts = {h - 1, h, h + 20 * MINUTE, h + hour - 1, h + hour, h + 2 * hour + 5 * MINUTE};
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      spans.add(
          span(
                  TENANT,
                  TestObjects.traceId(950 + i),
                  "e1000000000000" + (10 + i),
                  "",
                  "hours",
                  "s" + i,
                  starts[i],
                  MILLI)
              .toBuilder()
              .kind(SpanKind.SERVER)
              .build());
    }
    // out of order, in two batches
    accept(List.of(spans.get(5), spans.get(2), spans.get(0)));
    accept(List.of(spans.get(4), spans.get(1), spans.get(3)));

    java.util.function.BiFunction<Long, Long, List<String>> names =
        (from, to) ->
            storage().traceReader().services(TENANT, from, to).stream()
                .filter(s -> s.service().equals("hours"))
                .flatMap(s -> s.operations().stream())
                .map(Operation::name)
                .toList();
    assertThat(names.apply(h, h + hour)).containsExactly("s1", "s2", "s3");
    assertThat(names.apply(h - 1, h + hour + 1)).containsExactly("s0", "s1", "s2", "s3", "s4");
    assertThat(names.apply(h + 1, h + 3 * hour)).containsExactly("s2", "s3", "s4", "s5");
    assertThat(names.apply(h + 21 * MINUTE, h + 2 * hour + 5 * MINUTE)).containsExactly("s3", "s4");
    assertThat(names.apply(h + 21 * MINUTE, h + 2 * hour + 5 * MINUTE + 1))
        .containsExactly("s3", "s4", "s5");
    assertThat(names.apply(h + 10 * MINUTE, h + 30 * MINUTE)).containsExactly("s2");
    assertThat(names.apply(h + 21 * MINUTE, h + hour - 1)).isEmpty();
  }

  @Test
  void search_generatedTraces_countsMatchGenerator() {
    TelemetryGenerator generator =
        TelemetryGenerator.builder()
            .seed(7)
            .startTimeUnixNano(NOW_NANOS - 30 * MINUTE)
            .traceInterval(Duration.ofSeconds(1))
            .spansPerTrace(12)
            .errorRate(0.3)
            .build();
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 40; i++) traces.add(generator.nextTrace());
    accept(traces.stream().flatMap(List::stream).toList());

    List<TraceSummary> found = search(q().limit(100));

    assertThat(found).hasSize(40);
    for (TraceSummary summary : found) {
      List<Span> trace =
          traces.stream()
              .filter(t -> t.get(0).traceId().equals(summary.traceId()))
              .findFirst()
              .orElseThrow();
      assertThat(summary.spanCount()).isEqualTo(12);
      assertThat(summary.errorCount())
          .isEqualTo((int) trace.stream().filter(s -> s.statusCode() == StatusCode.ERROR).count());
      assertThat(summary.rootService()).isEqualTo("frontend");
      assertThat(summary.rootName()).isEqualTo(trace.get(0).name());
      assertThat(summary.services())
          .isEqualTo(trace.stream().map(Span::serviceName).distinct().sorted().toList());
    }
    assertThat(found)
        .extracting(TraceSummary::startTimeUnixNano)
        .isSortedAccordingTo(Collections.reverseOrder());
    assertThat(searchIds(q().errorsOnly().limit(100)))
        .containsExactlyInAnyOrderElementsOf(
            traces.stream()
                .filter(t -> t.stream().anyMatch(s -> s.statusCode() == StatusCode.ERROR))
                .map(t -> t.get(0).traceId())
                .toList());
  }
}
