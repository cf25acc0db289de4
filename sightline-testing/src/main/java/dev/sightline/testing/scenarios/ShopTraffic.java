package dev.sightline.testing.scenarios;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Generates the shop's requests one after the other (Poisson arrivals, seeded), each as a whole
 * trace with its logs, injecting the planned fault. Not thread-safe; one instance per iteration.
 */
final class ShopTraffic {

  /**
   * What to generate: requests arriving in [start, end); the fault is active for spans starting at
   * or after {@code faultFrom} ({@link Long#MAX_VALUE}: never), the consumer lag grows from {@code
   * faultOrigin}; {@code upgradedService} runs {@code upgradedVersion} from {@code upgradeFrom}.
   */
  record Plan(
      FaultKind kind,
      String tenant,
      long seed,
      double requestsPerSecond,
      long start,
      long end,
      long faultFrom,
      long faultOrigin,
      @Nullable String upgradedService,
      String upgradedVersion,
      long upgradeFrom) {}

  /** Why a call failed: the exception thrown, its message, the gRPC status it maps to. */
  private record Failure(String exceptionType, String message, int grpcCode, boolean deadline) {}

  private record Outcome(long end, @Nullable Failure failure) {}

  /** The handler of a gRPC method: runs from {@code start}, adds its children and logs. */
  private interface Handler {
    Outcome handle(String serverId, long start, Resource resource, Attributes.Builder attributes);
  }

