package dev.sightline.kit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.kit.SightlineTelemetry;
import dev.sightline.kit.baggage.BaggageGuard;
import dev.sightline.kit.testing.InMemoryTelemetry;
import dev.sightline.kit.trace.BusinessValidationException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessagingTracingTest {
  private final InMemoryTelemetry producerSide =
      InMemoryTelemetry.create(SightlineTelemetry.builder().serviceName("shop-order"));
  private final InMemoryTelemetry consumerSide =
      InMemoryTelemetry.create(SightlineTelemetry.builder().serviceName("shop-shipping"));
  private final MessagingTracing producer =
      MessagingTracing.create(producerSide.telemetry().openTelemetry(), "order", "shop_queue");
  private final MessagingTracing consumer =
      MessagingTracing.create(consumerSide.telemetry().openTelemetry(), "shipping", "shop_queue");

  record Message(Map<String, byte[]> headers, String body) {}

  @AfterEach
  void close() {
    producerSide.close();
    consumerSide.close();
  }

  @Test
  void contextAndBaggageCrossTheQueueInHeaders() throws Exception {
    BlockingQueue<Message> queue = new ArrayBlockingQueue<>(1);
    // the message is sent from inside the producer span, with the injected headers
    Map<String, byte[]> headers = new HashMap<>();
    try (Scope ignored =
        BaggageGuard.defaults().put(Context.root(), "tenant.id", "acme").makeCurrent()) {
      producer
          .producer("orders.placed")
          .spanName("Order.OrderEvents.Publish")
          .messageId("ord-2")
          .send(
              headers,
              HeaderMapCarrier.bytes(),
              span -> queue.offer(new Message(headers, "ord-2")));
    }
    assertThat(new String(headers.get("baggage"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("tenant.id=acme");

    // a different thread, a different SDK: only the headers connect them
    Thread consumerThread =
        new Thread(
            () -> {
              try {
                Message message = queue.poll(5, TimeUnit.SECONDS);
                consumer
                    .consumer("orders.placed")
                    .spanName("Shipping.ShippingService.CreateShipment")
                    .consumerGroup("shipping")
                    .messageId(message.body())
                    .process(message.headers(), HeaderMapCarrier.bytes(), span -> message.body());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    consumerThread.start();
    consumerThread.join(10_000);

    producerSide.flush();
    consumerSide.flush();
    SpanData publish = producerSide.span("Order.OrderEvents.Publish");
    SpanData process = consumerSide.span("Shipping.ShippingService.CreateShipment");

    assertThat(publish)
        .hasKind(SpanKind.PRODUCER)
        .hasAttribute(MessagingTracing.SYSTEM, "shop_queue")
        .hasAttribute(MessagingTracing.DESTINATION, "orders.placed")
        .hasAttribute(MessagingTracing.OPERATION_TYPE, "send")
        .hasAttribute(AttributeKey.stringKey("tenant.id"), "acme");
    assertThat(process)
        .hasKind(SpanKind.CONSUMER)
        .hasTraceId(publish.getTraceId())
        .hasParentSpanId(publish.getSpanId())
        .hasAttribute(MessagingTracing.OPERATION_TYPE, "process")
        .hasAttribute(MessagingTracing.CONSUMER_GROUP, "shipping")
        .hasAttribute(MessagingTracing.MESSAGE_ID, "ord-2")
        .hasAttribute(AttributeKey.stringKey("tenant.id"), "acme");
    assertThat(process.getParentSpanContext().isRemote()).isTrue();

    HistogramPointData processed =
        consumerSide
            .metric("messaging.process.duration")
            .orElseThrow()
            .getHistogramData()
            .getPoints()
            .iterator()
            .next();
    assertThat(processed.getCount()).isEqualTo(1);
    assertThat(
            producerSide
                .metric("messaging.client.operation.duration")
                .orElseThrow()
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void processingFailuresAreClassifiedAndTaggedOnTheDurationMetric() {
    Map<String, String> headers = new HashMap<>();
    producer.producer("orders.placed").send(headers, HeaderMapCarrier.strings(), span -> null);
    assertThatThrownBy(
            () ->
                consumer
                    .consumer("orders.placed")
                    .process(
                        headers,
                        HeaderMapCarrier.strings(),
                        span -> {
                          throw new BusinessValidationException("address incomplete");
                        }))
        .isInstanceOf(BusinessValidationException.class);

    consumerSide.flush();
    assertThat(consumerSide.span("process orders.placed"))
        .hasStatus(StatusData.create(StatusCode.ERROR, "business_validation_failed"));
    assertThat(
            consumerSide
                .metric("messaging.process.duration")
                .orElseThrow()
                .getHistogramData()
                .getPoints()
                .iterator()
                .next()
                .getAttributes()
                .get(AttributeKey.stringKey("error.type")))
        .isEqualTo(BusinessValidationException.class.getName());
  }

  @Test
  void headerLookupFallsBackToCaseInsensitive() {
    Map<String, String> headers = Map.of("TraceParent", "x");
    assertThat(HeaderMapCarrier.strings().get(headers, "traceparent")).isEqualTo("x");
    assertThat(HeaderMapCarrier.strings().get(headers, "baggage")).isNull();
  }
}
