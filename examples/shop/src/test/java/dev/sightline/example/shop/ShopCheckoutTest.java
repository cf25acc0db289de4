package dev.sightline.example.shop;

import static dev.sightline.example.shop.ShopHarness.SERVICE_NAME;
import static dev.sightline.example.shop.ShopHarness.SERVICE_VERSION;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The healthy path: one checkout crosses every service, over sockets and the queue. */
class ShopCheckoutTest {
  private static final Pattern DOMAIN_SERVICE_ACTION =
      Pattern.compile("[A-Z][A-Za-z]+\\.[A-Z][A-Za-z]+\\.[A-Z][A-Za-z]+");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant.id");

  private static ShopHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new ShopHarness(Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() throws Exception {
    harness.reset();
  }

  @Test
  void oneCheckoutIsOneTraceAcrossFiveServicesWithTenantEverywhere() throws Exception {
    HttpResponse<String> response = harness.checkout("acme");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(response.body()).startsWith("order_id=ord-");
    harness.settle();

    SpanData edge = harness.span("frontend", "POST /checkout");
    String trace = edge.getTraceId();
    for (String service : List.of("frontend", "order", "inventory", "payment", "shipping")) {
      List<SpanData> spans = harness.spans(service);
      assertThat(spans).as(service).isNotEmpty().allSatisfy(s -> assertThat(s).hasTraceId(trace));
      assertThat(spans.get(0).getResource().getAttribute(SERVICE_NAME)).isEqualTo(service);
      assertThat(spans.get(0).getResource().getAttribute(SERVICE_VERSION))
          .isEqualTo(ShopConfig.DEFAULT_VERSIONS.get(service));
    }
    assertThat(harness.allSpans())
        .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR));

    // HTTP hops: server span of the callee is the remote child of the caller's client span
    SpanData checkout = harness.span("frontend", "Shop.Frontend.Checkout");
    assertThat(checkout).hasParent(edge);
    SpanData frontendClient = onlyClientSpan("frontend");
    assertThat(frontendClient).hasParent(checkout);
    SpanData orderServer = harness.span("order", "POST /orders");
    assertThat(orderServer).hasParentSpanId(frontendClient.getSpanId()).hasKind(SpanKind.SERVER);
    assertThat(orderServer.getParentSpanContext().isRemote()).isTrue();
    SpanData placeOrder = harness.span("order", "Order.OrderService.PlaceOrder");
    SpanData reserve = harness.span("inventory", "Inventory.StockService.ReserveItem");
    assertThat(harness.span("inventory", "POST /stock/reserve").getParentSpanContext().isRemote())
        .isTrue();

    // the asynchronous hop: the consumer continues the producer's trace from the headers
    SpanData publish = harness.span("order", "Order.OrderEvents.Publish");
    SpanData shipment = harness.span("shipping", "Shipping.ShippingService.CreateShipment");
    assertThat(publish).hasKind(SpanKind.PRODUCER).hasParent(placeOrder);
    assertThat(shipment)
        .hasKind(SpanKind.CONSUMER)
        .hasParentSpanId(publish.getSpanId())
        .hasAttribute(AttributeKey.stringKey("messaging.destination.name"), "orders.placed")
        .hasAttribute(AttributeKey.stringKey("messaging.system"), "shop_queue");

    // tenant baggage, set once at the edge, on every service's spans
    for (SpanData span :
        List.of(
            edge,
            checkout,
            orderServer,
            placeOrder,
            reserve,
            shipment,
            harness.span("payment", "Payment.PaymentService.Charge"))) {
      assertThat(span).hasAttribute(TENANT, "acme");
    }

    // database-like calls with db.* attributes
    SpanData query = harness.span("inventory", "Inventory.StockRepository.QueryStock");
    assertThat(query)
        .hasKind(SpanKind.CLIENT)
        .hasParent(reserve)
        .hasAttribute(AttributeKey.stringKey("db.system.name"), "other_sql")
        .hasAttribute(AttributeKey.stringKey("db.namespace"), "inventory")
        .hasAttribute(AttributeKey.stringKey("db.collection.name"), "stock")
        .hasAttribute(AttributeKey.stringKey("db.operation.name"), "SELECT")
        .hasAttribute(
            AttributeKey.stringKey("db.query.text"), "SELECT quantity FROM stock WHERE sku = ?");

