package dev.sightline.testing;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.model.Tenants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Deterministic fixtures relative to {@link #NOW_NANOS} (Zipkin's {@code TestObjects} style). Every
 * field of {@link Span}, {@link LogRecord} and {@link MetricPoint} is set by at least one fixture,
 * with every {@link AnyValue} kind.
 */
public final class TestObjects {
  private TestObjects() {}

  /** "Now" for fixtures: the current minute, so data is recent but identical within a minute. */
  public static final long NOW_NANOS =
      Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli() * 1_000_000L;

  public static final long MILLI = 1_000_000L;
  public static final long SECOND = 1_000 * MILLI;

  /** The fixed start of {@link #TRACE}: ten minutes before {@link #NOW_NANOS}. */
  public static final long TRACE_START = NOW_NANOS - Duration.ofMinutes(10).toNanos();

  public static final String TENANT = Tenants.DEFAULT;

  /** Every {@link AnyValue} kind, including nested arrays and key/value lists. */
  public static final Attributes ALL_VALUE_KINDS =
      Attributes.builder()
          .put("string", "a \"quoted\" ünïcode / \\ string\n")
          .put("empty.string", "")
          .put("bool", true)
          .put("long", Long.MIN_VALUE)
          .put("long.small", 42L)
          .put("double", 3.14159)
          .put("double.whole", 2.0)
          .put("double.huge", 1.0e300)
          .put("double.negative.zero", -0.0)
          .put("double.nan", Double.NaN)
          .put("double.infinity", Double.NEGATIVE_INFINITY)
          .put("bytes", new AnyValue.BytesValue(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0x80}))
          .put("bytes.empty", new AnyValue.BytesValue(new byte[0]))
          .put(
              "array",
              new AnyValue.ArrayValue(
                  List.of(
                      AnyValue.of("a"),
                      AnyValue.of(1L),
                      AnyValue.of(1.5),
                      AnyValue.of(false),
                      new AnyValue.ArrayValue(List.of(AnyValue.of("nested"))),
                      AnyValue.EmptyValue.INSTANCE)))
          .put("array.empty", new AnyValue.ArrayValue(List.of()))
          .put(
              "kvlist",
              new AnyValue.KeyValueList(
                  Attributes.builder()
                      .put("inner.string", "v")
                      .put("inner.long", 7L)
                      .put(
                          "inner.kvlist",
                          new AnyValue.KeyValueList(Attributes.builder().put("deep", 1.25).build()))
                      .put("inner.bytes", new AnyValue.BytesValue(new byte[] {9, 8, 7}))
                      .build()))
          .put("kvlist.empty", new AnyValue.KeyValueList(Attributes.empty()))
          .put("unset", AnyValue.EmptyValue.INSTANCE)
          .put("key with spaces/and \"quotes\"~", "odd key")
          .build();

  public static final InstrumentationScope SCOPE =
      new InstrumentationScope(
          "io.opentelemetry.armeria-grpc-1.14",
          "2.31.1-alpha",
          Attributes.builder().put("scope.attr", "x").put("scope.long", 3L).build(),
          1,
          "https://opentelemetry.io/schemas/1.26.0");

  public static final Resource FRONTEND = resource("frontend", "1.4.2");
  public static final Resource ORDER = resource("order", "2.0.1");
  public static final Resource PAYMENT = resource("payment", "0.9.7");

  /** A 32-hex trace id derived from {@code n} (distinct for distinct n). */
  public static String traceId(long n) {
    return String.format("%016x%016x", 0x5eed_0000_0000_0000L ^ n, n * 0x9E3779B97F4A7C15L | 1);
  }

  /** A 16-hex span id derived from {@code n}. */
  public static String spanId(long n) {
    return String.format("%016x", (n + 1) * 0xC2B2AE3D27D4EB4FL | 1L << 60);
  }

  public static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static final String ROOT_ID = "00f067aa0ba902b7";
  private static final String CHECKOUT_CLIENT_ID = "1a2b3c4d5e6f7081";
  private static final String ORDER_SERVER_ID = "2b3c4d5e6f708192";
  private static final String PAYMENT_CLIENT_ID = "3c4d5e6f708192a3";
  private static final String PAYMENT_SERVER_ID = "4d5e6f708192a3b4";

  /** The frontend's root span of {@link #TRACE}. */
  public static final Span FRONTEND_ROOT =
      Span.builder()
          .tenant(TENANT)
          .traceId(TRACE_ID)
          .spanId(ROOT_ID)
          .traceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
          .flags(0x101)
          .name("GET /api/checkout")
          .kind(SpanKind.SERVER)
          .startTimeUnixNano(TRACE_START)
          .endTimeUnixNano(TRACE_START + 250 * MILLI)
          .attributes(
              Attributes.builder()
                  .put("http.request.method", "GET")
                  .put("http.route", "/api/checkout")
                  .put("http.response.status_code", 500L)
                  .put("url.path", "/api/checkout")
                  .put("user_agent.original", "Mozilla/5.0")
                  .build())
          .droppedAttributesCount(2)
          .status(StatusCode.ERROR, "payment declined")
          .resource(FRONTEND)
          .scope(SCOPE)
          .build();

  /** The frontend's client call to order: carries every {@link AnyValue} kind, events and links. */
  public static final Span CHECKOUT_CLIENT =
      Span.builder()
          .tenant(TENANT)
          .traceId(TRACE_ID)
          .spanId(CHECKOUT_CLIENT_ID)
          .parentSpanId(ROOT_ID)
          .traceState("congo=t61rcWkgMzE")
          .flags(1)
          .name("Shop.OrderService/PlaceOrder")
          .kind(SpanKind.CLIENT)
          .startTimeUnixNano(TRACE_START + 10 * MILLI)
          .endTimeUnixNano(TRACE_START + 240 * MILLI)
          .attributes(
              Attributes.builder()
                  .put("rpc.system", "grpc")
                  .put("rpc.service", "Shop.OrderService")
                  .put("rpc.method", "PlaceOrder")
                  .put("server.address", "order")
                  .putAll(ALL_VALUE_KINDS)
                  .build())
          .droppedAttributesCount(1)
          .events(
              List.of(
                  new SpanEvent(
                      TRACE_START + 11 * MILLI,
                      "message",
                      Attributes.builder()
                          .put("message.type", "SENT")
                          .put("message.id", 1L)
                          .put("message.compressed_size", 1.5)
                          .build(),
                      0),
                  new SpanEvent(
                      TRACE_START + 239 * MILLI,
                      "message",
                      Attributes.builder()
                          .put("message.type", "RECEIVED")
                          .put("payload", ALL_VALUE_KINDS.get("kvlist"))
                          .put("raw", ALL_VALUE_KINDS.get("bytes"))
                          .build(),
                      3),
                  new SpanEvent(TRACE_START + 240 * MILLI, "no attributes", Attributes.empty(), 0)))
          .droppedEventsCount(4)
          .links(
              List.of(
                  new SpanLink(
                      "0af7651916cd43dd8448eb211c80319c",
                      "b7ad6b7169203331",
                      "rojo=1",
                      Attributes.builder()
                          .put("link.reason", "retry-of")
                          .put("link.array", ALL_VALUE_KINDS.get("array"))
                          .build(),
                      2,
                      1),
                  new SpanLink(
                      "0af7651916cd43dd8448eb211c80319d",
                      "c7ad6b7169203332",
                      "",
                      Attributes.empty(),
                      0,
                      0)))
          .droppedLinksCount(5)
          .status(StatusCode.ERROR, "")
          .resource(FRONTEND)
          .scope(SCOPE)
          .build();

  public static final Span ORDER_SERVER =
      Span.builder()
          .tenant(TENANT)
          .traceId(TRACE_ID)
          .spanId(ORDER_SERVER_ID)
          .parentSpanId(CHECKOUT_CLIENT_ID)
          .name("Shop.OrderService.PlaceOrder")
          .kind(SpanKind.SERVER)
          .startTimeUnixNano(TRACE_START + 20 * MILLI)
          .endTimeUnixNano(TRACE_START + 230 * MILLI)
          .attributes(
              Attributes.builder()
                  .put("rpc.system", "grpc")
                  .put("rpc.service", "Shop.OrderService")
                  .put("rpc.method", "PlaceOrder")
                  .put("order.id", "ord-1001")
                  .put("order.items", 3L)
                  .put("order.total", 99.95)
                  .build())
          .status(StatusCode.ERROR, "payment declined")
          .resource(ORDER)
          .scope(InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.1-alpha"))
          .build();

  public static final Span PAYMENT_CLIENT =
      Span.builder()
          .tenant(TENANT)
          .traceId(TRACE_ID)
          .spanId(PAYMENT_CLIENT_ID)
          .parentSpanId(ORDER_SERVER_ID)
          .name("Shop.PaymentService/Charge")
          .kind(SpanKind.CLIENT)
          .startTimeUnixNano(TRACE_START + 30 * MILLI)
          .endTimeUnixNano(TRACE_START + 220 * MILLI)
          .attributes(
              Attributes.builder()
                  .put("rpc.system", "grpc")
                  .put("server.address", "payment")
                  .build())
          .status(StatusCode.UNSET, "")
          .resource(ORDER)
          .scope(InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.1-alpha"))
          .build();

  public static final Span PAYMENT_SERVER =
      Span.builder()
          .tenant(TENANT)
          .traceId(TRACE_ID)
          .spanId(PAYMENT_SERVER_ID)
          .parentSpanId(PAYMENT_CLIENT_ID)
          .name("Shop.PaymentService.Charge")
          .kind(SpanKind.SERVER)
          .startTimeUnixNano(TRACE_START + 40 * MILLI)
          .endTimeUnixNano(TRACE_START + 210 * MILLI)
          .attributes(
              Attributes.builder()
                  .put("rpc.system", "grpc")
                  .put("payment.method", "card")
                  .put("payment.amount", 99.95)
                  .put("payment.retries", 2L)
                  .put("payment.approved", false)
                  .build())
          .events(
              List.of(
                  new SpanEvent(
                      TRACE_START + 200 * MILLI,
                      "exception",
                      Attributes.builder()
                          .put("exception.type", "com.shop.PaymentDeclinedException")
                          .put("exception.message", "card declined: insufficient funds")
                          .put(
                              "exception.stacktrace", "com.shop.PaymentDeclinedException\n\tat ...")
                          .build(),
                      0)))
          .status(StatusCode.ERROR, "card declined")
          .resource(PAYMENT)
          .scope(InstrumentationScope.of("com.shop.payment", ""))
          .build();

  /**
   * A five-span trace across frontend, order and payment, in start order, with an error in payment.
   * Its span ids are distinct, its start times strictly increasing.
   */
  public static final List<Span> TRACE =
      List.of(FRONTEND_ROOT, CHECKOUT_CLIENT, ORDER_SERVER, PAYMENT_CLIENT, PAYMENT_SERVER);

  /** The services of {@link #TRACE}, sorted. */
  public static final List<String> TRACE_SERVICES = List.of("frontend", "order", "payment");

  /**
   * Logs correlated with {@link #TRACE}, one per span plus an uncorrelated one, every field set.
   */
  public static final List<LogRecord> LOGS =
      List.of(
          LogRecord.builder()
              .tenant(TENANT)
              .timeUnixNano(TRACE_START + 1 * MILLI)
              .observedTimeUnixNano(TRACE_START + 2 * MILLI)
              .severity(9, "INFO")
              .body("Checkout started for cart 42")
              .attributes(Attributes.builder().put("cart.id", 42L).put("logger", "web").build())
              .droppedAttributesCount(1)
              .flags(1)
              .traceId(TRACE_ID)
              .spanId(ROOT_ID)
              .eventName("checkout.start")
              .resource(FRONTEND)
              .scope(SCOPE)
              .build(),
          LogRecord.builder()
              .tenant(TENANT)
              .timeUnixNano(TRACE_START + 25 * MILLI)
              .observedTimeUnixNano(TRACE_START + 26 * MILLI)
              .severity(5, "DEBUG")
              .body(
                  new AnyValue.KeyValueList(
                      Attributes.builder()
                          .put("msg", "Placing order")
                          .put("items", ALL_VALUE_KINDS.get("array"))
                          .build()))
              .attributes(ALL_VALUE_KINDS)
              .traceId(TRACE_ID)
              .spanId(ORDER_SERVER_ID)
              .resource(ORDER)
              .scope(InstrumentationScope.of("org.slf4j", "2.0.17"))
              .build(),
          LogRecord.builder()
              .tenant(TENANT)
              .observedTimeUnixNano(TRACE_START + 205 * MILLI) // no event time: observed is used
              .severity(17, "ERROR")
              .body("Payment DECLINED: insufficient funds")
              .attributes(
                  Attributes.builder()
                      .put("exception.type", "com.shop.PaymentDeclinedException")
                      .build())
              .traceId(TRACE_ID)
              .spanId(PAYMENT_SERVER_ID)
              .resource(PAYMENT)
              .build(),
          LogRecord.builder()
              .tenant(TENANT)
              .timeUnixNano(TRACE_START + 300 * MILLI)
              .observedTimeUnixNano(TRACE_START + 301 * MILLI)
              .severity(13, "WARN")
              .body(new AnyValue.BytesValue(new byte[] {1, 2, 3}))
              .resource(FRONTEND)
              .build(),
          LogRecord.builder()
              .tenant(TENANT)
              .timeUnixNano(TRACE_START + 400 * MILLI)
              .severity(0, "")
              .body(AnyValue.of(12345L))
              .resource(Resource.empty())
              .build());

  /** One point of every metric type and temporality, all with exemplars where OTLP has them. */
  public static final List<MetricPoint> METRICS =
      metrics(NOW_NANOS - Duration.ofMinutes(5).toNanos());

  /** Points of every type at {@code timeUnixNano}; identical for identical arguments. */
  public static List<MetricPoint> metrics(long timeUnixNano) {
    long start = timeUnixNano - 60 * SECOND;
    Exemplar doubleExemplar =
        new Exemplar(
            timeUnixNano - 5 * SECOND,
            false,
            0.245,
            0,
            TRACE_ID,
            PAYMENT_SERVER_ID,
            Attributes.builder().put("http.route", "/api/checkout").put("retry", true).build());
    Exemplar longExemplar =
        new Exemplar(timeUnixNano - 4 * SECOND, true, 0, 17, "", "", Attributes.empty());
    Attributes pointAttributes =
        Attributes.builder()
            .put("http.request.method", "POST")
            .put("http.response.status_code", 200L)
            .build();
    List<MetricPoint> points = new ArrayList<>();
    points.add(
        new MetricPoint(
            TENANT,
            "process.runtime.jvm.memory.usage",
            "Measure of memory used",
            "By",
            MetricType.GAUGE,
            AggregationTemporality.UNSPECIFIED,
            false,
            Attributes.builder().put("pool", "G1 Eden Space").put("type", "heap").build(),
            0,
            timeUnixNano,
            0,
            PointValue.NumberValue.ofDouble(1.5e8),
            List.of(doubleExemplar),
            FRONTEND,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "queue.depth",
            "",
            "{item}",
            MetricType.GAUGE,
            AggregationTemporality.UNSPECIFIED,
            false,
            Attributes.empty(),
            0,
            timeUnixNano,
            1,
            PointValue.NumberValue.ofLong(-3),
            List.of(),
            ORDER,
            InstrumentationScope.empty()));
    points.add(
        new MetricPoint(
            TENANT,
            "orders.placed",
            "Orders placed",
            "{order}",
            MetricType.SUM,
            AggregationTemporality.DELTA,
            true,
            pointAttributes,
            start,
            timeUnixNano,
            0,
            PointValue.NumberValue.ofLong(12),
            List.of(longExemplar, doubleExemplar),
            ORDER,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "payment.amount.total",
            "Charged amount",
            "USD",
            MetricType.SUM,
            AggregationTemporality.CUMULATIVE,
            true,
            Attributes.builder().put("currency", "USD").build(),
            start - 3600 * SECOND,
            timeUnixNano,
            0,
            PointValue.NumberValue.ofDouble(12345.67),
            List.of(),
            PAYMENT,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "connections.open",
            "",
            "{connection}",
            MetricType.SUM,
            AggregationTemporality.CUMULATIVE,
            false,
            Attributes.empty(),
            start,
            timeUnixNano,
            0,
            PointValue.NumberValue.ofLong(8),
            List.of(),
            PAYMENT,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "http.server.request.duration",
            "Duration of HTTP server requests",
            "s",
            MetricType.HISTOGRAM,
            AggregationTemporality.CUMULATIVE,
            false,
            pointAttributes,
            start,
            timeUnixNano,
            0,
            new PointValue.HistogramValue(
                10, 2.5, 0.01, 1.2, List.of(1L, 2L, 3L, 0L, 4L), List.of(0.005, 0.05, 0.25, 1.0)),
            List.of(doubleExemplar, longExemplar),
            FRONTEND,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "rpc.client.duration",
            "",
            "ms",
            MetricType.HISTOGRAM,
            AggregationTemporality.DELTA,
            false,
            Attributes.empty(),
            start,
            timeUnixNano,
            0,
            new PointValue.HistogramValue(0, null, null, null, List.of(0L), List.of()),
            List.of(),
            ORDER,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "payment.latency",
            "Payment latency",
            "ms",
            MetricType.EXPONENTIAL_HISTOGRAM,
            AggregationTemporality.DELTA,
            false,
            Attributes.builder().put("method", "card").build(),
            start,
            timeUnixNano,
            0,
            new PointValue.ExponentialHistogramValue(
                21, 512.5, 0.0, 120.0, 3, 2, 1e-9, -2, List.of(1L, 0L, 5L, 7L), 1, List.of(2L, 4L)),
            List.of(doubleExemplar),
            PAYMENT,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "payment.latency.sparse",
            "",
            "ms",
            MetricType.EXPONENTIAL_HISTOGRAM,
            AggregationTemporality.CUMULATIVE,
            false,
            Attributes.empty(),
            start,
            timeUnixNano,
            0,
            new PointValue.ExponentialHistogramValue(
                0, null, null, null, -1, 0, 0.0, 0, List.of(), 0, List.of()),
            List.of(),
            PAYMENT,
            SCOPE));
    points.add(
        new MetricPoint(
            TENANT,
            "gc.pause",
            "GC pauses (legacy summary)",
            "ms",
            MetricType.SUMMARY,
            AggregationTemporality.UNSPECIFIED,
            false,
            Attributes.builder().put("gc", "G1 Young Generation").build(),
            start,
            timeUnixNano,
            0,
            new PointValue.SummaryValue(
                40,
                123.4,
                List.of(
                    new PointValue.Quantile(0.0, 0.5),
                    new PointValue.Quantile(0.5, 2.5),
                    new PointValue.Quantile(0.99, 12.0),
                    new PointValue.Quantile(1.0, 14.5))),
            List.of(),
            FRONTEND,
            SCOPE));
    return List.copyOf(points);
  }

  /** A resource for {@code service} with typical semantic-convention attributes. */
  public static Resource resource(String service, String version) {
    return new Resource(
        Attributes.builder()
            .put(Resource.SERVICE_NAME, service)
            .put(Resource.SERVICE_VERSION, version)
            .put("service.namespace", "shop")
            .put("deployment.environment.name", "test")
            .put("host.name", service + "-7d9f8-abc12")
            .put("process.pid", 4242L)
            .put("telemetry.sdk.language", "java")
            .build(),
        service.equals("payment") ? 1 : 0,
        "https://opentelemetry.io/schemas/1.26.0");
  }

  /**
   * A minimal span of trace {@code traceId} for search tests: {@code service}/{@code name}, start
   * {@code start}, duration {@code durationNanos}.
   */
  public static Span span(
      String tenant,
      String traceId,
      String spanId,
      String parentSpanId,
      String service,
      String name,
      long start,
      long durationNanos) {
    return Span.builder()
        .tenant(tenant)
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .name(name)
        .kind(parentSpanId.isEmpty() ? SpanKind.SERVER : SpanKind.INTERNAL)
        .startTimeUnixNano(start)
        .endTimeUnixNano(start + durationNanos)
        .resource(Resource.of(Attributes.ofStrings(Resource.SERVICE_NAME, service)))
        .build();
  }

  /** Spans ordered as {@code TraceReader.getTrace} returns them: start time, then span id. */
  public static List<Span> sortedAsTrace(List<Span> spans) {
    Span[] sorted = spans.toArray(new Span[0]);
    Arrays.sort(
        sorted, Comparator.comparingLong(Span::startTimeUnixNano).thenComparing(Span::spanId));
    return List.of(sorted);
  }

  /** {@code spans} with the tenant replaced. */
  public static List<Span> withTenant(List<Span> spans, String tenant) {
    return spans.stream().map(s -> s.toBuilder().tenant(tenant).build()).toList();
  }

  /** Convenience for attribute maps in queries. */
  public static Map<String, String> attrs(String key, String value) {
    return Map.of(key, value);
  }
}