  static final String ACME = "acme";
  private static final String[] TENANTS = {ACME, "globex", "initech", "umbrella", "hooli"};
  private static final int[] TENANT_WEIGHTS = {25, 30, 20, 15, 10};
  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
    "okhttp/4.12.0",
  };
  private static final String[] POD_SUFFIXES = {"x2k4q", "7hzpt", "m9wcd", "q4rbn"};
  private static final long MS = 1_000_000L;
  private static final double BASE_ERROR_RATE = 0.0002;
  private static final InstrumentationScope HTTP_SERVER =
      InstrumentationScope.of("io.opentelemetry.armeria-1.3", "2.31.0-alpha");
  private static final InstrumentationScope GRPC =
      InstrumentationScope.of("io.opentelemetry.grpc-1.6", "2.31.0-alpha");
  private static final InstrumentationScope JDBC =
      InstrumentationScope.of("io.opentelemetry.jdbc", "2.31.0-alpha");
  private static final InstrumentationScope HTTP_CLIENT =
      InstrumentationScope.of("io.opentelemetry.java-http-client", "2.31.0-alpha");
  private static final InstrumentationScope KAFKA =
      InstrumentationScope.of("io.opentelemetry.kafka-clients-2.6", "2.31.0-alpha");
  private static final InstrumentationScope LOGGER =
      InstrumentationScope.of("io.opentelemetry.logback-appender-1.0", "2.31.0-alpha");

  private final Plan plan;
  private final Random random;
  private final Map<String, Resource> resources = new HashMap<>();
  private long clock;
  private List<Span> spans = new ArrayList<>();
  private List<LogRecord> logs = new ArrayList<>();

  // The request being generated.
  private String traceId = "";
  private String tenantId = "";
  private String userId = "";
  private long orderId;

  ShopTraffic(Plan plan) {
    this.plan = plan;
    this.random = new Random(plan.seed());
    this.clock = plan.start() + nextArrivalGap();
  }

  /** The base version of {@code service}, before any release in a scenario. */
  static String baseVersion(String service) {
    return switch (service) {
      case "frontend" -> "2.3.0";
      case "order" -> "1.4.2";
      case "inventory" -> "3.1.0";
      case "payment" -> "2.0.7";
      case "shipping" -> "1.2.3";
      case "auth" -> "4.0.1";
      default -> throw new IllegalArgumentException("unknown service: " + service);
    };
  }

  /** Whole traces (and their logs) of the requests arriving before {@code windowEnd}. */
  TelemetryBatch until(long windowEnd) {
    spans = new ArrayList<>();
    logs = new ArrayList<>();
    long bound = Math.min(windowEnd, plan.end());
    while (clock < bound) {
      checkout(clock);
      clock += nextArrivalGap();
    }
    return new TelemetryBatch(spans, logs);
  }

  private long nextArrivalGap() {
    double seconds = -Math.log(1 - random.nextDouble()) / plan.requestsPerSecond();
    return Math.max(1, (long) (seconds * 1e9));
  }

  private boolean faultActive(FaultKind kind, long time) {
    return plan.kind() == kind && time >= plan.faultFrom();
  }

  // ---- frontend ----

  private void checkout(long start) {
    int first = spans.size();
    traceId = newId(16);
    tenantId = pickTenant();
    userId = "u" + (1000 + random.nextInt(90_000));
    orderId = 10_000 + random.nextInt(90_000);
    Resource frontend = resource("frontend", start);
    String rootId = newId(8);
    long cursor = start + ms(logNormal(1.2, 0.3));
    Outcome order =
        call(
            frontend,
            rootId,
            cursor,
            "order",
            "Shop.OrderService",
            "PlaceOrder",
            5000,
            this::placeOrder);
    long end = order.end() + ms(logNormal(0.8, 0.3));
    long status = order.failure() == null ? 200 : order.failure().deadline() ? 504 : 500;
    Attributes.Builder a =
        Attributes.builder()
            .put("http.request.method", "GET")
            .put("http.route", "/checkout")
            .put("url.path", "/checkout")
            .put("url.scheme", "https")
            .put("server.address", "shop.example.com")
            .put("server.port", 443L)
            .put("network.protocol.version", "1.1")
            .put("client.address", "203.0.113." + random.nextInt(255))
            .put("user_agent.original", USER_AGENTS[random.nextInt(USER_AGENTS.length)])
            .put("http.response.status_code", status)
            .put("tenant.id", tenantId)
            .put("enduser.id", userId);
    Failure failure = null;
    if (order.failure() != null) {
      a.put("error.type", Long.toString(status));
      failure = new Failure("", "", 0, false);
    }
    addSpan(
        rootId,
        "",
        frontend,
        "GET /checkout",
        SpanKind.SERVER,
        start,
        end,
        a,
        failure,
        HTTP_SERVER);
    long tookMs = (end - start) / MS;
    if (order.failure() == null) {
      log(frontend, rootId, end, 9, "GET /checkout " + status + " " + tookMs + " ms", null);
    } else {
      log(
          frontend,
          rootId,
          end,
          17,
          "checkout failed for user "
              + userId
              + " after "
              + tookMs
              + " ms: "
              + order.failure().message(),
          null);
    }
    spans.subList(first, spans.size()).sort(Comparator.comparingLong(Span::startTimeUnixNano));
  }

  // ---- order ----

  private Outcome placeOrder(
      String serverId, long start, Resource order, Attributes.Builder attrs) {
    long items = 1 + random.nextInt(5);
    attrs
        .put("order.id", Long.toString(orderId))
        .put("order.items", items)
        .put("enduser.id", userId);
    long cursor = start + ms(logNormal(1.0, 0.3));
    Outcome auth =
        call(order, serverId, cursor, "auth", "Shop.AuthService", "Verify", 1000, this::verify);
    if (auth.failure() != null) {
      return failed(
          order,
          serverId,
          auth.end(),
          propagated(auth.failure()),
          "failed to place order "
              + orderId
              + ": auth verification failed for user "
              + userId
              + ": "
              + auth.failure().message());
    }
    cursor = auth.end() + ms(logNormal(0.5, 0.3));
    if (faultActive(FaultKind.SINGLE_TENANT, start)
        && tenantId.equals(ACME)
        && random.nextDouble() < 0.9) {
      Failure f =
          new Failure(
              "com.shop.order.OrderValidationException",
              "order "
                  + orderId
                  + " rejected: no tax rules configured for tenant acme (region CH-"
                  + (1 + random.nextInt(26))
                  + ")",
              13,
              false);
      return failed(
          order, serverId, cursor + ms(logNormal(6, 0.3)), f, "validation failed: " + f.message());
    }
    if (faultActive(FaultKind.BAD_RELEASE, start) && random.nextDouble() < 0.25) {
      Failure f =
          new Failure(
              "java.lang.NullPointerException",
              "Cannot invoke \"com.shop.order.Discount.apply(com.shop.order.Cart)\" because \"discount\" is null",
              13,
              false);
      return failed(
          order,
          serverId,
          cursor + ms(logNormal(3, 0.3)),
          f,
          "Unhandled exception in PlaceOrder for order " + orderId + " (" + items + " items)");
    }
    Outcome inventory =
        call(
            order,
            serverId,
            cursor,
            "inventory",
            "Shop.InventoryService",
            "Reserve",
            2000,
            this::reserve);
    if (inventory.failure() != null) {
      return failed(
          order,
          serverId,
          inventory.end(),
          propagated(inventory.failure()),
          "failed to place order " + orderId + ": " + inventory.failure().message());
    }
    cursor = inventory.end() + ms(logNormal(0.5, 0.3));
    Outcome payment =
        call(
            order,
            serverId,
            cursor,
            "payment",
            "Shop.PaymentService",
            "Charge",
            3000,
            this::charge);
    if (payment.failure() != null) {
      return failed(
          order,
          serverId,
          payment.end(),
          propagated(payment.failure()),
          "failed to place order " + orderId + ": " + payment.failure().message());
    }
    long publishStart = payment.end() + ms(logNormal(0.4, 0.3));
    long publishEnd = publishStart + ms(logNormal(1.5, 0.4));
    String producerId = newId(8);
    int partition = (int) (orderId % 6);
    addSpan(
        producerId,
        serverId,
        order,
        "orders.shipping publish",
        SpanKind.PRODUCER,
        publishStart,
        publishEnd,
        messaging("publish", partition),
        null,
        KAFKA);
    consume(producerId, publishEnd, partition);
    long end = publishEnd + ms(logNormal(0.8, 0.3));
    log(
        order,
        serverId,
        end,
        9,
        String.format(
            java.util.Locale.ROOT,
            "order %d placed for user %s (%d items, total %.2f USD)",
            orderId,
            userId,
            items,
            items * (5 + random.nextInt(9500) / 100.0)),
        null);
    return new Outcome(end, null);
  }

  // ---- auth (shared by order and inventory) ----

  private Outcome verify(String serverId, long start, Resource auth, Attributes.Builder attrs) {
    attrs.put("auth.method", "jwt");
    boolean fault = faultActive(FaultKind.SHARED_DEPENDENCY, start);
    double millis = fault ? logNormal(380, 0.5) : logNormal(2.5, 0.35);
    long end = start + ms(millis);
    if (fault && random.nextDouble() < 0.45) {
      Failure f =
          new Failure(
              "io.lettuce.core.RedisCommandTimeoutException",
              "token cache unreachable: command timed out after 250 ms",
              14,
              false);
      return failed(
          auth,
          serverId,
          end,
          f,
          "token verification failed for user "
              + userId
              + ": redis command timed out after 250 ms");
    }
    if (millis > 300) {
      log(
          auth,
          serverId,
          end,
          13,
          "token verification for user " + userId + " took " + (long) millis + " ms",
          null);
    }
    return new Outcome(end, null);
  }

  // ---- inventory ----

  private Outcome reserve(
      String serverId, long start, Resource inventory, Attributes.Builder attrs) {
    int skus = 1 + random.nextInt(4);
    attrs.put("inventory.sku_count", (long) skus);
    long cursor = start + ms(logNormal(0.6, 0.3));
    Outcome auth =
        call(inventory, serverId, cursor, "auth", "Shop.AuthService", "Verify", 1000, this::verify);
    if (auth.failure() != null) {
      Failure f = propagated(auth.failure());
      return failed(
          inventory,
          serverId,
          auth.end(),
          f,
          "reservation for order "
              + orderId
              + " failed: auth verification failed: "
              + auth.failure().message());
    }
    long dbStart = auth.end() + ms(logNormal(0.4, 0.3));
    double millis =
        faultActive(FaultKind.SLOW_DB_QUERY, dbStart) ? logNormal(2600, 0.35) : logNormal(4, 0.4);
    Failure dbFailure = null;
    if (millis > 3000) {
      millis = 3000 + logNormal(2, 0.3);
      dbFailure =
          new Failure(
              "org.postgresql.util.PSQLException",
              "ERROR: canceling statement due to statement timeout",
              13,
              false);
    } else if (random.nextDouble() < BASE_ERROR_RATE) {
      dbFailure =
          new Failure("org.postgresql.util.PSQLException", "ERROR: deadlock detected", 13, false);
    }
    long dbEnd = dbStart + ms(millis);
    Attributes.Builder db =
        Attributes.builder()
            .put("db.system", "postgresql")
            .put("db.system.name", "postgresql")
            .put("db.namespace", "inventory")
            .put("db.collection.name", "inventory")
            .put("db.operation.name", "SELECT")
            .put(
                "db.query.text",
                "SELECT sku, available, reserved FROM inventory WHERE sku = ANY(?) FOR UPDATE")
            .put(
                "db.statement",
                "SELECT sku, available, reserved FROM inventory WHERE sku = ANY(?) FOR UPDATE")
            .put("server.address", "postgres-inventory.shop.svc")
            .put("server.port", 5432L)
            .put("db.response.returned_rows", dbFailure == null ? (long) skus : 0L)
            .put("tenant.id", tenantId);
    addSpan(
        newId(8),
        serverId,
        inventory,
        "SELECT inventory",
        SpanKind.CLIENT,
        dbStart,
        dbEnd,
        db,
        dbFailure,
        JDBC);
    if (millis > 500) {
      log(
          inventory,
          serverId,
          dbEnd,
          13,
          "query on table inventory took "
              + (long) millis
              + " ms (order "
              + orderId
              + ", "
              + skus
              + " skus)",
          null);
    }
    long end = dbEnd + ms(logNormal(0.8, 0.3));
    if (dbFailure != null) {
      Failure f =
          new Failure(
              "com.shop.inventory.ReservationException",
              "reservation for order " + orderId + " failed: " + dbFailure.message(),
              13,
              false);
      return failed(inventory, serverId, end, f, f.message(), dbFailure);
    }
    return new Outcome(end, null);
  }

  // ---- payment ----

  private Outcome charge(String serverId, long start, Resource payment, Attributes.Builder attrs) {
    attrs.put("payment.method", random.nextInt(4) == 0 ? "paypal" : "card");
    long callStart = start + ms(logNormal(0.8, 0.3));
    boolean fails =
        faultActive(FaultKind.DEPENDENCY_ERRORS, callStart)
            ? random.nextDouble() < 0.4
            : random.nextDouble() < BASE_ERROR_RATE;
    long callEnd = callStart + ms(fails ? logNormal(60, 0.4) : logNormal(120, 0.35));
    String requestId = "req_" + Long.toHexString(random.nextLong() & 0xffffffffffL);
    Attributes.Builder http =
        Attributes.builder()
            .put("http.request.method", "POST")
            .put("url.full", "https://api.payprovider.example/v1/charges")
            .put("url.template", "/v1/charges")
            .put("server.address", "api.payprovider.example")
            .put("server.port", 443L)
            .put("network.protocol.version", "1.1")
            .put("http.response.status_code", fails ? 503L : 200L)
            .put("payprovider.request_id", requestId)
            .put("tenant.id", tenantId);
    if (fails) http.put("error.type", "503");
    addSpan(
        newId(8),
        serverId,
        payment,
        "POST /v1/charges",
        SpanKind.CLIENT,
        callStart,
        callEnd,
        http,
        fails ? new Failure("", "", 0, false) : null,
        HTTP_CLIENT);
    long end = callEnd + ms(logNormal(0.7, 0.3));
    if (fails) {
      Failure f =
          new Failure(
              "com.shop.payment.ProviderException",
              "payment provider returned 503 for order " + orderId,
              14,
              false);
      return failed(payment, serverId, end, f, f.message() + " (request " + requestId + ")");
    }
    return new Outcome(end, null);
  }

  // ---- shipping (asynchronous consumer) ----

  private void consume(String producerId, long published, int partition) {
    double lagMillis = logNormal(12, 0.5);
    if (faultActive(FaultKind.SLOW_CONSUMER, published)) {
      lagMillis += Math.min((published - plan.faultOrigin()) / MS * 0.2, 240_000);
    }
    long start = published + ms(lagMillis);
    if (start >= plan.end()) return; // still queued when the period ends
    Resource shipping = resource("shipping", start);
    String consumerId = newId(8);
    double work =
        faultActive(FaultKind.SLOW_CONSUMER, start) ? logNormal(2500, 0.3) : logNormal(25, 0.4);
    Attributes.Builder attrs =
        messaging("process", partition)
            .put("messaging.consumer.group.name", "shipping")
            .put("messaging.kafka.offset", (published / MS) % 10_000_000L);
    long end;
    Failure failure = null;
    if (work >= 3000) {
      end = start + 3000 * MS;
      failure =
          new Failure(
              "java.util.concurrent.TimeoutException",
              "processing deadline of 3000 ms exceeded for order "
                  + orderId
                  + " on orders.shipping",
              4,
              true);
      attrs.put("error.type", failure.exceptionType());
    } else {
      long dbStart = start + ms(work);
      long dbEnd = dbStart + ms(logNormal(3, 0.4));
      Attributes.Builder db =
          Attributes.builder()
              .put("db.system", "postgresql")
              .put("db.system.name", "postgresql")
              .put("db.namespace", "shipping")
              .put("db.collection.name", "shipments")
              .put("db.operation.name", "INSERT")
              .put(
                  "db.query.text",
                  "INSERT INTO shipments (order_id, carrier, status) VALUES (?, ?, ?)")
              .put(
                  "db.statement",
                  "INSERT INTO shipments (order_id, carrier, status) VALUES (?, ?, ?)")
              .put("server.address", "postgres-shipping.shop.svc")
              .put("server.port", 5432L)
              .put("tenant.id", tenantId);
      addSpan(
          newId(8),
          consumerId,
          shipping,
          "INSERT shipments",
          SpanKind.CLIENT,
          dbStart,
          dbEnd,
          db,
          null,
          JDBC);
      end = dbEnd + ms(logNormal(0.5, 0.3));
    }
    addSpan(
        consumerId,
        producerId,
        shipping,
        "orders.shipping process",
        SpanKind.CONSUMER,
        start,
        end,
        attrs,
        failure,
        KAFKA);
    long tookMs = (end - start) / MS;
    if (failure != null) {
      log(
          shipping,
          consumerId,
          end,
          17,
          failure.message() + " (lag " + (long) (lagMillis / 1000) + " s)",
          failure);
    } else {
      if (tookMs > 1000) {
        log(
            shipping,
            consumerId,
            end,
            13,
            "processing of order "
                + orderId
                + " from orders.shipping took "
                + tookMs
                + " ms (lag "
                + (long) (lagMillis / 1000)
                + " s)",
            null);
      }
      log(
          shipping,
          consumerId,
          end,
          9,
          "shipment " + (500_000 + random.nextInt(400_000)) + " created for order " + orderId,
          null);
    }
  }

  // ---- building blocks ----

  /**
   * A gRPC call from {@code caller}: a CLIENT span under {@code parentId} starting at {@code start}
   * and the SERVER span of {@code target} running {@code handler}. The client gives up after {@code
   * timeoutMs}; the server span then outlives it.
   */
  private Outcome call(
      Resource caller,
      String parentId,
      long start,
      String target,
      String rpcService,
      String method,
      long timeoutMs,
      Handler handler) {
    String clientId = newId(8);
    String serverId = newId(8);
    long serverStart = start + ms(logNormal(0.4, 0.3));
    Resource server = resource(target, serverStart);
    Attributes.Builder serverAttrs = rpc(rpcService, method);
    Outcome handled = handler.handle(serverId, serverStart, server, serverAttrs);
    Failure serverFailure = handled.failure();
    serverAttrs.put("rpc.grpc.status_code", serverFailure == null ? 0L : serverFailure.grpcCode());
    if (serverFailure != null) serverAttrs.put("error.type", serverFailure.exceptionType());
    addSpan(
        serverId,
        clientId,
        server,
        rpcService + "." + method,
        SpanKind.SERVER,
        serverStart,
        handled.end(),
        serverAttrs,
        serverFailure,
        GRPC);

    long deadline = start + timeoutMs * MS;
    long replied = handled.end() + ms(logNormal(0.4, 0.3));
    long end;
    Failure failure;
    if (replied > deadline) {
      end = deadline;
      failure =
          new Failure(
              "io.grpc.StatusRuntimeException",
              "timeout after " + timeoutMs + " ms calling " + target,
              4,
              true);
    } else {
      end = replied;
      failure = serverFailure;
    }
    Attributes.Builder clientAttrs =
        rpc(rpcService, method)
            .put("server.address", target)
            .put("server.port", 8080L)
            .put("rpc.grpc.status_code", failure == null ? 0L : failure.grpcCode());
    if (failure != null) clientAttrs.put("error.type", codeName(failure.grpcCode()));
    addSpan(
        clientId,
        parentId,
        caller,
        rpcService + "/" + method,
        SpanKind.CLIENT,
        start,
        end,
        clientAttrs,
        failure == null
            ? null
            : new Failure("", codeName(failure.grpcCode()) + ": " + failure.message(), 0, false),
        GRPC);
    return new Outcome(end, failure);
  }

  /** A failed handler: logs {@code message} at ERROR with {@code failure}'s exception. */
  private Outcome failed(
      Resource resource, String spanId, long end, Failure failure, String message) {
    return failed(resource, spanId, end, failure, message, failure);
  }

  private Outcome failed(
      Resource resource, String spanId, long end, Failure failure, String message, Failure logged) {
    log(resource, spanId, end, 17, message, logged);
    return new Outcome(end, failure);
  }

  /** The failure a handler reports when a call it made failed. */
  private static Failure propagated(Failure cause) {
    return new Failure(
        "io.grpc.StatusRuntimeException",
        codeName(cause.grpcCode()) + ": " + cause.message(),
        cause.grpcCode(),
        cause.deadline());
  }

  private static String codeName(int grpcCode) {
    return switch (grpcCode) {
      case 1 -> "CANCELLED";
      case 4 -> "DEADLINE_EXCEEDED";
      case 13 -> "INTERNAL";
      case 14 -> "UNAVAILABLE";
      default -> "UNKNOWN";
    };
  }

  private Attributes.Builder rpc(String rpcService, String method) {
    return Attributes.builder()
        .put("rpc.system", "grpc")
        .put("rpc.service", rpcService)
        .put("rpc.method", method)
        .put("network.protocol.name", "http")
        .put("network.protocol.version", "2")
        .put("tenant.id", tenantId);
  }

  private Attributes.Builder messaging(String operation, int partition) {
    return Attributes.builder()
        .put("messaging.system", "kafka")
        .put("messaging.destination.name", "orders.shipping")
        .put("messaging.operation.type", operation)
        .put("messaging.operation.name", operation)
        .put("messaging.destination.partition.id", Integer.toString(partition))
        .put("messaging.kafka.message.key", Long.toString(orderId))
        .put("server.address", "kafka.shop.svc")
        .put("server.port", 9092L)
        .put("tenant.id", tenantId);
  }

  /**
   * Adds a span; with a {@code failure} its status is ERROR with the failure's message, and a
   * failure naming an exception adds an {@code exception} event.
   */
  private void addSpan(
      String spanId,
      String parentId,
      Resource resource,
      String name,
      SpanKind kind,
      long start,
      long end,
      Attributes.Builder attributes,
      @Nullable Failure failure,
      InstrumentationScope scope) {
    Span.Builder span =
        Span.builder()
            .tenant(plan.tenant())
            .traceId(traceId)
            .spanId(spanId)
            .parentSpanId(parentId)
            .flags(1)
            .name(name)
            .kind(kind)
            .startTimeUnixNano(start)
            .endTimeUnixNano(end)
            .attributes(attributes.build())
            .resource(resource)
            .scope(scope);
    if (failure != null) {
      span.status(StatusCode.ERROR, failure.message());
      if (!failure.exceptionType().isEmpty()) {
        span.events(
            List.of(new SpanEvent(end, "exception", exception(failure, resource).build(), 0)));
      }
    }
    spans.add(span.build());
  }

  private static Attributes.Builder exception(Failure failure, Resource resource) {
    String service = resource.serviceName();
    String stack =
        failure.exceptionType()
            + ": "
            + failure.message()
            + "\n\tat com.shop."
            + service
            + "."
            + Character.toUpperCase(service.charAt(0))
            + service.substring(1)
            + "Handler.handle("
            + Character.toUpperCase(service.charAt(0))
            + service.substring(1)
            + "Handler.java:"
            + (40 + Math.abs(failure.exceptionType().hashCode() % 200))
            + ")\n\tat io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)";
    return Attributes.builder()
        .put("exception.type", failure.exceptionType())
        .put("exception.message", failure.message())
        .put("exception.stacktrace", stack);
  }

  private void log(
      Resource resource,
      String spanId,
      long time,
      int severity,
      String body,
      @Nullable Failure failure) {
    String service = resource.serviceName();
    Attributes.Builder a =
        Attributes.builder()
            .put("thread.name", "grpc-default-executor-" + random.nextInt(12))
            .put(
                "code.namespace",
                "com.shop."
                    + service
                    + "."
                    + Character.toUpperCase(service.charAt(0))
                    + service.substring(1)
                    + "Handler")
            .put("tenant.id", tenantId);
    if (failure != null && !failure.exceptionType().isEmpty())
      a.putAll(exception(failure, resource).build());
    logs.add(
        LogRecord.builder()
            .tenant(plan.tenant())
            .timeUnixNano(time)
            .observedTimeUnixNano(time + ms(logNormal(2, 0.5)))
            .severity(severity, severity >= 17 ? "ERROR" : severity >= 13 ? "WARN" : "INFO")
            .body(new AnyValue.StringValue(body))
            .attributes(a.build())
            .flags(1)
            .traceId(traceId)
            .spanId(spanId)
            .resource(resource)
            .scope(LOGGER)
            .build());
  }

  /** One of the instances of {@code service}, with the version it runs at {@code time}. */
  private Resource resource(String service, long time) {
    String version =
        service.equals(plan.upgradedService()) && time >= plan.upgradeFrom()
            ? plan.upgradedVersion()
            : baseVersion(service);
    int instances = service.equals("frontend") || service.equals("order") ? 3 : 2;
    int instance = random.nextInt(instances);
    return resources.computeIfAbsent(
        service + '/' + version + '/' + instance,
        k -> {
          String replicaSet =
              Integer.toString(Math.abs((service + version).hashCode()) % 46_656 + 46_656, 36);
          String pod = service + "-" + replicaSet + "-" + POD_SUFFIXES[instance];
          return new Resource(
              Attributes.builder()
                  .put(Resource.SERVICE_NAME, service)
                  .put(Resource.SERVICE_VERSION, version)
                  .put("service.namespace", "shop")
                  .put(
                      "service.instance.id",
                      UUID.nameUUIDFromBytes(pod.getBytes(StandardCharsets.UTF_8)).toString())
                  .put("deployment.environment.name", "production")
                  .put("host.name", pod)
                  .put("k8s.pod.name", pod)
                  .put("k8s.namespace.name", "shop")
                  .put("telemetry.sdk.name", "opentelemetry")
                  .put("telemetry.sdk.language", "java")
                  .put("telemetry.sdk.version", "1.52.0")
                  .build(),
              0,
              "https://opentelemetry.io/schemas/1.26.0");
        });
  }

  private String pickTenant() {
    int r = random.nextInt(100);
    for (int i = 0; i < TENANTS.length; i++) {
      r -= TENANT_WEIGHTS[i];
      if (r < 0) return TENANTS[i];
    }
    return TENANTS[TENANTS.length - 1];
  }

  private double logNormal(double medianMillis, double sigma) {
    return medianMillis * Math.exp(sigma * random.nextGaussian());
  }

  private static long ms(double millis) {
    return Math.max(1_000L, (long) (millis * MS));
  }

  private String newId(int bytes) {
    byte[] id = new byte[bytes];
    boolean zero = true;
    while (zero) {
      random.nextBytes(id);
      for (byte b : id) zero &= b == 0;
    }
    return Ids.toHex(id);
  }
}