    // span names: Domain.Service.Action for the shop's own spans, semconv for HTTP ones
    Set<String> names =
        harness.allSpans().stream()
            .filter(s -> s.getInstrumentationScopeInfo().getName().startsWith("dev.sightline"))
            .map(SpanData::getName)
            .collect(Collectors.toSet());
    assertThat(names).isNotEmpty().allMatch(n -> DOMAIN_SERVICE_ACTION.matcher(n).matches());
  }

  @Test
  void logsAreCorrelatedTenantTaggedAndMasked() throws Exception {
    assertThat(harness.checkout("globex").statusCode()).isEqualTo(201);
    harness.settle();

    SpanData charge = harness.span("payment", "Payment.PaymentService.Charge");
    LogRecordData charging = harness.logsContaining("payment", "charging card").get(0);
    assertThat(charging.getSpanContext()).isEqualTo(charge.getSpanContext());
    assertThat(charging.getBodyValue().asString()).contains("************1111");
    assertThat(charging.getBodyValue().asString()).doesNotContain("4111111111111111");
    assertThat(charging.getAttributes().get(AttributeKey.stringKey("tenant_id")))
        .isEqualTo("globex");
    assertThat(charging.getResource().getAttribute(SERVICE_NAME)).isEqualTo("payment");

    LogRecordData shipped = harness.logsContaining("shipping", "shipment created").get(0);
    assertThat(shipped.getBodyValue().asString()).contains("confirmation sent to a***@example.com");
    assertThat(shipped.getSpanContext())
        .isEqualTo(
            harness.span("shipping", "Shipping.ShippingService.CreateShipment").getSpanContext());
    assertThat(shipped.getAttributes().get(AttributeKey.stringKey("tenant_id")))
        .isEqualTo("globex");
  }

  @Test
  void redMetricsPerServiceAndBusinessCounters() throws Exception {
    // metrics are cumulative over the shop's life: compare before and after
    harness.settle();
    Map<String, Long> requestsBefore = requestCounts();
    long placedBefore = placedCheckouts("initech");
    for (int i = 0; i < 3; i++) {
      assertThat(harness.checkout("initech").statusCode()).isEqualTo(201);
    }
    harness.settle();

    Map<String, Long> requestsAfter = requestCounts();
    for (String route : List.of("/checkout", "/orders", "/stock/reserve", "/payments/charge")) {
      assertThat(requestsAfter.get(route) - requestsBefore.getOrDefault(route, 0L))
          .as(route)
          .isEqualTo(3);
    }
    assertThat(placedCheckouts("initech") - placedBefore).isEqualTo(3);
    assertThat(harness.metrics("inventory", "db.client.operation.duration")).hasSize(1);
    assertThat(harness.metrics("shipping", "messaging.process.duration")).hasSize(1);
    assertThat(harness.metrics("shipping", "shop.shipping.queue.depth")).hasSize(1);
  }

  /** http.server.request.duration counts by route, over every HTTP service (the RED metric). */
  private static Map<String, Long> requestCounts() {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (String service : List.of("frontend", "order", "inventory", "payment")) {
      harness
          .metrics(service, "http.server.request.duration")
          .flatMap(m -> m.getHistogramData().getPoints().stream())
          .forEach(
              p ->
                  counts.merge(
                      p.getAttributes().get(AttributeKey.stringKey("http.route")),
                      p.getCount(),
                      Long::sum));
    }
    return counts;
  }

  private static long placedCheckouts(String tenant) {
    return harness
        .metrics("frontend", "shop.checkouts")
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> "placed".equals(p.getAttributes().get(AttributeKey.stringKey("outcome"))))
        .filter(p -> tenant.equals(p.getAttributes().get(TENANT)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  @Test
  void businessRejectionsAreClassifiedAsValidationNotSystemErrors() throws Exception {
    HttpResponse<String> soldOut = harness.checkout("acme", "sku-discontinued", "4111111111111111");
    HttpResponse<String> declined = harness.checkout("acme", "sku-5", "4000000000000002");
    assertThat(soldOut.statusCode()).isEqualTo(409);
    assertThat(declined.statusCode()).isEqualTo(402);
    harness.settle();

    StatusData validation = StatusData.create(StatusCode.ERROR, "business_validation_failed");
    SpanData soldOutReservation = reservationOf("sku-discontinued");
    assertThat(soldOutReservation).hasStatus(validation);
    assertThat(reservationOf("sku-5")).hasStatus(StatusData.ok());
    assertThat(harness.span("payment", "Payment.CardGateway.Authorize")).hasStatus(validation);
    assertThat(harness.spans("order", "Order.OrderService.PlaceOrder"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s).hasStatus(validation));
    // 4xx is not a server error: the HTTP server spans stay unset
    assertThat(harness.allSpans())
        .filteredOn(s -> s.getKind() == SpanKind.SERVER)
        .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
    // the hot-path stock log is sampled, but kept whole for a failing span
    assertThat(harness.logsContaining("inventory", "stock of sku-discontinued: 0"))
        .singleElement()
        .satisfies(
            l -> assertThat(l.getSpanContext()).isEqualTo(soldOutReservation.getSpanContext()));
  }

  private static SpanData reservationOf(String sku) {
    return harness.spans("inventory", "Inventory.StockService.ReserveItem").stream()
        .filter(s -> sku.equals(s.getAttributes().get(AttributeKey.stringKey("item.sku"))))
        .findFirst()
        .orElseThrow();
  }

  private static SpanData onlyClientSpan(String service) {
    List<SpanData> clients =
        harness.spans(service).stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .collect(Collectors.toList());
    assertThat(clients).hasSize(1);
    return clients.get(0);
  }
}
