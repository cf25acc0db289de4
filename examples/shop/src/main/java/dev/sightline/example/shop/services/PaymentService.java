package dev.sightline.example.shop.services;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.faults.Faults;
import dev.sightline.example.shop.platform.Http;
import dev.sightline.example.shop.platform.Rejection;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.platform.SimulatedDatabase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /payments/charge}: authorizes the card with the (simulated) card gateway and records
 * the payment. Cards ending in {@code 0002} are declined (402, a business rejection). The card
 * number is logged in full, as careless code does: the kit masks it on export.
 */
public final class PaymentService {
  public static final String NAME = "payment";

  /** A test card the gateway declines. */
  public static final String DECLINED_CARD = "4000000000000002";

  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

  private final ServiceRuntime runtime;
  private final SimulatedDatabase database;
  private final Map<String, String> payments = new ConcurrentHashMap<>();
  private final Logger log = LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".Charge");

  public PaymentService(ServiceRuntime runtime, Duration databaseTime) {
    this.runtime = runtime;
    this.database = new SimulatedDatabase(runtime, "payments", databaseTime);
  }

  public Map<String, HttpHandler> routes() {
    return Map.of("/payments/charge", Http.post(log, this::charge));
  }

  private Http.Response charge(Map<String, String> form, HttpExchange exchange) {
    String orderId = FrontendService.required(form, "order_id");
    String amount = FrontendService.required(form, "amount");
    String card = form.getOrDefault("card", "");
    return runtime.call(
        "Payment.PaymentService.Charge",
        span -> {
          span.setAttribute(OrderService.ORDER_ID, orderId);
          runtime.deployment().misbehave(NAME);
          log.info("charging card {} {} cents for order {}", card, amount, orderId);
          String authorization =
              runtime
                  .traced()
                  .span("Payment.CardGateway.Authorize")
                  .kind(SpanKind.CLIENT)
                  .attribute(SERVER_ADDRESS, "card-gateway.example")
                  .call(
                      s -> {
                        Faults.sleep(Duration.ofMillis(5));
                        runtime.faults().inject("Payment.CardGateway.Authorize");
                        if (card.endsWith("0002")) {
                          throw new Rejection(402, "card declined by issuer");
                        }
                        return "auth-" + orderId;
                      });
          database.execute(
              "Payment.PaymentRepository.Insert",
              "INSERT",
              "payments",
              "INSERT INTO payments (order_id, amount, authorization) VALUES (?, ?, ?)",
              () -> payments.put(orderId, authorization));
          return new Http.Response(200, "authorization=" + authorization);
        });
  }
}
