package dev.sightline.example.shop.services;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.faults.DependencyUnavailableException;
import dev.sightline.example.shop.platform.Form;
import dev.sightline.example.shop.platform.Http;
import dev.sightline.example.shop.platform.MessageBroker;
import dev.sightline.example.shop.platform.Rejection;
import dev.sightline.example.shop.platform.ServiceClient;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.platform.SimulatedDatabase;
import dev.sightline.kit.messaging.HeaderMapCarrier;
import dev.sightline.kit.messaging.MessagingTracing;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /orders}: reserves stock in inventory and charges payment (each with a timeout and
 * retries), stores the order, and publishes {@code orders.placed} for shipping through the message
 * broker, with the trace context and baggage in the message headers.
 */
public final class OrderService {
  public static final String NAME = "order";
  public static final String TOPIC = "orders.placed";
  static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("order.id");
  static final AttributeKey<String> SKU = AttributeKey.stringKey("item.sku");
  static final AttributeKey<Long> QUANTITY = AttributeKey.longKey("item.quantity");

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final ServiceRuntime runtime;
  private final ServiceClient inventory;
  private final ServiceClient payment;
  private final SimulatedDatabase database;
  private final Map<String, String> orders = new ConcurrentHashMap<>();
  private final MessagingTracing messaging;
  private final MessageBroker broker;
  private final Duration publishWait;
  private final LongCounter placed;
  private final Logger log =
      LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".PlaceOrder");

  public OrderService(
      ServiceRuntime runtime,
      URI inventory,
      URI payment,
      MessageBroker broker,
      Duration inventoryTimeout,
      Duration paymentTimeout,
      int retries,
      Duration backoff,
      Duration publishWait,
      Duration databaseTime) {
    this.runtime = runtime;
    this.inventory =
        new ServiceClient(
            runtime,
            "inventory",
            inventory,
            inventoryTimeout,
            retries,
            backoff,
            LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".InventoryClient"));
    this.payment =
        new ServiceClient(
            runtime,
            "payment",
            payment,
            paymentTimeout,
            retries,
            backoff,
            LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".PaymentClient"));
    this.database = new SimulatedDatabase(runtime, "orders", databaseTime);
    this.messaging =
        MessagingTracing.create(
            runtime.openTelemetry(), ServiceRuntime.loggerName(NAME), "shop_queue");
    this.broker = broker;
    this.publishWait = publishWait;
    this.placed =
        runtime
            .openTelemetry()
            .getMeter(ServiceRuntime.loggerName(NAME))
            .counterBuilder("shop.orders")
            .setUnit("{order}")
            .setDescription("Orders placed")
            .build();
  }

  public Map<String, HttpHandler> routes() {
    return Map.of("/orders", Http.post(log, this::placeOrder));
  }

  private Http.Response placeOrder(Map<String, String> form, HttpExchange exchange) {
    String orderId = "ord-" + SEQUENCE.incrementAndGet();
    String sku = FrontendService.required(form, "item");
    String quantity = FrontendService.required(form, "quantity");
    return runtime.call(
        "Order.OrderService.PlaceOrder",
        span -> {
          span.setAttribute(ORDER_ID, orderId);
          span.setAttribute(SKU, sku);
          span.setAttribute(QUANTITY, Long.parseLong(quantity));
          runtime.deployment().misbehave(NAME);

          Http.Response reserved =
              runtime.call(
                  "Order.InventoryClient.ReserveStock",
                  s -> inventory.post("/stock/reserve", Map.of("sku", sku, "quantity", quantity)));
          if (reserved.status() >= 400) {
            throw new Rejection(reserved.status(), reserved.body());
          }
          Map<String, String> charge = new LinkedHashMap<>();
          charge.put("order_id", orderId);
          charge.put("amount", Long.toString(Long.parseLong(quantity) * 1999));
          charge.put("card", form.getOrDefault("card", ""));
          Http.Response charged =
              runtime.call(
                  "Order.PaymentClient.Charge", s -> payment.post("/payments/charge", charge));
          if (charged.status() >= 400) {
            throw new Rejection(charged.status(), charged.body());
          }
          database.execute(
              "Order.OrderRepository.Insert",
              "INSERT",
              "orders",
              "INSERT INTO orders (id, sku, quantity, tenant) VALUES (?, ?, ?, ?)",
              () -> orders.put(orderId, sku));
          publish(orderId, sku, quantity, form.getOrDefault("email", ""));
          placed.add(1, Attributes.of(AttributeKey.stringKey("outcome"), "placed"));
          log.info("order {} placed: {} x {}", orderId, quantity, sku);
          return new Http.Response(201, "order_id=" + orderId);
        });
  }

  /** Publishes orders.placed; a full queue is logged but does not undo the charged order. */
  private void publish(String orderId, String sku, String quantity, String email) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("order_id", orderId);
    body.put("sku", sku);
    body.put("quantity", quantity);
    body.put("email", email);
    String tenant = Baggage.current().getEntryValue("tenant.id");
    body.put("tenant", tenant == null ? "" : tenant);
    String payload = Form.encode(body);
    Map<String, String> headers = new HashMap<>();
    try {
      messaging
          .producer(TOPIC)
          .spanName("Order.OrderEvents.Publish")
          .messageId(orderId)
          .bodySize(payload.length())
          .send(
              headers,
              HeaderMapCarrier.strings(),
              span -> {
                if (!broker.publish(
                    new MessageBroker.Message(headers, orderId, payload, System.nanoTime()),
                    publishWait)) {
                  throw new DependencyUnavailableException(
                      TOPIC + " queue full (" + broker.depth() + " messages): event not published");
                }
                return null;
              });
    } catch (DependencyUnavailableException e) {
      log.error("order {} placed but shipping will not hear of it: {}", orderId, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.error("order {}: publishing interrupted", orderId);
    }
  }
}
