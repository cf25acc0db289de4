package dev.sightline.testing;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.model.Tenants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates realistic multi-service telemetry for tests, benchmarks and demos: traces through a
 * shop (frontend → cart, order → payment, inventory, shipping, database), about ten attributes per
 * span, logs correlated to spans, and RED-style metric points. Output depends only on the builder
 * settings (seeded {@link Random}); timestamps advance from {@link Builder#startTimeUnixNano} by
 * {@link Builder#traceInterval} per trace, so a start in the past back-fills history.
 *
 * <p>Not thread-safe: use one generator per thread.
 */
public final class TelemetryGenerator {

  /** The calls a service makes: gRPC service name and method of each downstream service. */
  private record Downstream(String service, String rpcService, String method) {}

  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
    "okhttp/4.12.0",
  };
  private static final String[] ROUTES = {
    "/api/checkout", "/api/cart", "/api/products/{id}", "/api/orders/{id}", "/api/recommendations"
  };
  private static final Downstream[] FRONTEND_CALLS = {
    new Downstream("cart", "Shop.CartService", "GetCart"),
    new Downstream("order", "Shop.OrderService", "PlaceOrder"),
    new Downstream("catalog", "Shop.CatalogService", "GetProduct"),
    new Downstream("recommendation", "Shop.RecommendationService", "ListRecommendations"),
  };
  private static final Downstream[] ORDER_CALLS = {
    new Downstream("payment", "Shop.PaymentService", "Charge"),
    new Downstream("inventory", "Shop.InventoryService", "Reserve"),
    new Downstream("shipping", "Shop.ShippingService", "Quote"),
    new Downstream("email", "Shop.EmailService", "SendConfirmation"),
  };
  private static final Downstream[] OTHER_CALLS = {
    new Downstream("inventory", "Shop.InventoryService", "CheckStock"),
    new Downstream("catalog", "Shop.CatalogService", "GetProduct"),
  };
  private static final Downstream PAYMENT_CALL =
      new Downstream("payment", "Shop.PaymentService", "Charge");
  private static final String[] SQL = {
    "SELECT * FROM orders WHERE id = ?",
    "INSERT INTO orders (id, user_id, total) VALUES (?, ?, ?)",
    "UPDATE stock SET reserved = reserved + ? WHERE sku = ?",
    "SELECT sku, price FROM products WHERE sku IN (?)",
  };

  private final String tenant;
  private final int spansPerTrace;
  private final int logsPerTrace;
  private final double errorRate;
  private final long intervalNanos;
  private final Random random;
  private final java.util.Map<String, Resource> resources = new java.util.HashMap<>();
  private final byte[] idBytes = new byte[16];
  private long clock;
  private long traceCount;
  private boolean errorInjected;

  private TelemetryGenerator(Builder b) {
    this.tenant = b.tenant;
    this.spansPerTrace = b.spansPerTrace;
    this.logsPerTrace = b.logsPerTrace;
    this.errorRate = b.errorRate;
    this.intervalNanos = b.traceInterval.toNanos();
    this.random = new Random(b.seed);
    this.clock = b.startTimeUnixNano;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The start time the next trace will get. */
  public long clock() {
    return clock;
  }

  /** Traces generated so far. */
  public long traceCount() {
    return traceCount;
  }

  /**
   * One trace with exactly {@code spansPerTrace} spans, root first. With probability {@code
   * errorRate} a payment call fails and the error propagates to its callers.
   */
  public List<Span> nextTrace() {
    String traceId = newTraceId();
    long start = clock;
    clock += intervalNanos;
    traceCount++;
    boolean error = random.nextDouble() < errorRate;
    errorInjected = false;
    List<Span> spans = new ArrayList<>(spansPerTrace);
    String route = ROUTES[random.nextInt(ROUTES.length)];
    long rootDuration = (20 + random.nextInt(400)) * 1_000_000L;
    String rootId = newSpanId();
    Span.Builder root =
        baseSpan(traceId, rootId, "", "frontend", SpanKind.SERVER, start, rootDuration)
            .name(("/api/checkout".equals(route) ? "POST " : "GET ") + route)
            .attributes(httpServerAttributes(route, error));
    // The root's slot is filled last: children are built first so an error can propagate up.
    spans.add(null);
    int[] remaining = {spansPerTrace - 1};
    boolean childError =
        addChildren(spans, traceId, rootId, "frontend", start, rootDuration, error, remaining, 0);
    if (childError || error) root.status(StatusCode.ERROR, "");
    spans.set(0, root.build());
    return spans;
  }

  /** Whole traces until at least {@code minSpans} spans have been produced. */
  public List<Span> spans(int minSpans) {
    List<Span> out = new ArrayList<>(minSpans + spansPerTrace);
    while (out.size() < minSpans) out.addAll(nextTrace());
    return out;
  }

  /** About {@code logsPerTrace} log records correlated with spans of {@code trace}. */
  public List<LogRecord> logsFor(List<Span> trace) {
    List<LogRecord> logs = new ArrayList<>(logsPerTrace);
    for (int i = 0; i < logsPerTrace && !trace.isEmpty(); i++) {
      Span span = trace.get(i == 0 ? 0 : random.nextInt(trace.size()));
      boolean error = span.statusCode() == StatusCode.ERROR && span.events().size() > 0;
      long time =
          span.startTimeUnixNano()
              + (span.durationNanos() > 0 ? random.nextLong(span.durationNanos()) : 0);
      LogRecord.Builder log =
          LogRecord.builder()
              .tenant(tenant)
              .timeUnixNano(time)
              .observedTimeUnixNano(time + 1_000_000L + random.nextInt(5_000_000))
              .traceId(span.traceId())
              .spanId(span.spanId())
              .flags(1)
              .resource(span.resource())
              .scope(InstrumentationScope.of("org.slf4j.Logger", "2.0.17"))
              .attributes(
                  Attributes.builder()
                      .put("thread.name", "grpc-worker-" + random.nextInt(16))
                      .put("code.namespace", "com.shop." + span.serviceName() + ".Handler")
                      .build());
      if (error) {
        log.severity(17, "ERROR")
            .body("Failed " + span.name() + ": " + span.statusMessage())
            .eventName("exception");
      } else if (random.nextInt(10) == 0) {
        log.severity(13, "WARN").body("Slow call to " + span.name() + ", retrying");
      } else {
        log.severity(9, "INFO")
            .body("Handled " + span.name() + " for user u" + random.nextInt(10_000));
      }
      logs.add(log.build());
    }
    return logs;
  }

  /**
   * RED metric points for every service at {@code timeUnixNano}: a request-duration histogram, a
   * request counter, an in-flight gauge.
   */
  public List<MetricPoint> metrics(long timeUnixNano) {
    List<MetricPoint> points = new ArrayList<>();
    String[] services = {"frontend", "cart", "order", "payment", "inventory", "shipping"};
    for (String service : services) {
      Resource resource = resource(service);
      Attributes attrs =
          Attributes.builder()
              .put("rpc.system", "grpc")
              .put("rpc.service", "Shop." + capitalize(service) + "Service")
              .build();
      List<Long> buckets = new ArrayList<>();
      long count = 0;
      for (int i = 0; i < 6; i++) {
        long c = random.nextInt(50);
        buckets.add(c);
        count += c;
      }
      points.add(
          new MetricPoint(
              tenant,
              "rpc.server.duration",
              "Duration of inbound RPCs",
              "ms",
              MetricType.HISTOGRAM,
              AggregationTemporality.DELTA,
              false,
              attrs,
              timeUnixNano - 10_000_000_000L,
              timeUnixNano,
              0,
              new PointValue.HistogramValue(
                  count,
                  count * 42.0,
                  1.0,
                  900.0,
                  buckets,
                  List.of(5.0, 25.0, 100.0, 250.0, 1000.0)),
              List.of(),
              resource,
              InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.1-alpha")));
      points.add(
          new MetricPoint(
              tenant,
              "rpc.server.requests",
              "Inbound RPCs",
              "{request}",
              MetricType.SUM,
              AggregationTemporality.DELTA,
              true,
              attrs,
              timeUnixNano - 10_000_000_000L,
              timeUnixNano,
              0,
              PointValue.NumberValue.ofLong(count),
              List.of(),
              resource,
              InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.1-alpha")));
      points.add(
          new MetricPoint(
              tenant,
              "jvm.threads.live",
              "Live threads",
              "{thread}",
              MetricType.GAUGE,
              AggregationTemporality.UNSPECIFIED,
              false,
              Attributes.empty(),
              0,
              timeUnixNano,
              0,
              PointValue.NumberValue.ofLong(20 + random.nextInt(40)),
              List.of(),
              resource,
              InstrumentationScope.of("io.opentelemetry.runtime-telemetry-java17", "2.31.1")));
    }
    return points;
  }

  private boolean addChildren(
      List<Span> spans,
      String traceId,
      String parentId,
      String service,
      long parentStart,
      long parentDuration,
      boolean errorPlanned,
      int[] remaining,
      int depth) {
    boolean anyError = false;
    Downstream[] calls =
        switch (service) {
          case "frontend" -> FRONTEND_CALLS;
          case "order" -> ORDER_CALLS;
          default -> OTHER_CALLS;
        };
    int fanOut = depth == 0 ? Math.max(1, remaining[0]) : 1 + random.nextInt(3);
    long slot = Math.max(1, parentDuration / (fanOut + 1));
    for (int i = 0; i < fanOut && remaining[0] > 0; i++) {
      long start = parentStart + slot * i + random.nextInt((int) Math.min(slot, 1_000_000)) + 1;
      long duration = Math.max(50_000, (long) (slot * (0.5 + random.nextDouble() * 0.4)));
      boolean dbCall = remaining[0] == 1 || depth >= 3 || random.nextInt(4) == 0;
      if (dbCall) {
        remaining[0]--;
        String sql = SQL[random.nextInt(SQL.length)];
        Span.Builder db =
            baseSpan(traceId, newSpanId(), parentId, service, SpanKind.CLIENT, start, duration)
                .name(
                    sql.substring(0, sql.indexOf(' '))
                        + " shop."
                        + (service.equals("order") ? "orders" : "products"))
                .attributes(
                    Attributes.builder()
                        .put("db.system", "postgresql")
                        .put("db.namespace", "shop")
                        .put("db.query.text", sql)
                        .put("db.operation.name", sql.substring(0, sql.indexOf(' ')))
                        .put("server.address", "postgres.shop.svc")
                        .put("server.port", 5432L)
                        .put("network.peer.address", "10.0.3." + random.nextInt(255))
                        .put("db.response.returned_rows", (long) random.nextInt(100))
                        .put("thread.name", "pool-1-thread-" + random.nextInt(8))
                        .put("thread.id", (long) random.nextInt(200))
                        .build());
        spans.add(db.build());
        continue;
      }
      if (remaining[0] < 2) break;
      int pick = random.nextInt(calls.length);
      if (calls[pick].service().equals(service)) pick = (pick + 1) % calls.length; // no self-calls
      Downstream call = calls[pick];
      boolean error = false;
      if (errorPlanned && !errorInjected) {
        call = PAYMENT_CALL;
        error = true;
        errorInjected = true;
      }
      remaining[0] -= 2;
      String clientId = newSpanId();
      String serverId = newSpanId();
      int clientIndex = spans.size();
      spans.add(null);
      Span.Builder server =
          baseSpan(
                  traceId,
                  serverId,
                  clientId,
                  call.service(),
                  SpanKind.SERVER,
                  start + 200_000,
                  Math.max(500, duration - 400_000))
              .name(call.rpcService() + "." + call.method())
              .attributes(rpcAttributes(call, "server", error));
      boolean downstreamError = false;
      if (remaining[0] > 0 && !"payment".equals(call.service())) {
        downstreamError =
            addChildren(
                spans,
                traceId,
                serverId,
                call.service(),
                start + 200_000,
                Math.max(500, duration - 400_000),
                false,
                remaining,
                depth + 1);
      }
      boolean failed = error || downstreamError;
      if (error) {
        server.events(
            List.of(
                new SpanEvent(
                    start + duration / 2,
                    "exception",
                    Attributes.builder()
                        .put("exception.type", "com.shop.PaymentDeclinedException")
                        .put("exception.message", "card declined: insufficient funds")
                        .put(
                            "exception.stacktrace",
                            "com.shop.PaymentDeclinedException: card declined\n\tat com.shop.payment.Charge.run(Charge.java:42)")
                        .build(),
                    0)));
        server.status(StatusCode.ERROR, "card declined");
      } else if (failed) {
        server.status(StatusCode.ERROR, "downstream failure");
      }
      spans.add(server.build());
      Span.Builder client =
          baseSpan(traceId, clientId, parentId, service, SpanKind.CLIENT, start, duration)
              .name(call.rpcService() + "/" + call.method())
              .attributes(rpcAttributes(call, "client", failed));
      if (failed) client.status(StatusCode.ERROR, "");
      spans.set(clientIndex, client.build());
      anyError |= failed;
    }
    return anyError;
  }

  private Span.Builder baseSpan(
      String traceId,
      String spanId,
      String parentId,
      String service,
      SpanKind kind,
      long start,
      long duration) {
    return Span.builder()
        .tenant(tenant)
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(parentId)
        .flags(1)
        .kind(kind)
        .startTimeUnixNano(start)
        .endTimeUnixNano(start + duration)
        .resource(resource(service))
        .scope(InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.1-alpha"));
  }

  private Attributes httpServerAttributes(String route, boolean error) {
    return Attributes.builder()
        .put("http.request.method", route.equals("/api/checkout") ? "POST" : "GET")
        .put("http.route", route)
        .put("url.path", route.replace("{id}", Integer.toString(random.nextInt(100_000))))
        .put("url.scheme", "https")
        .put("http.response.status_code", error ? 500L : 200L)
        .put("server.address", "shop.example.com")
        .put("client.address", "203.0.113." + random.nextInt(255))
        .put("user_agent.original", USER_AGENTS[random.nextInt(USER_AGENTS.length)])
        .put("enduser.id", "u" + random.nextInt(10_000))
        .put("session.id", Long.toHexString(random.nextLong()))
        .build();
  }

  private Attributes rpcAttributes(Downstream call, String side, boolean error) {
    Attributes.Builder b =
        Attributes.builder()
            .put("rpc.system", "grpc")
            .put("rpc.service", call.rpcService())
            .put("rpc.method", call.method())
            .put("rpc.grpc.status_code", error ? 13L : 0L)
            .put("network.protocol.name", "http")
            .put("network.protocol.version", "2")
            .put("server.address", call.service())
            .put("server.port", 8080L)
            .put("thread.name", side + "-worker-" + random.nextInt(8))
            .put("request.size", (double) (100 + random.nextInt(4000)));
    if (call.service().equals("order")) b.put("order.items", (long) (1 + random.nextInt(6)));
    if (call.service().equals("payment"))
      b.put("payment.method", random.nextBoolean() ? "card" : "paypal");
    return b.build();
  }

  private Resource resource(String service) {
    return resources.computeIfAbsent(
        service,
        s ->
            Resource.of(
                Attributes.builder()
                    .put(Resource.SERVICE_NAME, s)
                    .put(Resource.SERVICE_VERSION, "1." + (s.length() % 5) + ".0")
                    .put("service.namespace", "shop")
                    .put("service.instance.id", s + "-" + Integer.toHexString(s.hashCode()))
                    .put("deployment.environment.name", "production")
                    .put("host.name", s + "-5c8d9f7b6-x2k4q")
                    .put("telemetry.sdk.name", "opentelemetry")
                    .put("telemetry.sdk.language", "java")
                    .put("telemetry.sdk.version", "1.67.0")
                    .put("process.runtime.version", "17.0.15")
                    .build()));
  }

  private String newTraceId() {
    do {
      random.nextBytes(idBytes);
    } while (allZero(idBytes, 16));
    byte[] id = java.util.Arrays.copyOf(idBytes, 16);
    return Ids.toHex(id);
  }

  private String newSpanId() {
    byte[] id = new byte[8];
    do {
      random.nextBytes(id);
    } while (allZero(id, 8));
    return Ids.toHex(id);
  }

  private static boolean allZero(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) if (bytes[i] != 0) return false;
    return true;
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Validating builder; every setting has a default. */
  public static final class Builder {
    private String tenant = Tenants.DEFAULT;
    private long seed = 1;
    private long startTimeUnixNano = System.currentTimeMillis() * 1_000_000L;
    private Duration traceInterval = Duration.ofMillis(1);
    private int spansPerTrace = 15;
    private int logsPerTrace = 3;
    private double errorRate = 0.05;

    private Builder() {}

    public Builder tenant(String tenant) {
      this.tenant = requireNonNull(tenant, "tenant");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Start time of the first trace; later traces start {@link #traceInterval} apart. */
    public Builder startTimeUnixNano(long startTimeUnixNano) {
      if (startTimeUnixNano <= 0)
        throw new IllegalArgumentException("startTimeUnixNano must be positive");
      this.startTimeUnixNano = startTimeUnixNano;
      return this;
    }

    public Builder traceInterval(Duration traceInterval) {
      requireNonNull(traceInterval, "traceInterval");
      if (traceInterval.isNegative())
        throw new IllegalArgumentException("traceInterval must be non-negative");
      this.traceInterval = traceInterval;
      return this;
    }

    public Builder spansPerTrace(int spansPerTrace) {
      if (spansPerTrace < 1) throw new IllegalArgumentException("spansPerTrace must be at least 1");
      this.spansPerTrace = spansPerTrace;
      return this;
    }

    public Builder logsPerTrace(int logsPerTrace) {
      if (logsPerTrace < 0) throw new IllegalArgumentException("logsPerTrace must be non-negative");
      this.logsPerTrace = logsPerTrace;
      return this;
    }

    /** Fraction of traces with a failing payment call, in [0, 1]. */
    public Builder errorRate(double errorRate) {
      if (!(errorRate >= 0 && errorRate <= 1))
        throw new IllegalArgumentException("errorRate must be in [0, 1]");
      this.errorRate = errorRate;
      return this;
    }

    public TelemetryGenerator build() {
      return new TelemetryGenerator(this);
    }
  }
}
