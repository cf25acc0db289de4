package dev.sightline.example.shop;

import static dev.sightline.example.shop.ShopHarness.SERVICE_VERSION;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.example.shop.faults.DependencyUnavailableException;
import dev.sightline.example.shop.faults.ReleaseDefectException;
import dev.sightline.example.shop.faults.TenantRejectedException;
import dev.sightline.example.shop.platform.UpstreamFailure;
import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault leaves the trail a real one would, on the culprit and upstream. */
class ShopFaultsTest {
  private static final StatusData SYSTEM_ERROR =
      StatusData.create(StatusCode.ERROR, "system_error");
  private static final AttributeKey<Long> RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant.id");

  /** Order's timeout per attempt; the injected latency is well above it. */
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  private static ShopHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new ShopHarness(TIMEOUT);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() throws Exception {
    harness.reset();
  }

  /** Order's HTTP client spans towards {@code service}, in start order. */
  private static List<SpanData> clientSpansTo(String service) {
    long port = harness.shop.port(service);
    return harness.spans("order").stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT)
        .filter(s -> Long.valueOf(port).equals(s.getAttributes().get(SERVER_PORT)))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(Collectors.toList());
  }

  private static List<String> messages(List<LogRecordData> logs, Severity severity) {
    return logs.stream()
        .filter(l -> l.getSeverity() == severity)
        .map(l -> l.getBodyValue().asString())
        .collect(Collectors.toList());
  }

  @Test
  void latencyInTheStockQueryTimesOutAndRetriesUpstream() throws Exception {
    harness.enable("latency:delay=2s"); // inventory's stock query; order waits 800 ms

    HttpResponse<String> response = harness.checkout("acme");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("inventory failed after 3 attempts");
    harness.settle();

    // the culprit: slow stock queries, one per attempt, otherwise healthy
    List<SpanData> queries = harness.spans("inventory", "Inventory.StockRepository.QueryStock");
    assertThat(queries).hasSize(3);
    assertThat(queries)
        .allSatisfy(
            q -> {
              assertThat(q.getEndEpochNanos() - q.getStartEpochNanos())
                  .isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
              assertThat(q).hasAttribute(AttributeKey.stringKey("db.operation.name"), "SELECT");
              assertThat(q.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
            });

    // upstream: three timed-out attempts, the retries marked, then the order fails
    List<SpanData> attempts = clientSpansTo("inventory");
    assertThat(attempts).hasSize(3);
    assertThat(attempts)
        .allSatisfy(
            a ->
                assertThat(a)
                    .hasStatus(StatusData.error())
                    .hasAttribute(Traced.ERROR_TYPE, "java.net.http.HttpTimeoutException"));
    assertThat(attempts.get(0).getAttributes().get(RESEND_COUNT)).isNull();
    assertThat(attempts.get(1)).hasAttribute(RESEND_COUNT, 1L);
    assertThat(attempts.get(2)).hasAttribute(RESEND_COUNT, 2L);
    assertThat(harness.span("order", "Order.InventoryClient.ReserveStock"))
        .hasStatus(SYSTEM_ERROR)
        .hasAttribute(Traced.ERROR_TYPE, UpstreamFailure.class.getName());
    assertThat(harness.span("order", "Order.OrderService.PlaceOrder")).hasStatus(SYSTEM_ERROR);
    assertThat(harness.span("order", "POST /orders")).hasAttribute(STATUS, 504L);
    assertThat(harness.span("frontend", "POST /checkout")).hasAttribute(STATUS, 502L);

    // the logs say what went wrong
    List<LogRecordData> orderLogs = harness.logs("order");
    assertThat(messages(orderLogs, Severity.WARN))
        .containsExactly(
            "inventory timed out after 800ms (attempt 1/3), retrying",
            "inventory timed out after 800ms (attempt 2/3), retrying");
    assertThat(messages(orderLogs, Severity.ERROR))
        .contains("inventory failed after 3 attempts: inventory timed out after 800ms");
    assertThat(harness.logsContaining("frontend", "checkout failed")).hasSize(1);
  }

  @Test
  void paymentErrorRateFailsTheCardGatewayAndIsRetried() throws Exception {
    harness.enable("errors:rate=1"); // the card gateway, in payment

    assertThat(harness.checkout("acme").statusCode()).isEqualTo(502);
    harness.settle();

    List<SpanData> gateway = harness.spans("payment", "Payment.CardGateway.Authorize");
    assertThat(gateway).hasSize(3);
    assertThat(gateway)
        .allSatisfy(
            g ->
                assertThat(g)
                    .hasKind(SpanKind.CLIENT)
                    .hasStatus(SYSTEM_ERROR)
                    .hasAttribute(Traced.ERROR_TYPE, DependencyUnavailableException.class.getName())
                    .hasAttribute(TENANT, "acme"));
    assertThat(harness.spans("payment", "POST /payments/charge"))
        .allSatisfy(s -> assertThat(s).hasAttribute(STATUS, 503L).hasStatus(StatusData.error()));
    assertThat(harness.logsContaining("payment", "upstream answered 503")).hasSize(3);

    List<SpanData> attempts = clientSpansTo("payment");
    assertThat(attempts).hasSize(3);
    assertThat(attempts).allSatisfy(a -> assertThat(a).hasAttribute(STATUS, 503L));
    assertThat(attempts.get(2)).hasAttribute(RESEND_COUNT, 2L);
    assertThat(harness.span("order", "Order.PaymentClient.Charge")).hasStatus(SYSTEM_ERROR);
    assertThat(messages(harness.logs("order"), Severity.WARN))
        .hasSize(2)
        .allMatch(m -> m.startsWith("payment answered 503"));
    assertThat(harness.span("order", "POST /orders")).hasAttribute(STATUS, 502L);
  }

  @Test
  void tenantFailureHitsOnlyThatTenant() throws Exception {
    harness.enable("tenant-failure:tenant=globex");

    assertThat(harness.checkout("globex").statusCode()).isEqualTo(502);
    assertThat(harness.checkout("acme").statusCode()).isEqualTo(201);
    harness.settle();

    List<SpanData> errors =
        harness.allSpans().stream()
            .filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
            .collect(Collectors.toList());
    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().get(TENANT))
                    .as(s.getName())
                    .isIn("globex", null)); // client spans carry no tenant attribute
    assertThat(harness.spans("payment", "Payment.PaymentService.Charge"))
        .filteredOn(s -> "globex".equals(s.getAttributes().get(TENANT)))
        .hasSize(3)
        .allSatisfy(
            s ->
                assertThat(s)
                    .hasStatus(SYSTEM_ERROR)
                    .hasAttribute(Traced.ERROR_TYPE, TenantRejectedException.class.getName()));
    assertThat(harness.spans("payment", "Payment.PaymentService.Charge"))
        .filteredOn(s -> "acme".equals(s.getAttributes().get(TENANT)))
        .singleElement()
        .satisfies(s -> assertThat(s).hasStatus(StatusData.ok()));
    assertThat(harness.logsContaining("payment", "merchant account of tenant globex"))
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l.getAttributes().get(AttributeKey.stringKey("tenant_id")))
                    .isEqualTo("globex"));
  }

  @Test
  void badReleaseIsANewServiceVersionThatFailsAndRollsBack() throws Exception {
    assertThat(harness.checkout("acme").statusCode()).isEqualTo(201);
    harness.enable("bad-release:service=inventory,version=1.9.0,delay=0ms,rate=1");
    assertThat(harness.shop.version("inventory")).isEqualTo("1.9.0");

    assertThat(harness.checkout("acme").statusCode()).isEqualTo(502);
    harness.settle();

    List<SpanData> reserve = harness.spans("inventory", "Inventory.StockService.ReserveItem");
    assertThat(reserve)
        .filteredOn(s -> s.getResource().getAttribute(SERVICE_VERSION).equals("1.8.2"))
        .singleElement()
        .satisfies(s -> assertThat(s).hasStatus(StatusData.ok()));
    assertThat(reserve)
        .filteredOn(s -> s.getResource().getAttribute(SERVICE_VERSION).equals("1.9.0"))
        .hasSize(3)
        .allSatisfy(
            s ->
                assertThat(s)
                    .hasStatus(SYSTEM_ERROR)
                    .hasAttribute(Traced.ERROR_TYPE, ReleaseDefectException.class.getName()));
    assertThat(clientSpansTo("inventory"))
        .filteredOn(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
        .hasSize(3)
        .allSatisfy(s -> assertThat(s).hasAttribute(STATUS, 500L));

    harness.shop.disable("bad-release");
    assertThat(harness.shop.version("inventory")).isEqualTo("1.8.2");
    assertThat(harness.checkout("acme").statusCode()).isEqualTo(201);
    harness.settle();
    assertThat(harness.spans("inventory", "Inventory.StockService.ReserveItem"))
        .filteredOn(s -> s.getResource().getAttribute(SERVICE_VERSION).equals("1.8.2"))
        .hasSize(2);
  }

  @Test
  void slowConsumerBuildsABacklogWithoutSlowingCheckouts() throws Exception {
    Duration delay = Duration.ofMillis(500);
    harness.enable("slow-consumer:delay=500ms");

    assertThat(harness.checkoutsAtOnce(4, "acme")).containsOnly(201);
    // while the backlog is there, the queue depth gauge shows it
    harness.sdks.stream()
        .filter(s -> s.service().equals("shipping"))
        .forEach(s -> s.telemetry().flush());
    long depth =
        harness
            .metrics("shipping", "shop.shipping.queue.depth")
            .flatMap(m -> m.getLongGaugeData().getPoints().stream())
            .mapToLong(p -> p.getValue())
            .max()
            .orElse(-1);
    assertThat(depth).isPositive();
    harness.settle();

    List<SpanData> shipments = harness.spans("shipping", "Shipping.ShippingService.CreateShipment");
    assertThat(shipments).hasSize(4);
    assertThat(shipments)
        .allSatisfy(
            s ->
                assertThat(s.getEndEpochNanos() - s.getStartEpochNanos())
                    .isGreaterThanOrEqualTo(delay.toNanos()));
    // messages queued behind slow ones waited at least one processing time
    AttributeKey<Long> waited = AttributeKey.longKey("shop.message.wait_ms");
    assertThat(shipments.stream().mapToLong(s -> s.getAttributes().get(waited)).max().orElse(0))
        .isGreaterThanOrEqualTo(delay.toMillis());
    assertThat(harness.logsContaining("shipping", "shipping backlog"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l.getSeverity()).isEqualTo(Severity.WARN));
    // checkouts did not wait for shipping
    assertThat(harness.spans("order", "POST /orders"))
        .allSatisfy(
            s ->
                assertThat(s.getEndEpochNanos() - s.getStartEpochNanos())
                    .isLessThan(delay.toNanos()));
  }

  @Test
  void aFullQueueFailsThePublishUpstream() throws Exception {
    try (ShopHarness small =
        new ShopHarness(
            ShopHarness.config(TIMEOUT)
                .queueCapacity(1)
                .publishWait(Duration.ofMillis(10))
                .build())) {
      small.enable("slow-consumer:delay=1s");
      // orders are placed (and charged) even when shipping cannot be told
      assertThat(small.checkoutsAtOnce(6, "acme")).containsOnly(201);
      small.settle();
      List<SpanData> publishes = small.spans("order", "Order.OrderEvents.Publish");
      assertThat(publishes).hasSize(6);
      assertThat(publishes)
          .filteredOn(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
          .isNotEmpty()
          .allSatisfy(
              s ->
                  assertThat(s)
                      .hasAttribute(
                          Traced.ERROR_TYPE, DependencyUnavailableException.class.getName()));
      assertThat(small.logsContaining("order", "shipping will not hear of it")).isNotEmpty();
    }
  }
}
