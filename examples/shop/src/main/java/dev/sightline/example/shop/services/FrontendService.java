package dev.sightline.example.shop.services;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.platform.Http;
import dev.sightline.example.shop.platform.Rejection;
import dev.sightline.example.shop.platform.ServiceClient;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.platform.UpstreamFailure;
import dev.sightline.kit.baggage.BaggageGuard;
import dev.sightline.kit.baggage.BaggageRejectedException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: {@code POST /checkout} with the tenant in {@code X-Tenant-Id}. It validates the
 * request, puts {@code tenant.id} in the baggage (through the {@link BaggageGuard}) so every
 * downstream span and log carries it, and asks order to place the order.
 */
public final class FrontendService {
  public static final String NAME = "frontend";
  public static final String TENANT_HEADER = "X-Tenant-Id";
  static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant.id");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final ServiceRuntime runtime;
  private final ServiceClient order;
  private final BaggageGuard baggage = BaggageGuard.defaults();
  private final LongCounter checkouts;
  private final Logger log = LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".Checkout");

  public FrontendService(ServiceRuntime runtime, URI order, Duration timeout) {
    this.runtime = runtime;
    this.order =
        new ServiceClient(
            runtime,
            "order",
            order,
            timeout,
            0,
            Duration.ZERO,
            LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".OrderClient"));
    this.checkouts =
        runtime
            .openTelemetry()
            .getMeter(ServiceRuntime.loggerName(NAME))
            .counterBuilder("shop.checkouts")
            .setUnit("{checkout}")
            .setDescription("Checkouts by outcome and tenant")
            .build();
  }

  public Map<String, HttpHandler> routes() {
    return Map.of("/checkout", Http.post(log, this::checkout));
  }

  private Http.Response checkout(Map<String, String> form, HttpExchange exchange) {
    String tenant = exchange.getRequestHeaders().getFirst(TENANT_HEADER);
    if (tenant == null || tenant.isBlank()) {
      throw new Rejection(400, TENANT_HEADER + " header missing");
    }
    Context withTenant;
    try {
      withTenant = baggage.put(Context.current(), "tenant.id", tenant);
    } catch (BaggageRejectedException e) {
      throw new Rejection(400, "invalid tenant: " + e.getMessage());
    }
    Span.current().setAttribute(TENANT, tenant); // the server span started before the baggage
    String outcome = "failed";
    try (Scope ignored = withTenant.makeCurrent()) {
      try {
        Http.Response response =
            runtime.call(
                "Shop.Frontend.Checkout",
                span -> {
                  String sku = required(form, "item");
                  int quantity = quantity(form.get("quantity"));
                  Map<String, String> request = new LinkedHashMap<>();
                  request.put("item", sku);
                  request.put("quantity", Integer.toString(quantity));
                  request.put("card", form.getOrDefault("card", ""));
                  request.put("email", form.getOrDefault("email", ""));
                  Http.Response placed = order.post("/orders", request);
                  if (placed.status() >= 400) {
                    throw new Rejection(placed.status(), placed.body());
                  }
                  log.info("checkout of {} x {} placed: {}", quantity, sku, placed.body());
                  return placed;
                });
        outcome = "placed";
        return response;
      } catch (Rejection e) {
        outcome = "rejected";
        log.info("checkout rejected: {}", e.getMessage());
        throw e;
      } catch (UpstreamFailure e) {
        log.error("checkout failed: {}", e.getMessage());
        throw new UpstreamFailure(502, "order service failed: " + e.getMessage());
      }
    } finally {
      checkouts.add(1, Attributes.of(OUTCOME, outcome, TENANT, tenant));
    }
  }

  static String required(Map<String, String> form, String field) {
    String value = form.get(field);
    if (value == null || value.isBlank()) {
      throw new Rejection(400, field + " missing");
    }
    return value;
  }

  private static int quantity(String value) {
    try {
      int q = Integer.parseInt(value == null ? "1" : value.trim());
      if (q < 1 || q > 10) {
        throw new Rejection(400, "quantity must be 1 to 10: " + q);
      }
      return q;
    } catch (NumberFormatException e) {
      throw new Rejection(400, "quantity is not a number: " + value);
    }
  }
}
