package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Parameters and rendering of the RED endpoints, over a recording fake storage. */
class SpanMetricsQueriesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long SECOND = 1_000_000_000L;
  static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
  static final long NOW_NANOS = NOW.getEpochSecond() * SECOND;

  final List<SpanMetricsQuery> queries = new ArrayList<>();
  final List<SpanMetricsPoint> answer = new ArrayList<>();

  /** When not empty: stored 10-second buckets the fake reader sums as a backend would. */
  final List<SpanMetricsPoint> buckets = new ArrayList<>();

  /**
   * Sums {@code stored} buckets per service (unless NONE) and step, as the reader contract says.
   */
  static List<SpanMetricsPoint> aggregate(List<SpanMetricsPoint> stored, SpanMetricsQuery q) {
    Map<String, SpanMetricsPoint> out = new TreeMap<>();
    for (SpanMetricsPoint b : stored) {
      long t = b.timeUnixNano();
      if (t < q.startUnixNano() || t >= q.endUnixNano()) continue;
      if (q.service() != null && !q.service().equals(b.service())) continue;
      long slot =
          q.stepNanos() == 0
              ? q.startUnixNano()
              : q.startUnixNano() + (t - q.startUnixNano()) / q.stepNanos() * q.stepNanos();
      String service = q.groupBy() == SpanMetricsQuery.GroupBy.NONE ? "" : b.service();
      String key = service + "/" + String.format("%020d", slot);
      SpanMetricsPoint prev = out.get(key);
      out.put(
          key,
          new SpanMetricsPoint(
              service,
              "",
              null,
              slot,
              b.requests() + (prev == null ? 0 : prev.requests()),
              b.errors() + (prev == null ? 0 : prev.errors()),
              0,
              b.durations()));
    }
    return new ArrayList<>(out.values());
  }

  static SpanMetricsPoint bucket(String service, long time, long requests, long errors) {
    return new SpanMetricsPoint(
        service,
        "",
        null,
        time,
        requests,
        errors,
        0,
        DurationHistogram.of(new long[DurationHistogram.BUCKETS]));
  }

  final SpanMetricsReader reader =
      new SpanMetricsReader() {
        @Override
        public List<SpanMetricsPoint> query(SpanMetricsQuery query) {
          queries.add(query);
          return buckets.isEmpty() ? answer : aggregate(buckets, query);
        }

        @Override
        public List<ServiceEdge> serviceEdges(String tenant, long start, long end) {
          return List.of();
        }

        @Override
        public java.util.OptionalLong oldestBucket(
            String tenant,
            @org.jspecify.annotations.Nullable String service,
            @org.jspecify.annotations.Nullable String operation) {
          return java.util.OptionalLong.empty();
        }
      };

  static QueryService service(boolean withSpanMetrics, @Nullable SpanMetricsReader reader) {
    StorageComponent storage = new FakeStorage(withSpanMetrics ? reader : null);
    return QueryService.builder().storage(storage).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  static JsonNode json(ApiResponse r) throws Exception {
    return JSON.readTree(r.json());
  }

  @Test
  void red_defaultStepAlignmentAndEntryKinds() throws Exception {
    ApiResponse r = service(true, reader).red("t", QueryParameters.of(Map.of()));

    assertThat(r.status()).isEqualTo(200);
    SpanMetricsQuery q = queries.get(0);
    assertThat(q.stepNanos()).isEqualTo(300 * SECOND); // 24 h / 5 m = 288 points
    assertThat(q.startUnixNano()).isEqualTo(NOW_NANOS - 86_400 * SECOND);
    assertThat(q.spanKinds()).containsExactlyInAnyOrder(SpanKind.SERVER, SpanKind.CONSUMER);
    assertThat(q.groupBy()).isEqualTo(SpanMetricsQuery.GroupBy.NONE);
    JsonNode body = json(r);
    assertThat(body.get("points")).hasSize(288);
    assertThat(body.get("stepSeconds").asLong()).isEqualTo(300);
  }

  @Test
  void red_operationMeansEveryKind_stepUnits_alignment() throws Exception {
    long[] counts = new long[DurationHistogram.BUCKETS];
    counts[DurationHistogram.bucketOf(15_000_000L)] = 4;
    answer.add(
        new SpanMetricsPoint(
            "",
            "",
            null,
            NOW_NANOS - 120 * SECOND,
            4,
            1,
            60_000_000L,
            DurationHistogram.of(counts)));
    ApiResponse r =
        service(true, reader)
            .red(
                "t",
                QueryParameters.of(
                    Map.of("operation", "op", "step", "1m", "start", "2026-11-21T07:57:30Z")));

    SpanMetricsQuery q = queries.get(0);
    assertThat(q.spanKinds()).isEmpty();
    assertThat(q.startUnixNano()).isEqualTo(NOW_NANOS - 180 * SECOND);
    JsonNode points = json(r).get("points");
    assertThat(points).hasSize(3);
    assertThat(points.get(1).get("requests").asLong()).isEqualTo(4);
    assertThat(points.get(1).get("rate").asDouble()).isEqualTo(4 / 60.0);
    assertThat(points.get(1).get("errorRatio").asDouble()).isEqualTo(0.25);
    // 4 spans in (10, 20] ms: p50 rank 2 -> 15 ms
    assertThat(points.get(1).get("p50Ms").asDouble()).isEqualTo(15.0);
    assertThat(points.get(0).get("errorRatio").isNull()).isTrue();
  }

  @Test
  void red_groupedByServiceGivesOneFullSeriesPerService() throws Exception {
    buckets.add(bucket("order", NOW_NANOS - 60 * SECOND, 6, 3));
    buckets.add(bucket("frontend", NOW_NANOS - 60 * SECOND, 6, 0));
    buckets.add(bucket("frontend", NOW_NANOS - 20 * SECOND, 3, 0));
    ApiResponse r =
        service(true, reader)
            .red(
                "t",
                QueryParameters.of(
                    Map.of("groupBy", "service", "step", "30s", "start", "2026-11-21T07:58:00Z")));

    assertThat(r.status()).isEqualTo(200);
    assertThat(queries.get(0).groupBy()).isEqualTo(SpanMetricsQuery.GroupBy.SERVICE);
    JsonNode body = json(r);
    assertThat(body.has("points")).isFalse();
    JsonNode series = body.get("series");
    assertThat(series).hasSize(2);
    assertThat(series.get(0).get("service").asText()).isEqualTo("frontend");
    assertThat(series.get(1).get("service").asText()).isEqualTo("order");
    // every series has every step, empty ones with zero requests
    JsonNode frontend = series.get(0).get("points");
    assertThat(frontend).hasSize(4);
    assertThat(frontend.get(2).get("requests").asLong()).isEqualTo(6);
    assertThat(frontend.get(2).get("rate").asDouble()).isEqualTo(6 / 30.0);
    assertThat(frontend.get(3).get("requests").asLong()).isEqualTo(3);
    assertThat(frontend.get(0).get("requests").asLong()).isZero();
    assertThat(series.get(1).get("points").get(2).get("errorRatio").asDouble()).isEqualTo(0.5);
    assertThat(
            service(true, reader)
                .red("t", QueryParameters.of(Map.of("groupBy", "operation")))
                .status())
        .isEqualTo(400);
  }

  @Test
  void badParametersNameTheParameter() throws Exception {
    QueryService s = service(true, reader);
    for (String[] bad :
        new String[][] {
          {"step", "15s"},
          {"step", "0"},
          {"step", "ten"},
          {"step", "-10"},
          {"spanKind", "server,bogus"},
          {"serivce", "x"},
          {"end", "yesterday"}
        }) {
      ApiResponse r = s.red("t", QueryParameters.of(Map.of(bad[0], bad[1])));
      assertThat(r.status()).as(bad[0] + "=" + bad[1]).isEqualTo(400);
      assertThat(json(r).get("error").get("parameter").asText()).isEqualTo(bad[0]);
    }
    ApiResponse tooMany =
        s.red("t", QueryParameters.of(Map.of("step", "10", "start", "2026-01-01T00:00:00Z")));
    assertThat(json(tooMany).get("error").get("parameter").asText()).isEqualTo("step");
    assertThat(s.services("t", QueryParameters.of(Map.of("spanKind", "nope"))).status())
        .isEqualTo(400);
    assertThat(queries).isEmpty();
  }

  @Test
  void backendWithoutSpanMetrics_servicesKeepOldShape_redIs501() throws Exception {
    QueryService s = service(false, null);

    JsonNode services = json(s.services("t", QueryParameters.of(Map.of())));
    assertThat(services.get("services").get(0).get("name").asText()).isEqualTo("order");
    assertThat(services.get("services").get(0).has("requests")).isFalse();
    ApiResponse red = s.red("t", QueryParameters.of(Map.of()));
    assertThat(red.status()).isEqualTo(501);
    assertThat(json(red).get("error").get("message").asText()).contains("span metrics");
    assertThat(s.serviceMap("t", QueryParameters.of(Map.of())).status()).isEqualTo(501);
    ApiResponse operations = s.operations("t", "order", QueryParameters.of(Map.of()));
    assertThat(operations.status()).isEqualTo(501);
    assertThat(json(operations).get("error").get("message").asText())
        .isEqualTo(
            "FakeStorage does not offer SPAN_METRICS (span metrics: RED and the service map)");
    // bad parameters are still a 400, as with a backend that has span metrics
    assertThat(s.red("t", QueryParameters.of(Map.of("step", "soon"))).status()).isEqualTo(400);
  }

  @Test
  void services_areCappedByLimit_andOperationsPerService() throws Exception {
    List<ServiceOperations> many = new ArrayList<>();
    List<ServiceOperations.Operation> ops = new ArrayList<>();
    for (int i = 0; i < 250; i++) ops.add(new ServiceOperations.Operation("op-" + i, "SERVER"));
    for (int i = 0; i < 1_200; i++) many.add(new ServiceOperations("svc-" + i, ops));
    QueryService s =
        QueryService.builder()
            .storage(new FakeStorage(null, many))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    JsonNode page = json(s.services("t", QueryParameters.of(Map.of())));
    assertThat(page.get("services")).hasSize(QueryService.DEFAULT_SERVICES);
    assertThat(page.get("truncated").asBoolean()).isTrue();
    JsonNode first = page.get("services").get(0);
    assertThat(first.get("operations")).hasSize(QueryService.MAX_OPERATIONS_PER_SERVICE);
    assertThat(first.get("operationsTruncated").asBoolean()).isTrue();
    assertThat(first.get("operationCount").asInt()).isEqualTo(250);

    JsonNode small = json(s.services("t", QueryParameters.of(Map.of("limit", "5"))));
    assertThat(small.get("services")).hasSize(5);
    JsonNode all = json(s.services("t", QueryParameters.of(Map.of("limit", "10000"))));
    assertThat(all.get("services")).hasSize(1_200);
    assertThat(all.has("truncated")).isFalse();
    ApiResponse tooMany = s.services("t", QueryParameters.of(Map.of("limit", "10001")));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(json(tooMany).get("error").get("parameter").asText()).isEqualTo("limit");
  }

  @Test
  void services_rateOverTheAlignedWindow() throws Exception {
    // data from the window's first bucket on: the rate is over the whole aligned window
    buckets.add(bucket("order", NOW_NANOS - 60 * SECOND, 60, 3));
    JsonNode order =
        json(service(true, reader)
                .services(
                    "t",
                    QueryParameters.of(
                        Map.of("start", "2026-11-21T07:59:05Z", "end", "2026-11-21T07:59:55Z"))))
            .get("services")
            .get(0);

    SpanMetricsQuery q = queries.get(0);
    assertThat(q.startUnixNano()).isEqualTo(NOW_NANOS - 60 * SECOND);
    assertThat(q.endUnixNano()).isEqualTo(NOW_NANOS);
    assertThat(q.groupBy()).isEqualTo(SpanMetricsQuery.GroupBy.SERVICE);
    assertThat(order.get("operations")).hasSize(1);
    assertThat(order.get("requests").asLong()).isEqualTo(60);
    assertThat(order.get("rate").asDouble()).isEqualTo(1.0);
    assertThat(order.get("errorRatio").asDouble()).isEqualTo(0.05);
  }

  @Test
  void services_rateOfANewServiceIsOverTheTimeItHasBeenSeen() throws Exception {
    // seen for the last 6 minutes of the default 24-hour window: 5 requests per second
    for (long t = NOW_NANOS - 360 * SECOND; t < NOW_NANOS; t += 10 * SECOND) {
      buckets.add(bucket("order", t, 50, 0));
    }
    JsonNode order =
        json(service(true, reader).services("t", QueryParameters.of(Map.of())))
            .get("services")
            .get(0);

    assertThat(order.get("requests").asLong()).isEqualTo(36 * 50);
    assertThat(order.get("rate").asDouble()).isEqualTo(5.0);
    // not 1800 requests / 86400 s = 0.02
  }

  @Test
  void services_rateRunsToTheEndOfTheWindowAtLeastOneBucket() throws Exception {
    QueryService s = service(true, reader);
    // one bucket 2 hours before the end of a 24-hour window: averaged over those 2 hours
    buckets.add(bucket("order", NOW_NANOS - 7200 * SECOND, 720, 0));
    assertThat(rateOf(s, Map.of())).isEqualTo(0.1);
    // a window ending in the future counts up to the current bucket only
    assertThat(rateOf(s, Map.of("end", "2026-11-21T10:00:00Z"))).isEqualTo(0.1);

    // first data inside a step of the first pass (24 h / 1000 = 90 s): found to the bucket
    buckets.clear();
    buckets.add(bucket("order", NOW_NANOS - 350 * SECOND, 350, 0));
    assertThat(rateOf(s, Map.of())).isEqualTo(1.0);

    // data in the window's last bucket only: at least one bucket, 10 s
    buckets.clear();
    buckets.add(bucket("order", NOW_NANOS - 10 * SECOND, 30, 0));
    assertThat(rateOf(s, Map.of())).isEqualTo(3.0);
  }

  private static double rateOf(QueryService s, Map<String, String> params) throws Exception {
    return json(s.services("t", QueryParameters.of(params)))
        .get("services")
        .get(0)
        .get("rate")
        .asDouble();
  }

  /** Storage with one service; span metrics only when a reader is given. */
  static final class FakeStorage implements StorageComponent {
    private final @Nullable SpanMetricsReader reader;
    private final List<ServiceOperations> services;

    FakeStorage(@Nullable SpanMetricsReader reader) {
      this(
          reader,
          List.of(
              new ServiceOperations(
                  "order", List.of(new ServiceOperations.Operation("PlaceOrder", "SERVER")))));
    }

    FakeStorage(@Nullable SpanMetricsReader reader, List<ServiceOperations> services) {
      this.reader = reader;
      this.services = services;
    }

    @Override
    public Optional<SpanMetricsReader> spanMetricsReader() {
      return Optional.ofNullable(reader);
    }

    @Override
    public CheckResult check() {
      throw new UnsupportedOperationException();
    }

    @Override
    public TelemetryWriter writer() {
      throw new UnsupportedOperationException();
    }

    @Override
    public TraceReader traceReader() {
      return new TraceReader() {
        @Override
        public List<dev.sightline.core.model.Span> getTrace(String tenant, String traceId) {
          return List.of();
        }

        @Override
        public List<TraceSummary> searchTraces(TraceQuery query) {
          return List.of();
        }

        @Override
        public List<ServiceOperations> services(String tenant, long start, long end) {
          return services;
        }
      };
    }

    @Override
    public LogReader logReader() {
      throw new UnsupportedOperationException();
    }

    @Override
    public MetricReader metricReader() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long deleteBefore(long cutoffUnixNano) {
      return 0;
    }

    @Override
    public void close() {}
  }
}
