package dev.sightline.example.shop.services;

import dev.sightline.example.shop.faults.Faults;
import dev.sightline.example.shop.platform.Form;
import dev.sightline.example.shop.platform.MessageBroker;
import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.example.shop.platform.SimulatedDatabase;
import dev.sightline.kit.messaging.HeaderMapCarrier;
import dev.sightline.kit.messaging.MessagingTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous consumer: takes {@code orders.placed} from the broker, continues the producer's
 * trace from the message headers (with its baggage), creates the shipment and sends the
 * confirmation. Reports the queue depth as {@code shop.shipping.queue.depth}, the time each message
 * waited as {@code shop.message.wait_ms} on its span, and warns about a backlog.
 */
public final class ShippingService implements AutoCloseable {
  public static final String NAME = "shipping";
  static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("shop.message.wait_ms");

  private final ServiceRuntime runtime;
  private final MessageBroker broker;
  private final MessagingTracing messaging;
  private final SimulatedDatabase database;
  private final int backlogWarning;
  private final Map<String, String> shipments = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean busy = new AtomicBoolean();
  private final ObservableLongGauge depthGauge;
  private final Thread consumer;
  private final Logger log =
      LoggerFactory.getLogger(ServiceRuntime.loggerName(NAME) + ".CreateShipment");

  public ShippingService(
      ServiceRuntime runtime, MessageBroker broker, int backlogWarning, Duration databaseTime) {
    this.runtime = runtime;
    this.broker = broker;
    this.backlogWarning = backlogWarning;
    this.messaging =
        MessagingTracing.create(
            runtime.openTelemetry(), ServiceRuntime.loggerName(NAME), "shop_queue");
    this.database = new SimulatedDatabase(runtime, "shipping", databaseTime);
    this.depthGauge =
        runtime
            .openTelemetry()
            .getMeter(ServiceRuntime.loggerName(NAME))
            .gaugeBuilder("shop.shipping.queue.depth")
            .ofLongs()
            .setUnit("{message}")
            .setDescription("Messages waiting in orders.placed")
            .buildWithCallback(m -> m.record(broker.depth()));
    this.consumer = new Thread(this::consume, "shipping-consumer");
    consumer.setDaemon(true);
    consumer.start();
  }

  /** Whether no message is being processed or waiting. */
  public boolean idle() {
    return !busy.get() && broker.depth() == 0;
  }

  private void consume() {
    while (running.get()) {
      try {
        MessageBroker.Message message = broker.poll(Duration.ofMillis(100));
        if (message == null) {
          continue;
        }
        busy.set(true);
        try {
          process(message);
        } catch (RuntimeException e) {
          log.error("shipment for {} failed: {}", message.key(), e.toString());
        } finally {
          busy.set(false);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void process(MessageBroker.Message message) {
    long waitedMs = (System.nanoTime() - message.enqueuedNanos()) / 1_000_000;
    Map<String, String> order = Form.parse(message.body());
    messaging
        .consumer(broker.topic())
        .spanName("Shipping.ShippingService.CreateShipment")
        .consumerGroup(NAME)
        .messageId(message.key())
        .bodySize(message.body().length())
        .process(
            message.headers(),
            HeaderMapCarrier.strings(),
            span -> {
              span.setAttribute(WAIT_MS, waitedMs);
              Faults.sleep(runtime.faults().consumerDelay());
              int depth = broker.depth();
              if (depth >= backlogWarning) {
                log.warn(
                    "shipping backlog: {} messages waiting; {} waited {} ms",
                    depth,
                    message.key(),
                    waitedMs);
              }
              database.execute(
                  "Shipping.ShipmentRepository.Insert",
                  "INSERT",
                  "shipments",
                  "INSERT INTO shipments (order_id, sku, quantity) VALUES (?, ?, ?)",
                  () -> shipments.put(message.key(), order.getOrDefault("sku", "")));
              log.info(
                  "shipment created for order {}; confirmation sent to {}",
                  message.key(),
                  order.getOrDefault("email", ""));
              return null;
            });
  }

  /** Stops consuming (the message being processed is finished first). */
  @Override
  public void close() {
    running.set(false);
    try {
      consumer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    depthGauge.close();
  }
}
