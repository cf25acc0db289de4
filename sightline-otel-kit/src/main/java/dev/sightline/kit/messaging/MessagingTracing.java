package dev.sightline.kit.messaging;

import static java.util.Objects.requireNonNull;

import dev.sightline.kit.trace.ErrorClassifier;
import dev.sightline.kit.trace.SpanBody;
import dev.sightline.kit.trace.SpanCall;
import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Producer and consumer spans around messages, with trace context and baggage carried in the
 * message headers (seed 004 §1.6). The producer span is started, the context (with the current
 * baggage) is injected into the headers inside it, then the body sends. The consumer extracts the
 * context from the headers, starts its span as a child of the producer span, and runs the body with
 * the extracted baggage current, so {@code tenant.id} set at the edge reaches the consumer.
 *
 * <p>Spans carry the messaging semantic conventions ({@code messaging.system}, {@code
 * messaging.destination.name}, {@code messaging.operation.type}, {@code messaging.operation.name},
 * {@code messaging.message.id}, {@code messaging.message.body.size}, {@code
 * messaging.consumer.group.name}); the durations are recorded in {@code
 * messaging.client.operation.duration} (send) and {@code messaging.process.duration} (process), in
 * seconds, with {@code error.type} on failure.
 *
 * <pre>{@code
 * MessagingTracing messaging = MessagingTracing.create(openTelemetry, "shop", "kafka");
 * messaging.producer("orders.placed").messageId(id).send(headers, HeaderMapCarrier.strings(),
 *     span -> queue.offer(new Message(headers, body)));
 * // in the consumer:
 * messaging.consumer("orders.placed").consumerGroup("shipping")
 *     .process(message.headers(), HeaderMapCarrier.strings(), span -> ship(message));
 * }</pre>
 */
public final class MessagingTracing {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> CONSUMER_GROUP =
      AttributeKey.stringKey("messaging.consumer.group.name");

  private static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final Traced traced;
  private final TextMapPropagator propagator;
  private final String system;
  private final DoubleHistogram sendDuration;
  private final DoubleHistogram processDuration;

  private MessagingTracing(
      OpenTelemetry openTelemetry, String scopeName, String system, ErrorClassifier classifier) {
    this.traced = Traced.create(openTelemetry.getTracer(scopeName), classifier);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.system = system;
    Meter meter = openTelemetry.getMeter(scopeName);
    this.sendDuration =
        meter
            .histogramBuilder("messaging.client.operation.duration")
            .setUnit("s")
            .setDescription("Duration of messaging operation initiated by a producer or consumer")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.processDuration =
        meter
            .histogramBuilder("messaging.process.duration")
            .setUnit("s")
            .setDescription("Duration of processing operation")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
  }

  /**
   * Messaging spans on {@code openTelemetry} under instrumentation scope {@code scopeName}, for
   * messaging system {@code system} ({@code kafka}, {@code rabbitmq}, ...).
   */
  public static MessagingTracing create(
      OpenTelemetry openTelemetry, String scopeName, String system) {
    return create(openTelemetry, scopeName, system, ErrorClassifier.defaults());
  }

  /** Like {@link #create(OpenTelemetry, String, String)} with a custom error classifier. */
  public static MessagingTracing create(
      OpenTelemetry openTelemetry, String scopeName, String system, ErrorClassifier classifier) {
    return new MessagingTracing(
        requireNonNull(openTelemetry, "openTelemetry"),
        requireNonNull(scopeName, "scopeName"),
        requireNonNull(system, "system"),
        requireNonNull(classifier, "classifier"));
  }

  /** Describes a send to {@code destination}; span name {@code send <destination>} by default. */
  public Operation producer(String destination) {
    return new Operation(true, requireNonNull(destination, "destination"));
  }

  /** Describes processing from {@code destination}; span name {@code process <destination>}. */
  public Operation consumer(String destination) {
    return new Operation(false, requireNonNull(destination, "destination"));
  }

