package dev.sightline.example.shop.services;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sightline.example.shop.platform.Http;
import dev.sightline.example.shop.platform.Rejection;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.platform.SimulatedDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /stock/reserve}: queries and decrements the stock of an item; an item without enough
 * stock is a business rejection (409). Stock is shared by every deployment of the service, as a
 * database would be.
 */
public final class InventoryService {
  public static final String NAME = "inventory";

  /** An item that is never in stock. */
  public static final String DISCONTINUED = "sku-discontinued";

  private final ServiceRuntime runtime;
  private final SimulatedDatabase database;
  private final ConcurrentMap<String, Long> stock;
  private final Logger log =
      LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".StockService");
  private final Logger queries =
      LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".StockRepository");

  public InventoryService(
      ServiceRuntime runtime, ConcurrentMap<String, Long> stock, Duration databaseTime) {
    this.runtime = runtime;
    this.stock = stock;
    this.database = new SimulatedDatabase(runtime, "inventory", databaseTime);
  }

  /** Initial stock: plenty of sku-1 to sku-20, none of {@link #DISCONTINUED}. */
  public static ConcurrentMap<String, Long> initialStock() {
    ConcurrentMap<String, Long> stock = new ConcurrentHashMap<>();
    for (int i = 1; i <= 20; i++) {
      stock.put("sku-" + i, 10_000_000L);
    }
    stock.put(DISCONTINUED, 0L);
    return stock;
  }

  public Map<String, HttpHandler> routes() {
    return Map.of("/stock/reserve", Http.post(log, this::reserve));
  }

  private Http.Response reserve(Map<String, String> form, HttpExchange exchange) {
    String sku = FrontendService.required(form, "sku");
    long quantity = Long.parseLong(FrontendService.required(form, "quantity"));
    return runtime.call(
        "Inventory.StockService.ReserveItem",
        span -> {
          span.setAttribute(OrderService.SKU, sku);
          span.setAttribute(OrderService.QUANTITY, quantity);
          runtime.deployment().misbehave(NAME);
          long available =
              database.execute(
                  "Inventory.StockRepository.QueryStock",
                  "SELECT",
                  "stock",
                  "SELECT quantity FROM stock WHERE sku = ?",
                  () -> stock.getOrDefault(sku, 0L));
          queries.info("stock of {}: {}", sku, available);
          if (available < quantity) {
            log.warn("cannot reserve {} x {}: {} in stock", quantity, sku, available);
            throw new Rejection(409, sku + " is out of stock");
          }
          database.execute(
              "Inventory.StockRepository.UpdateStock",
              "UPDATE",
              "stock",
              "UPDATE stock SET quantity = quantity - ? WHERE sku = ?",
              () -> stock.merge(sku, -quantity, Long::sum));
          return new Http.Response(200, "reserved");
        });
  }
}
