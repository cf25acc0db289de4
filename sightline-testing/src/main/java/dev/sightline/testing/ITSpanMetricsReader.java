package dev.sightline.testing;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanCountPoint;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsQuery.GroupBy;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Span metrics (RED) derived from written spans: counts, errors and duration histograms per
 * 10-second bucket of span start, summed over commits, durable, scoped by tenant; and counts of
 * stored spans. Skipped on a backend without {@link StorageCapability#SPAN_METRICS}; the {@code
 * countSpans} cases also need {@link StorageCapability#SPAN_COUNTS}.
 */
public abstract class ITSpanMetricsReader extends ITStorage {
  @BeforeEach
  void assumeSpanMetrics() {
    assumeCapability(StorageCapability.SPAN_METRICS);
  }

  /** A minute boundary half an hour ago, so 10-second buckets start on it. */
  static final long T0 = NOW_NANOS - Duration.ofMinutes(30).toNanos();

  static final long MINUTE = 60 * SECOND;
  private static final AtomicLong ids = new AtomicLong(1);

  /** A span of {@code service}/{@code operation} starting at {@code start}. */
  protected static Span span(
      String tenant,
      String service,
      String operation,
      SpanKind kind,
      long start,
      long durationMillis,
      boolean error) {
    long n = ids.getAndIncrement();
    return TestObjects.span(
            tenant,
            TestObjects.traceId(n),
            TestObjects.spanId(n),
            "",
            service,
            operation,
            start,
            durationMillis * MILLI)
        .toBuilder()
        .kind(kind)
        .status(error ? StatusCode.ERROR : StatusCode.OK, error ? "failed" : "")
        .build();
  }

  static Span server(String service, String operation, long start, long ms, boolean error) {
    return span(TENANT, service, operation, SpanKind.SERVER, start, ms, error);
  }

  /**
   * order/PlaceOrder (SERVER): 15 ms and 15 ms (error) in the first bucket, 150 ms in the second;
   * order/SELECT (CLIENT) 5 ms; payment/Charge (SERVER) 40 ms twice.
   */
  static List<Span> traffic(String tenant) {
    return List.of(
        span(tenant, "order", "PlaceOrder", SpanKind.SERVER, T0 + SECOND, 15, false),
        span(tenant, "order", "PlaceOrder", SpanKind.SERVER, T0 + 2 * SECOND, 15, true),
        span(tenant, "order", "PlaceOrder", SpanKind.SERVER, T0 + 12 * SECOND, 150, false),
        span(tenant, "order", "SELECT", SpanKind.CLIENT, T0 + 3 * SECOND, 5, false),
        span(tenant, "payment", "Charge", SpanKind.SERVER, T0 + 4 * SECOND, 40, false),
        span(tenant, "payment", "Charge", SpanKind.SERVER, T0 + 50 * SECOND, 40, false));
  }

  protected final List<SpanMetricsPoint> query(
      @Nullable String service,
      @Nullable String operation,
      Set<SpanKind> kinds,
      long start,
      long end,
      long step,
      GroupBy groupBy) {
    return spanMetricsReader()
        .query(new SpanMetricsQuery(TENANT, service, operation, kinds, start, end, step, groupBy));
  }

  static DurationHistogram histogram(long... durationsMillis) {
    long[] counts = new long[DurationHistogram.BUCKETS];
    for (long ms : durationsMillis) counts[DurationHistogram.bucketOf(ms * MILLI)]++;
    return DurationHistogram.of(counts);
  }

  @Test
  void countsErrorsAndDurations_perOperation() {
    accept(traffic(TENANT));

    List<SpanMetricsPoint> points =
        query(null, null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.OPERATION);

    assertThat(points)
        .containsExactly(
            new SpanMetricsPoint(
                "order",
                "PlaceOrder",
                SpanKind.SERVER,
                T0,
                3,
                1,
                180 * MILLI,
                histogram(15, 15, 150)),
            new SpanMetricsPoint(
                "order", "SELECT", SpanKind.CLIENT, T0, 1, 0, 5 * MILLI, histogram(5)),
            new SpanMetricsPoint(
                "payment", "Charge", SpanKind.SERVER, T0, 2, 0, 80 * MILLI, histogram(40, 40)));
  }

  @Test
  void groupsByServiceOrNothing_filtersByKindServiceOperation() {
    accept(traffic(TENANT));

    assertThat(query(null, null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.SERVICE))
        .extracting(SpanMetricsPoint::service, SpanMetricsPoint::requests, p -> p.spanKind())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("order", 4L, null),
            org.assertj.core.groups.Tuple.tuple("payment", 2L, null));
    assertThat(
            query(
                null,
                null,
                Set.of(SpanKind.SERVER, SpanKind.CONSUMER),
                T0,
                T0 + MINUTE,
                0,
                GroupBy.SERVICE))
        .extracting(SpanMetricsPoint::requests)
        .containsExactly(3L, 2L);
    List<SpanMetricsPoint> all = query(null, null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.NONE);
    assertThat(all).hasSize(1);
    assertThat(all.get(0).service()).isEmpty();
    assertThat(all.get(0).operation()).isEmpty();
    assertThat(all.get(0).requests()).isEqualTo(6);
    assertThat(all.get(0).errors()).isEqualTo(1);
    assertThat(query("order", "SELECT", Set.of(), T0, T0 + MINUTE, 0, GroupBy.NONE))
        .extracting(SpanMetricsPoint::requests)
        .containsExactly(1L);
    assertThat(query("nobody", null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.NONE)).isEmpty();
  }

  @Test
  void aServiceSetKeepsOnlyThoseServices() {
    accept(traffic(TENANT));
    SpanMetricsReader reader = spanMetricsReader();

    assertThat(
            reader.query(
                new SpanMetricsQuery(
                    TENANT,
                    null,
                    null,
                    Set.of(),
                    T0,
                    T0 + MINUTE,
                    0,
                    GroupBy.SERVICE,
                    Set.of("payment", "no-such-service"))))
        .extracting(SpanMetricsPoint::service, SpanMetricsPoint::requests)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("payment", 2L));
    assertThat(
            reader.query(
                new SpanMetricsQuery(
                    TENANT,
                    "order",
                    null,
                    Set.of(),
                    T0,
                    T0 + MINUTE,
                    0,
                    GroupBy.SERVICE,
                    Set.of("payment"))))
        .as("service and the set both apply")
        .isEmpty();
  }

  @Test
  void stepsSumTenSecondBuckets_emptyStepsOmitted() {
    accept(traffic(TENANT));

    assertThat(query("order", "PlaceOrder", Set.of(), T0, T0 + MINUTE, 10 * SECOND, GroupBy.NONE))
        .extracting(SpanMetricsPoint::timeUnixNano, SpanMetricsPoint::requests)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0, 2L),
            org.assertj.core.groups.Tuple.tuple(T0 + 10 * SECOND, 1L));
    assertThat(query("order", "PlaceOrder", Set.of(), T0, T0 + MINUTE, MINUTE, GroupBy.NONE))
        .extracting(SpanMetricsPoint::timeUnixNano, SpanMetricsPoint::requests)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, 3L));
    // the range counts buckets starting in [start, end)
    assertThat(query("order", null, Set.of(), T0 + 10 * SECOND, T0 + MINUTE, 0, GroupBy.NONE))
        .extracting(SpanMetricsPoint::requests)
        .containsExactly(1L);
  }

  @Test
  void lateAndBackfilledSpans_landInTheirEventTimeBucket_commitsAreSummed() {
    accept(traffic(TENANT));
    long threeHoursAgo = T0 - Duration.ofHours(3).toNanos();
    accept(List.of(server("order", "PlaceOrder", threeHoursAgo + 25 * SECOND, 15, true)));
    accept(List.of(server("order", "PlaceOrder", threeHoursAgo + 27 * SECOND, 15, false)));
    accept(List.of(server("order", "PlaceOrder", T0 + 5 * SECOND, 15, false)));

    List<SpanMetricsPoint> series =
        query(
            "order", "PlaceOrder", Set.of(), threeHoursAgo, T0 + MINUTE, 10 * SECOND, GroupBy.NONE);

    assertThat(series)
        .extracting(
            SpanMetricsPoint::timeUnixNano, SpanMetricsPoint::requests, SpanMetricsPoint::errors)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(threeHoursAgo + 20 * SECOND, 2L, 1L),
            org.assertj.core.groups.Tuple.tuple(T0, 3L, 1L),
            org.assertj.core.groups.Tuple.tuple(T0 + 10 * SECOND, 1L, 0L));
  }

  @Test
  void percentilesFromStoredHistogram_matchHandCalculation() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 6; i++)
      spans.add(server("order", "PlaceOrder", T0 + i * SECOND, 15, false));
    for (int i = 0; i < 4; i++)
      spans.add(server("order", "PlaceOrder", T0 + i * SECOND, 150, false));
    accept(spans.subList(0, 5));
    accept(spans.subList(5, 10));

    DurationHistogram h =
        query("order", null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.NONE).get(0).durations();

    // 6 in (10, 20] ms, 4 in (100, 200] ms
    // p50: rank 5 -> 10 + 10 * 5/6 ms; p95: rank 9.5 -> 100 + 100 * 3.5/4 ms
    Offset<Double> close = Offset.offset(1.0);
    assertThat(h.quantileNanos(0.50)).isCloseTo(10 * MILLI + 10 * MILLI * 5.0 / 6, close);
    assertThat(h.quantileNanos(0.95)).isCloseTo(100 * MILLI + 100 * MILLI * 3.5 / 4, close);
    assertThat(h.quantileNanos(0.99)).isCloseTo(100 * MILLI + 100 * MILLI * 3.9 / 4, close);
  }

  @Test
  void restartKeepsSpanMetrics() throws Exception {
    accept(traffic(TENANT));
    List<SpanMetricsPoint> before =
        query(null, null, Set.of(), T0, T0 + MINUTE, 10 * SECOND, GroupBy.OPERATION);

    reopen();

    assertThat(before).hasSize(5);
    assertThat(query(null, null, Set.of(), T0, T0 + MINUTE, 10 * SECOND, GroupBy.OPERATION))
        .isEqualTo(before);
  }

  @Test
  void tenantsAreIsolated() {
    accept(traffic("other-tenant"));
    accept(List.of(server("order", "PlaceOrder", T0, 15, false)));

    assertThat(query(null, null, Set.of(), T0, T0 + MINUTE, 0, GroupBy.OPERATION))
        .extracting(SpanMetricsPoint::service, SpanMetricsPoint::requests)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("order", 1L));
  }

  @Test
  void oldestBucket_perServiceAndOperation_scopedByTenant_movedByRetention() {
    var reader = spanMetricsReader();
    assertThat(reader.oldestBucket(TENANT, null, null)).isEmpty();
    long old = T0 - Duration.ofDays(2).toNanos() + 3 * SECOND;
    accept(traffic(TENANT));
    accept(List.of(server("order", "PlaceOrder", old, 15, false)));
    accept(traffic("another-tenant"));

    // the bucket holding the span's start: floor to 10 s
    long oldBucket = old - Math.floorMod(old, SpanMetricsReader.BUCKET_NANOS);
    assertThat(reader.oldestBucket(TENANT, null, null)).hasValue(oldBucket);
    assertThat(reader.oldestBucket(TENANT, "order", null)).hasValue(oldBucket);
    assertThat(reader.oldestBucket(TENANT, "order", "PlaceOrder")).hasValue(oldBucket);
    assertThat(reader.oldestBucket(TENANT, "order", "SELECT")).hasValue(T0);
    assertThat(reader.oldestBucket(TENANT, "payment", null)).hasValue(T0);
    assertThat(reader.oldestBucket(TENANT, "nobody", null)).isEmpty();
    assertThat(reader.oldestBucket("third-tenant", null, null)).isEmpty();

    storage().deleteBefore(T0 - Duration.ofDays(1).toNanos());

    assertThat(reader.oldestBucket(TENANT, "order", "PlaceOrder")).hasValue(T0);
  }

  @Test
  void deleteBefore_removesOlderBuckets() {
    long old = T0 - Duration.ofDays(2).toNanos();
    accept(List.of(server("order", "PlaceOrder", old, 15, false)));
    accept(traffic(TENANT));

    storage().deleteBefore(T0 - Duration.ofDays(1).toNanos());

    assertThat(query("order", null, Set.of(), old, T0 + MINUTE, 0, GroupBy.NONE))
        .extracting(SpanMetricsPoint::requests)
        .containsExactly(4L);
  }

  /** A span of trace {@code trace} with id {@code id} and parent {@code parent} (0 for a root). */
  static Span pair(
      String tenant,
      long trace,
      long id,
      long parent,
      String service,
      SpanKind kind,
      long start,
      long ms,
      boolean error) {
    return TestObjects.span(
            tenant,
            TestObjects.traceId(1_000_000 + trace),
            TestObjects.spanId(id),
            parent == 0 ? "" : TestObjects.spanId(parent),
            service,
            service + "." + kind,
            start,
            ms * MILLI)
        .toBuilder()
        .kind(kind)
        .status(error ? StatusCode.ERROR : StatusCode.UNSET, "")
        .build();
  }

  /**
   * frontend →(CLIENT) order twice (60 ms with an error, 15 ms), order →(PRODUCER) shipping once (5
   * ms), plus pairs that are no edges: order CLIENT → order SERVER, SERVER → INTERNAL.
   */
  static List<List<Span>> graph(String tenant) {
    long t = T0 + SECOND;
    List<Span> first =
        List.of(
            pair(tenant, 1, 1, 0, "frontend", SpanKind.SERVER, t, 100, false),
            pair(tenant, 1, 2, 1, "frontend", SpanKind.CLIENT, t, 90, false),
            pair(tenant, 1, 3, 2, "order", SpanKind.SERVER, t, 60, true),
            pair(tenant, 1, 4, 3, "order", SpanKind.INTERNAL, t, 10, false),
            pair(tenant, 1, 5, 3, "order", SpanKind.CLIENT, t, 10, false),
            pair(tenant, 1, 6, 5, "order", SpanKind.SERVER, t, 9, false),
            pair(tenant, 2, 12, 0, "frontend", SpanKind.CLIENT, t, 20, false),
            // the consumer arrives before its producer, in another batch
            pair(tenant, 3, 22, 21, "shipping", SpanKind.CONSUMER, t + 20 * SECOND, 5, false));
    List<Span> second =
        List.of(
            pair(tenant, 2, 13, 12, "order", SpanKind.SERVER, t + MILLI, 15, false),
            pair(tenant, 3, 21, 3, "order", SpanKind.PRODUCER, t, 1, false));
    return List.of(first, second);
  }

  @Test
  void serviceEdges_fromClientServerAndProducerConsumerPairs_acrossBatches() {
    for (List<Span> batch : graph(TENANT)) accept(batch);
    for (List<Span> batch : graph("other-tenant")) accept(batch);

    List<ServiceEdge> edges = spanMetricsReader().serviceEdges(TENANT, T0, T0 + MINUTE);

    assertThat(edges)
        .containsExactly(
            new ServiceEdge(
                "frontend", "order", SpanKind.CLIENT, 2, 1, 75 * MILLI, histogram(60, 15)),
            new ServiceEdge("order", "shipping", SpanKind.PRODUCER, 1, 0, 5 * MILLI, histogram(5)));
    // the child's start decides: the consumer started 21 s after T0
    assertThat(spanMetricsReader().serviceEdges(TENANT, T0 + 20 * SECOND, T0 + MINUTE))
        .extracting(ServiceEdge::server)
        .containsExactly("shipping");
    assertThat(spanMetricsReader().serviceEdges(TENANT, T0 + MINUTE, T0 + 2 * MINUTE)).isEmpty();
  }

  private List<ServiceEdge> edges(String tenant, long start, long end) {
    return spanMetricsReader().serviceEdges(tenant, start, end);
  }

  private static ServiceEdge frontendToOrder(long calls, long errors, long... childMillis) {
    long sum = 0;
    for (long ms : childMillis) sum += ms * MILLI;
    return new ServiceEdge(
        "frontend", "order", SpanKind.CLIENT, calls, errors, sum, histogram(childMillis));
  }

  @Test
  void serviceEdges_parentFirst_childFirst_sameWrite_eachPairCountedOnce() {
    long t = T0 + SECOND;
    // trace 10: the caller first; trace 11: the callee first; trace 12: both in one write
    accept(List.of(pair(TENANT, 10, 1, 0, "frontend", SpanKind.CLIENT, t, 50, false)));
    accept(List.of(pair(TENANT, 11, 2, 1, "order", SpanKind.SERVER, t, 20, true)));
    accept(List.of(pair(TENANT, 10, 2, 1, "order", SpanKind.SERVER, t, 30, false)));
    accept(List.of(pair(TENANT, 11, 1, 0, "frontend", SpanKind.CLIENT, t, 40, false)));
    accept(
        List.of(
            pair(TENANT, 12, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false),
            pair(TENANT, 12, 2, 1, "order", SpanKind.SERVER, t, 5, false)));
    // later spans of the same traces pair with nothing new: no pair is counted again
    accept(
        List.of(
            pair(TENANT, 10, 3, 2, "order", SpanKind.INTERNAL, t, 1, false),
            pair(TENANT, 11, 3, 2, "order", SpanKind.CLIENT, t, 1, false),
            pair(TENANT, 12, 3, 2, "order", SpanKind.INTERNAL, t, 1, false)));

    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(3, 1, 30, 20, 5));
  }

  @Test
  void serviceEdges_countInTheBucketOfTheChildsStart() {
    long boundary = T0 + 10 * SECOND;
    accept(
        List.of(pair(TENANT, 20, 1, 0, "frontend", SpanKind.CLIENT, boundary - MILLI, 9, false)));
    accept(List.of(pair(TENANT, 20, 2, 1, "order", SpanKind.SERVER, boundary, 7, false)));

    assertThat(edges(TENANT, T0, boundary)).isEmpty();
    assertThat(edges(TENANT, boundary, boundary + 10 * SECOND))
        .containsExactly(frontendToOrder(1, 0, 7));
  }

  /**
   * Only the hour between parent and child is part of the contract; the query range holds the
   * children alone and starts more than an hour after the far parent, so a backend that looks
   * parents up around the range and one that pairs them around the child answer alike.
   */
  @Test
  void serviceEdges_parentWithinAnHourOfTheChild_isFound_moreThanAnHourAway_isNoPair() {
    long child = T0 + Duration.ofMinutes(61).toNanos() + SECOND;
    // trace 21: the caller 61 minutes before the callee; trace 22: 59 minutes before
    accept(List.of(pair(TENANT, 21, 1, 0, "frontend", SpanKind.CLIENT, T0 + SECOND, 9, false)));
    accept(
        List.of(
            pair(
                TENANT,
                22,
                1,
                0,
                "frontend",
                SpanKind.CLIENT,
                child - Duration.ofMinutes(59).toNanos(),
                9,
                false)));
    accept(
        List.of(
            pair(TENANT, 21, 2, 1, "order", SpanKind.SERVER, child, 7, false),
            pair(TENANT, 22, 2, 1, "order", SpanKind.SERVER, child, 3, false)));

    long bucket = T0 + Duration.ofMinutes(61).toNanos();
    assertThat(edges(TENANT, bucket, bucket + MINUTE)).containsExactly(frontendToOrder(1, 0, 3));
  }

  @Test
  void serviceEdges_restartKeepsEdges_andPairsWithSpansStoredBeforeIt() throws Exception {
    long t = T0 + SECOND;
    accept(
        List.of(
            pair(TENANT, 30, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false),
            pair(TENANT, 30, 2, 1, "order", SpanKind.SERVER, t, 7, false),
            pair(TENANT, 31, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false)));
    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(1, 0, 7));

    reopen();

    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(1, 0, 7));
    accept(List.of(pair(TENANT, 31, 2, 1, "order", SpanKind.SERVER, t, 3, false)));
    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(2, 0, 7, 3));
  }

  @Test
  void serviceEdges_deleteBefore_removesOlderBuckets() {
    long old = T0 - Duration.ofDays(2).toNanos();
    for (long start : new long[] {old, T0 + SECOND}) {
      long trace = start == old ? 40 : 41;
      accept(List.of(pair(TENANT, trace, 1, 0, "frontend", SpanKind.CLIENT, start, 9, false)));
      accept(List.of(pair(TENANT, trace, 2, 1, "order", SpanKind.SERVER, start, 7, false)));
    }
    assertThat(edges(TENANT, old, T0 + MINUTE)).containsExactly(frontendToOrder(2, 0, 7, 7));

    storage().deleteBefore(T0 - Duration.ofDays(1).toNanos());

    assertThat(edges(TENANT, old, T0 + MINUTE)).containsExactly(frontendToOrder(1, 0, 7));
  }

  @Test
  void serviceEdges_spanStoredTwice_countsOncePerStoredCopyOfEachEnd() {
    long t = T0 + SECOND;
    Span client = pair(TENANT, 50, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false);
    Span server = pair(TENANT, 50, 2, 1, "order", SpanKind.SERVER, t, 7, false);
    accept(List.of(client));
    accept(List.of(server));
    accept(List.of(server)); // a retried export
    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(2, 0, 7, 7));

    accept(List.of(client)); // now two copies of each end: four pairs of stored rows

    assertThat(edges(TENANT, T0, T0 + MINUTE)).containsExactly(frontendToOrder(4, 0, 7, 7, 7, 7));
  }

  @Test
  void serviceEdges_tenantsAreIsolated() {
    long t = T0 + SECOND;
    // the same ids in two tenants: a parent of one tenant is no parent of the other's child
    accept(List.of(pair(TENANT, 60, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false)));
    accept(List.of(pair("other-tenant", 60, 2, 1, "order", SpanKind.SERVER, t, 7, true)));
    accept(List.of(pair("other-tenant", 61, 1, 0, "frontend", SpanKind.CLIENT, t, 9, false)));
    accept(List.of(pair("other-tenant", 61, 2, 1, "order", SpanKind.SERVER, t, 5, false)));

    assertThat(edges(TENANT, T0, T0 + MINUTE)).isEmpty();
    assertThat(edges("other-tenant", T0, T0 + MINUTE)).containsExactly(frontendToOrder(1, 0, 5));
  }

  /** {@code span} with these span attributes and resource attributes (besides service.name). */
  static Span withAttributes(Span span, Attributes attributes, String... resourceKeyValues) {
    Attributes.Builder resource =
        Attributes.builder().put(Resource.SERVICE_NAME, span.serviceName());
    for (int i = 0; i < resourceKeyValues.length; i += 2) {
      resource.put(resourceKeyValues[i], resourceKeyValues[i + 1]);
    }
    return span.toBuilder().attributes(attributes).resource(Resource.of(resource.build())).build();
  }

  static Span routed(String route, long start, long ms, boolean error) {
    return withAttributes(
        server("order", "PlaceOrder", start, ms, error), Attributes.ofStrings("http.route", route));
  }

  /**
   * order/PlaceOrder on route /orders: 15 ms ok and 15 ms error in the first 10 s, 600 ms ok and
   * 600 ms error in the next; on /health: 5 ms error; order/SELECT without route: 5 ms.
   */
  static List<Span> routes() {
    return List.of(
        routed("/orders", T0 + SECOND, 15, false),
        routed("/orders", T0 + 2 * SECOND, 15, true),
        routed("/orders", T0 + 12 * SECOND, 600, false),
        routed("/orders", T0 + 13 * SECOND, 600, true),
        routed("/health", T0 + 3 * SECOND, 5, true),
        server("order", "SELECT", T0 + 4 * SECOND, 5, false));
  }

  protected final List<SpanCountPoint> countSpans(
      @Nullable String operation,
      Map<String, String> attributes,
      @Nullable Long maxDurationNanos,
      long start,
      long end,
      long step) {
    return spanCountReader()
        .countSpans(
            new SpanCountQuery(
                TENANT, "order", operation, attributes, maxDurationNanos, start, end, step));
  }

  @Test
  void countSpans_byAttribute_errorsFastAndOkFast() {
    assumeCapability(StorageCapability.SPAN_COUNTS);
    accept(routes());
    Map<String, String> orders = Map.of("http.route", "/orders");

    assertThat(countSpans("PlaceOrder", orders, 500 * MILLI, T0, T0 + MINUTE, 0))
        .containsExactly(new SpanCountPoint(T0, 4, 2, 2, 1));
    assertThat(countSpans("PlaceOrder", orders, 500 * MILLI, T0, T0 + MINUTE, 10 * SECOND))
        .containsExactly(
            new SpanCountPoint(T0, 2, 1, 2, 1), new SpanCountPoint(T0 + 10 * SECOND, 2, 1, 0, 0));
    // without a threshold every span is fast
    assertThat(countSpans(null, orders, null, T0, T0 + MINUTE, 0))
        .containsExactly(new SpanCountPoint(T0, 4, 2, 4, 2));
    // the threshold is inclusive
    assertThat(countSpans(null, Map.of(), 15 * MILLI, T0, T0 + MINUTE, 0))
        .containsExactly(new SpanCountPoint(T0, 6, 3, 4, 2));
    assertThat(countSpans(null, Map.of("http.route", "/health"), null, T0, T0 + MINUTE, 0))
        .containsExactly(new SpanCountPoint(T0, 1, 1, 1, 0));
    assertThat(countSpans("SELECT", orders, null, T0, T0 + MINUTE, 0)).isEmpty();
    assertThat(countSpans(null, Map.of("http.route", "/nowhere"), null, T0, T0 + MINUTE, 0))
        .isEmpty();
  }

  @Test
  void countSpans_spanAttributeBeforeResourceAttribute_comparedAsText() {
    assumeCapability(StorageCapability.SPAN_COUNTS);
    accept(
        List.of(
            withAttributes(
                server("order", "PlaceOrder", T0, 15, false),
                Attributes.builder().put("http.status_code", 200L).build(),
                "deployment.environment",
                "prod"),
            withAttributes(
                server("order", "PlaceOrder", T0 + SECOND, 15, true),
                Attributes.builder()
                    .put("http.status_code", 500L)
                    .put("deployment.environment", "canary")
                    .build(),
                "deployment.environment",
                "prod")));

    assertThat(countSpans(null, Map.of("deployment.environment", "prod"), null, T0, T0 + MINUTE, 0))
        .containsExactly(new SpanCountPoint(T0, 1, 0, 1, 1));
    assertThat(
            countSpans(
                null,
                Map.of("deployment.environment", "canary", "http.status_code", "500"),
                null,
                T0,
                T0 + MINUTE,
                0))
        .containsExactly(new SpanCountPoint(T0, 1, 1, 1, 0));
  }

  @Test
  void countSpans_spansStartingInTheRange_toTheNanosecond_tenantsIsolated() {
    assumeCapability(StorageCapability.SPAN_COUNTS);
    accept(routes());
    accept(List.of(span("other-tenant", "order", "PlaceOrder", SpanKind.SERVER, T0, 15, false)));

    // the range is [start, end) of span start, not of 10-second buckets
    assertThat(countSpans(null, Map.of(), null, T0 + 2 * SECOND, T0 + 12 * SECOND, 0))
        .extracting(SpanCountPoint::spans)
        .containsExactly(3L);
    assertThat(countSpans(null, Map.of(), null, T0 + 2 * SECOND + 1, T0 + 12 * SECOND + 1, 0))
        .extracting(SpanCountPoint::spans)
        .containsExactly(3L);
    assertThat(
            spanCountReader()
                .countSpans(
                    new SpanCountQuery(
                        "other-tenant", "order", null, Map.of(), null, T0, T0 + MINUTE, 0)))
        .containsExactly(new SpanCountPoint(T0, 1, 0, 1, 1));
  }
}