  /** One send or process operation being described. Not thread-safe; use once. */
  public final class Operation {
    private final boolean producer;
    private final String destination;
    private @Nullable String spanName;
    private @Nullable String messageId;
    private long bodySize = -1;
    private @Nullable String consumerGroup;

    private Operation(boolean producer, String destination) {
      this.producer = producer;
      this.destination = destination;
    }

    /** Overrides the span name (for example a {@code Domain.Service.Action} name). */
    public Operation spanName(String spanName) {
      this.spanName = requireNonNull(spanName, "spanName");
      return this;
    }

    public Operation messageId(String messageId) {
      this.messageId = requireNonNull(messageId, "messageId");
      return this;
    }

    public Operation bodySize(long bytes) {
      this.bodySize = bytes;
      return this;
    }

    public Operation consumerGroup(String group) {
      this.consumerGroup = requireNonNull(group, "group");
      return this;
    }

    /**
     * Starts the producer span, injects its context and the current baggage into {@code headers},
     * and runs {@code body} (which sends the message) in it.
     */
    public <V, T, E extends Exception> T send(
        Map<String, V> headers, HeaderMapCarrier<V> carrier, SpanBody<T, E> body) throws E {
      if (!producer) {
        throw new IllegalStateException("send() on a consumer operation");
      }
      requireNonNull(headers, "headers");
      requireNonNull(carrier, "carrier");
      requireNonNull(body, "body");
      return timed(
          sendDuration,
          span(SpanKind.PRODUCER, "send", "send"),
          span -> {
            propagator.inject(Context.current(), headers, carrier);
            return body.apply(span);
          });
    }

    /**
     * Extracts the producer's context and baggage from {@code headers}, starts the consumer span as
     * its child, and runs {@code body} (which handles the message) with both current.
     */
    public <V, T, E extends Exception> T process(
        Map<String, V> headers, HeaderMapCarrier<V> carrier, SpanBody<T, E> body) throws E {
      if (producer) {
        throw new IllegalStateException("process() on a producer operation");
      }
      requireNonNull(headers, "headers");
      requireNonNull(carrier, "carrier");
      requireNonNull(body, "body");
      Context extracted = propagator.extract(Context.root(), headers, carrier);
      return timed(
          processDuration, span(SpanKind.CONSUMER, "process", "process").parent(extracted), body);
    }

    private SpanCall span(SpanKind kind, String operationType, String operationName) {
      SpanCall call =
          traced
              .span(spanName != null ? spanName : operationName + " " + destination)
              .kind(kind)
              .attribute(SYSTEM, system)
              .attribute(DESTINATION, destination)
              .attribute(OPERATION_TYPE, operationType)
              .attribute(OPERATION_NAME, operationName);
      if (messageId != null) {
        call.attribute(MESSAGE_ID, messageId);
      }
      if (bodySize >= 0) {
        call.attribute(BODY_SIZE, bodySize);
      }
      if (consumerGroup != null) {
        call.attribute(CONSUMER_GROUP, consumerGroup);
      }
      return call;
    }

    private <T, E extends Exception> T timed(
        DoubleHistogram histogram, SpanCall call, SpanBody<T, E> body) throws E {
      long start = System.nanoTime();
      String errorType = null;
      try {
        return call.call(body);
      } catch (Exception | Error e) {
        errorType = e.getClass().getName();
        throw e;
      } finally {
        AttributesBuilder attributes =
            Attributes.builder()
                .put(SYSTEM, system)
                .put(DESTINATION, destination)
                .put(OPERATION_NAME, producer ? "send" : "process");
        if (consumerGroup != null) {
          attributes.put(CONSUMER_GROUP, consumerGroup);
        }
        if (errorType != null) {
          attributes.put(Traced.ERROR_TYPE, errorType);
        }
        histogram.record((System.nanoTime() - start) / 1e9, attributes.build());
      }
    }
  }
}
