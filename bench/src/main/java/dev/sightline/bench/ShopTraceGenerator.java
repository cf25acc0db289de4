package dev.sightline.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the OTLP traffic of a microservice web shop, as a collector would forward it: requests
 * holding whole traces of 10–20 spans across services (frontend, checkout, order, cart, inventory,
 * payment, ...), grouped by resource (service instance) and instrumentation scope. Every span has
 * exactly ten attributes of mixed types; about 3% of traces fail, with an ERROR span carrying an
 * exception event and a 5xx on the root.
 *
 * <p>Trace and span ids are random placeholders: {@link RequestTemplate} overwrites them (and the
 * timestamps) on every send.
 */
final class ShopTraceGenerator {
  static final int MIN_SPANS_PER_TRACE = 10;
  static final int MAX_SPANS_PER_TRACE = 20;
  static final int ATTRIBUTES_PER_SPAN = 10;

  private record Service(
      String name, String version, String language, String rpcService, List<String> methods) {}

  private record Entry(String method, String route, String pathPrefix, String firstService) {}

  private static final List<Service> SERVICES =
      List.of(
          new Service("frontend", "2.14.1", "nodejs", "", List.of()),
          new Service(
              "checkout",
              "1.9.0",
              "go",
              "Shop.CheckoutService",
              List.of("PlaceOrder", "GetQuote", "ValidateCart")),
          new Service(
              "order",
              "1.4.2",
              "java",
              "Shop.OrderService",
              List.of("PlaceOrder", "GetOrder", "ListOrders", "CancelOrder")),
          new Service(
              "cart",
              "3.2.7",
              "dotnet",
              "Shop.CartService",
              List.of("GetCart", "AddItem", "EmptyCart")),
          new Service(
              "inventory",
              "0.18.3",
              "java",
              "Shop.InventoryService",
              List.of("CheckStock", "Reserve", "Release")),
          new Service(
              "payment",
              "2.0.5",
              "java",
              "Shop.PaymentService",
              List.of("Charge", "Authorize", "Refund")),
          new Service(
              "shipping",
              "1.1.12",
              "rust",
              "Shop.ShippingService",
              List.of("GetQuote", "ShipOrder")),
          new Service(
              "catalog",
              "4.0.1",
              "go",
              "Shop.ProductCatalogService",
              List.of("GetProduct", "ListProducts", "SearchProducts")),
          new Service(
              "currency", "1.3.0", "cpp", "Shop.CurrencyService", List.of("Convert", "GetRates")),
          new Service(
              "recommendation",
              "0.9.8",
              "python",
              "Shop.RecommendationService",
              List.of("ListRecommendations")),
          new Service("email", "1.0.4", "ruby", "Shop.EmailService", List.of("SendConfirmation")));

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry("GET", "/api/cart", "/api/cart", "cart"),
          new Entry("POST", "/api/cart/items", "/api/cart/items", "cart"),
          new Entry("POST", "/api/checkout", "/api/checkout", "checkout"),
          new Entry("GET", "/api/products/{id}", "/api/products/", "catalog"),
          new Entry("GET", "/api/products", "/api/products", "catalog"),
          new Entry("GET", "/api/orders/{id}", "/api/orders/", "order"),
          new Entry("GET", "/api/recommendations", "/api/recommendations", "recommendation"),
          new Entry("GET", "/api/shipping/quote", "/api/shipping/quote", "shipping"));

  private static final List<String> USER_AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/131.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko)"
              + " Version/18.1 Safari/605.1.15",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
              + " like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
          "okhttp/4.12.0",
          "ShopApp/5.3.1 (Android 14; Pixel 8)");

  private record Db(String system, String namespace, String host, int port) {}

  private static final List<Db> DATABASES =
      List.of(
          new Db("postgresql", "shop", "pg-primary.shop.svc.cluster.local", 5432),
          new Db("redis", "0", "redis-master.shop.svc.cluster.local", 6379),
          new Db("mongodb", "catalog", "mongo-0.mongo.shop.svc.cluster.local", 27017));

  private static final List<String> TABLES =
      List.of("orders", "order_items", "carts", "products", "stock_levels", "payments", "users");

  private static final List<String> INTERNAL_OPERATIONS =
      List.of(
          "OrderValidator.validate",
          "PriceCalculator.total",
          "TaxCalculator.compute",
          "FraudCheck.score",
          "CartMapper.toDto",
          "StockAllocator.allocate",
          "TemplateRenderer.render",
          "CacheLoader.load");

  private static final List<String> ERRORS =
      List.of(
          "java.net.SocketTimeoutException|Read timed out after 2000 ms",
          "io.grpc.StatusRuntimeException|UNAVAILABLE: upstream connect error",
          "org.postgresql.util.PSQLException|ERROR: deadlock detected",
          "java.lang.IllegalStateException|payment declined: insufficient funds",
          "redis.clients.jedis.exceptions.JedisConnectionException|Unexpected end of stream");

  private final SplittableRandom random;
  private final long baseTimeNanos;
  private final Map<String, List<Resource>> instances = new LinkedHashMap<>();

  ShopTraceGenerator(long seed, long baseTimeNanos) {
    this.random = new SplittableRandom(seed);
    this.baseTimeNanos = baseTimeNanos;
    for (Service s : SERVICES) {
      List<Resource> pods = new ArrayList<>();
      for (int i = 0; i < 3; i++) pods.add(resource(s));
      instances.put(s.name(), pods);
    }
  }

  /** One span of a trace, with the resource and scope it is exported under. */
  private record Built(Resource resource, InstrumentationScope scope, Span span) {}

  /** A span being built: builders stay open until the trace is complete (failures patch them). */
  private record Open(Resource resource, InstrumentationScope scope, Span.Builder span) {}

  /** A request holding whole traces, at least {@code minSpans} spans. */
  ExportTraceServiceRequest request(int minSpans) {
    // resource -> scope -> spans, in first-seen order, as a collector's batch processor groups them
    Map<Resource, Map<InstrumentationScope, List<Span>>> grouped = new LinkedHashMap<>();
    int spans = 0;
    while (spans < minSpans) {
      for (Built b : trace()) {
        grouped
            .computeIfAbsent(b.resource(), r -> new LinkedHashMap<>())
            .computeIfAbsent(b.scope(), s -> new ArrayList<>())
            .add(b.span());
        spans++;
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder rs =
              ResourceSpans.newBuilder()
                  .setResource(resource)
                  .setSchemaUrl("https://opentelemetry.io/schemas/1.27.0");
          scopes.forEach(
              (scope, list) ->
                  rs.addScopeSpans(ScopeSpans.newBuilder().setScope(scope).addAllSpans(list)));
          request.addResourceSpans(rs);
        });
    return request.build();
  }

  // ---- one trace ----

  private final class TraceBuilder {
    final List<Open> spans = new ArrayList<>();
    final ByteString traceId = randomBytes(16);
    final String tenant = String.format(Locale.ROOT, "tenant-%04d", random.nextInt(200));
    final String userId = String.format(Locale.ROOT, "user-%06d", random.nextInt(500_000));
    final boolean failing = random.nextInt(100) < 3;
    final Map<String, Resource> podOf = new LinkedHashMap<>();

    void add(String service, String scopeKind, Span.Builder span) {
      Resource pod =
          podOf.computeIfAbsent(
              service, s -> instances.get(s).get(random.nextInt(instances.get(s).size())));
      spans.add(new Open(pod, scope(service, scopeKind), span));
    }
  }

  /** A parent that children are added under: its span and its time window. */
  private static final class Node {
    final Span.Builder span;
    final String service;
    final long end;
    long cursor;

    Node(Span.Builder span, String service, long start, long end) {
      this.span = span;
      this.service = service;
      this.end = end;
      this.cursor = start;
    }

    /** The next child's window {start, end}: children run one after another inside the parent. */
    long[] nextWindow(SplittableRandom random) {
      long remaining = Math.max(2_000, end - cursor);
      long gap = (long) (remaining * 0.05 * random.nextDouble());
      long length = Math.max(1_000, (long) (remaining * (0.15 + 0.45 * random.nextDouble())));
      long s = Math.max(0, Math.min(cursor + gap, end - 1_000));
      long e = Math.max(s + 1, Math.min(s + length, end));
      cursor = e;
      return new long[] {s, e};
    }
  }

  /** One trace of 10–20 spans, root first. */
  List<Built> trace() {
    TraceBuilder t = new TraceBuilder();
    int target =
        MIN_SPANS_PER_TRACE + random.nextInt(MAX_SPANS_PER_TRACE - MIN_SPANS_PER_TRACE + 1);
    Entry entry = ENTRIES.get(random.nextInt(ENTRIES.size()));
    // timestamps spread over the 10 s before the base time; shifted to "now" on every send
    long start = baseTimeNanos - random.nextLong(10_000_000_000L);
    long duration = 20_000_000L + random.nextLong(400_000_000L);
    String path =
        entry.route().endsWith("{id}")
            ? entry.pathPrefix() + randomToken(10).toUpperCase(Locale.ROOT)
            : entry.pathPrefix();
    int status;
    if (t.failing) status = random.nextBoolean() ? 500 : 503;
    else status = random.nextInt(50) == 0 ? 404 : 200;
    Span.Builder root =
        span(t, null, entry.method() + " " + entry.route(), Span.SpanKind.SPAN_KIND_SERVER, start)
            .setEndTimeUnixNano(start + duration);
    addAll(
        root,
        str("http.request.method", entry.method()),
        str("http.route", entry.route()),
        integer("http.response.status_code", status),
        str("url.path", path),
        str("url.scheme", "https"),
        str("server.address", "shop.example.com"),
        str("user_agent.original", USER_AGENTS.get(random.nextInt(USER_AGENTS.size()))),
        str("client.address", randomIp()),
        str("tenant.id", t.tenant),
        str("session.id", randomToken(32)));
    t.add("frontend", "http", root);
    Node rootNode = new Node(root, "frontend", start, start + duration);
    List<Node> parents = new ArrayList<>();
    parents.add(rootNode);
    // the first hop goes to the entry's service
    rpc(t, rootNode, service(entry.firstService()), parents);
    while (t.spans.size() < target) {
      Node parent = parents.get(random.nextInt(parents.size()));
      int left = target - t.spans.size();
      int choice = random.nextInt(10);
      if (left >= 2 && choice < 4) {
        Service callee = SERVICES.get(1 + random.nextInt(SERVICES.size() - 1));
        if (!callee.name().equals(parent.service)) rpc(t, parent, callee, parents);
      } else if (choice < 7 && !parent.service.equals("frontend")) {
        db(t, parent);
      } else if (choice < 9) {
        internal(t, parent, parents);
      } else {
        produce(t, parent);
      }
    }
    if (t.failing) markFailure(t);
    List<Built> out = new ArrayList<>(t.spans.size());
    for (Open o : t.spans) out.add(new Built(o.resource(), o.scope(), o.span().build()));
    return out;
  }

  private static Service service(String name) {
    for (Service s : SERVICES) if (s.name().equals(name)) return s;
    throw new IllegalArgumentException(name);
  }

  /** A CLIENT span in the caller and the SERVER span in the callee. */
  private void rpc(TraceBuilder t, Node parent, Service callee, List<Node> parents) {
    String method = callee.methods().get(random.nextInt(callee.methods().size()));
    String name = callee.rpcService() + "." + method;
    long[] w = parent.nextWindow(random);
    String requestId = randomToken(16);
    Span.Builder client =
        span(t, parent.span, name, Span.SpanKind.SPAN_KIND_CLIENT, w[0]).setEndTimeUnixNano(w[1]);
    addAll(
        client,
        str("rpc.system", "grpc"),
        str("rpc.service", callee.rpcService()),
        str("rpc.method", method),
        integer("rpc.grpc.status_code", 0),
        str("server.address", callee.name() + ".shop.svc.cluster.local"),
        integer("server.port", 8080),
        str("network.peer.address", randomIp()),
        str("tenant.id", t.tenant),
        str("request.id", requestId),
        str("thread.name", "grpc-default-executor-" + random.nextInt(16)));
    t.add(parent.service, "grpc", client);
    long inner = Math.max(1, (w[1] - w[0]) / 20);
    long serverStart = w[0] + inner;
    long serverEnd = Math.max(serverStart + 1, w[1] - inner);
    Span.Builder server =
        span(t, client, name, Span.SpanKind.SPAN_KIND_SERVER, serverStart)
            .setEndTimeUnixNano(serverEnd);
    addAll(
        server,
        str("rpc.system", "grpc"),
        str("rpc.service", callee.rpcService()),
        str("rpc.method", method),
        integer("rpc.grpc.status_code", 0),
        str("network.peer.address", randomIp()),
        integer("network.peer.port", 30_000 + random.nextInt(30_000)),
        str("tenant.id", t.tenant),
        str("enduser.id", t.userId),
        str("request.id", requestId),
        str("thread.name", "grpc-server-worker-" + random.nextInt(8)));
    t.add(callee.name(), "grpc", server);
    parents.add(new Node(server, callee.name(), serverStart, serverEnd));
  }

  private void db(TraceBuilder t, Node parent) {
    Db db = DATABASES.get(random.nextInt(DATABASES.size()));
    String table = TABLES.get(random.nextInt(TABLES.size()));
    String operation;
    String query;
    String name;
    switch (db.system()) {
      case "redis" -> {
        operation = random.nextBoolean() ? "HGETALL" : "SETEX";
        query = operation + " " + table + ":" + randomToken(12);
        name = operation;
      }
      case "mongodb" -> {
        operation = "find";
        query = "{\"find\":\"" + table + "\",\"filter\":{\"sku\":\"?\"},\"limit\":20}";
        name = "find " + db.namespace() + "." + table;
      }
      default -> {
        operation = random.nextInt(4) == 0 ? "INSERT" : "SELECT";
        query =
            operation.equals("INSERT")
                ? "INSERT INTO "
                    + table
                    + " (id, tenant_id, payload, created_at) VALUES (?, ?, ?, now())"
                : "SELECT id, tenant_id, status, total_cents, updated_at FROM "
                    + table
                    + " WHERE tenant_id = ? AND id = ? LIMIT 50";
        name = operation + " " + db.namespace() + "." + table;
      }
    }
    long[] w = parent.nextWindow(random);
    Span.Builder s =
        span(t, parent.span, name, Span.SpanKind.SPAN_KIND_CLIENT, w[0]).setEndTimeUnixNano(w[1]);
    addAll(
        s,
        str("db.system", db.system()),
        str("db.namespace", db.namespace()),
        str("db.operation.name", operation),
        str("db.collection.name", table),
        str("db.query.text", query),
        str("server.address", db.host()),
        integer("server.port", db.port()),
        integer("db.response.returned_rows", random.nextInt(60)),
        str("tenant.id", t.tenant),
        str("thread.name", "db-pool-" + random.nextInt(20)));
    t.add(parent.service, "db", s);
  }

  private void internal(TraceBuilder t, Node parent, List<Node> parents) {
    String op = INTERNAL_OPERATIONS.get(random.nextInt(INTERNAL_OPERATIONS.size()));
    long[] w = parent.nextWindow(random);
    Span.Builder s =
        span(t, parent.span, op, Span.SpanKind.SPAN_KIND_INTERNAL, w[0]).setEndTimeUnixNano(w[1]);
    addAll(
        s,
        str("code.function.name", op.substring(op.indexOf('.') + 1)),
        str("code.namespace", "shop." + parent.service + "." + op.substring(0, op.indexOf('.'))),
        integer("code.line.number", 20 + random.nextInt(400)),
        str("tenant.id", t.tenant),
        str("app.order.id", "ord-" + randomToken(12)),
        integer("app.items.count", 1 + random.nextInt(12)),
        dbl("app.order.total", Math.round(random.nextDouble() * 50_000) / 100.0),
        str("app.currency", random.nextInt(4) == 0 ? "EUR" : "USD"),
        bool("app.cache.hit", random.nextBoolean()),
        str("thread.name", "worker-" + random.nextInt(32)));
    t.add(parent.service, "app", s);
    parents.add(new Node(s, parent.service, w[0], w[1]));
  }

  private void produce(TraceBuilder t, Node parent) {
    long[] w = parent.nextWindow(random);
    String topic = random.nextBoolean() ? "orders" : "inventory-events";
    Span.Builder s =
        span(t, parent.span, "send " + topic, Span.SpanKind.SPAN_KIND_PRODUCER, w[0])
            .setEndTimeUnixNano(w[0] + Math.max(1, (w[1] - w[0]) / 10));
    addAll(
        s,
        str("messaging.system", "kafka"),
        str("messaging.destination.name", topic),
        str("messaging.operation.type", "send"),
        str("messaging.kafka.message.key", randomToken(12)),
        str("messaging.message.id", randomToken(24)),
        integer("messaging.batch.message_count", 1),
        str("server.address", "kafka-" + random.nextInt(3) + ".kafka.shop.svc.cluster.local"),
        integer("server.port", 9092),
        str("tenant.id", t.tenant),
        str("messaging.client.id", parent.service + "-producer-" + random.nextInt(4)));
    t.add(parent.service, "kafka", s);
  }

  /** A leaf span fails with an exception event; its ancestors report ERROR too. */
  private void markFailure(TraceBuilder t) {
    Span.Builder leaf = t.spans.get(t.spans.size() - 1).span();
    String[] error = ERRORS.get(random.nextInt(ERRORS.size())).split("\\|", 2);
    leaf.setStatus(error(error[1]));
    leaf.addEvents(
        Span.Event.newBuilder()
            .setName("exception")
            .setTimeUnixNano(leaf.getEndTimeUnixNano() - 1)
            .addAttributes(str("exception.type", error[0]))
            .addAttributes(str("exception.message", error[1])));
    Map<ByteString, Span.Builder> byId = new LinkedHashMap<>();
    for (Open o : t.spans) byId.put(o.span().getSpanId(), o.span());
    for (Span.Builder b = byId.get(leaf.getParentSpanId());
        b != null;
        b = byId.get(b.getParentSpanId())) {
      b.setStatus(error(error[1]));
    }
  }

  // ---- helpers ----

  private Span.Builder span(
      TraceBuilder t, Span.Builder parent, String name, Span.SpanKind kind, long start) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(t.traceId)
            .setSpanId(randomBytes(8))
            .setName(name)
            .setKind(kind)
            .setFlags(0x101)
            .setStartTimeUnixNano(start);
    if (parent != null) b.setParentSpanId(parent.getSpanId());
    return b;
  }

  private static void addAll(Span.Builder span, KeyValue... attributes) {
    if (attributes.length != ATTRIBUTES_PER_SPAN) {
      throw new IllegalStateException(span.getName() + ": " + attributes.length + " attributes");
    }
    for (KeyValue kv : attributes) span.addAttributes(kv);
  }

  private static Status error(String message) {
    return Status.newBuilder()
        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
        .setMessage(message)
        .build();
  }

  private Resource resource(Service s) {
    String pod = s.name() + "-" + randomToken(9) + "-" + randomToken(5);
    return Resource.newBuilder()
        .addAttributes(str("service.name", s.name()))
        .addAttributes(str("service.version", s.version()))
        .addAttributes(str("service.namespace", "shop"))
        .addAttributes(str("service.instance.id", randomUuid()))
        .addAttributes(str("deployment.environment.name", "production"))
        .addAttributes(str("k8s.pod.name", pod))
        .addAttributes(str("host.name", "ip-10-0-" + random.nextInt(8) + "-" + random.nextInt(250)))
        .addAttributes(str("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(str("telemetry.sdk.language", s.language()))
        .addAttributes(str("telemetry.sdk.version", "1.44.1"))
        .build();
  }

  private final Map<String, InstrumentationScope> scopes = new LinkedHashMap<>();

  private InstrumentationScope scope(String service, String kind) {
    return scopes.computeIfAbsent(
        service + "/" + kind,
        k -> {
          String name =
              switch (kind) {
                case "http" -> "@opentelemetry/instrumentation-http";
                case "grpc" -> "io.opentelemetry.grpc-1.6";
                case "db" -> "io.opentelemetry.jdbc";
                case "kafka" -> "io.opentelemetry.kafka-clients-2.6";
                default -> "shop." + service;
              };
          return InstrumentationScope.newBuilder()
              .setName(name)
              .setVersion(kind.equals("app") ? "" : "2.10.0")
              .build();
        });
  }

  private ByteString randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) b[i + j] = (byte) (v >>> (8 * j));
    }
    return ByteString.copyFrom(b);
  }

  private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private String randomToken(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) c[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
    return new String(c);
  }

  private String randomUuid() {
    return String.format(
        Locale.ROOT,
        "%08x-%04x-4%03x-%04x-%012x",
        random.nextInt() & 0xffffffffL,
        random.nextInt(0x10000),
        random.nextInt(0x1000),
        0x8000 | random.nextInt(0x4000),
        random.nextLong() & 0xffffffffffffL);
  }

  private String randomIp() {
    return "10." + random.nextInt(4) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
  }

  private static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  private static KeyValue dbl(String key, double value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setDoubleValue(value))
        .build();
  }

  private static KeyValue bool(String key, boolean value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setBoolValue(value))
        .build();
  }
}
