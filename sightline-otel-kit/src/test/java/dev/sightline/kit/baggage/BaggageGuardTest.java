package dev.sightline.kit.baggage;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.kit.baggage.BaggageRejectedException.Reason;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaggageGuardTest {
  private final BaggageGuard guard = BaggageGuard.defaults();

  @Test
  void acceptsBusinessContextUnderTheRules() {
    Context context = guard.put(Context.root(), "tenant.id", "acme");
    context = guard.put(context, "order.channel", "web");
    assertThat(Baggage.fromContext(context).getEntryValue("tenant.id")).isEqualTo("acme");
    assertThat(Baggage.fromContext(context).size()).isEqualTo(2);
  }

  @Test
  void rejectsKeysBreakingTheNamingRule() {
    assertThatThrownBy(() -> guard.put(Context.root(), "tenantId", "acme"))
        .isInstanceOfSatisfying(
            BaggageRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY));
  }

  @Test
  void rejectsKeysNamingPersonalData() {
    for (String key : new String[] {"user.phone", "customer.email", "payment.card_number"}) {
      assertThatThrownBy(() -> guard.put(Context.root(), key, "x"))
          .isInstanceOfSatisfying(
              BaggageRejectedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.DENIED_KEY);
                assertThat(e.key()).isEqualTo(key);
              });
    }
  }

  @Test
  void rejectsValuesThatLookLikePersonalData() {
    assertThatThrownBy(() -> guard.put(Context.root(), "user.ref", "13800138000"))
        .isInstanceOfSatisfying(
            BaggageRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.PII_VALUE));
  }

  @Test
  void enforcesTheTotalSizeCapAndLeavesTheContextUnchanged() {
    BaggageGuard small = BaggageGuard.builder().maxBytes(40).build();
    Context context = small.put(Context.root(), "tenant.id", "acme"); // 14 bytes
    Context unchanged = context;
    assertThatThrownBy(() -> small.put(unchanged, "note", "x".repeat(40)))
        .isInstanceOfSatisfying(
            BaggageRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    assertThat(Baggage.fromContext(unchanged).size()).isEqualTo(1);
    assertThat(BaggageGuard.encodedSize(Baggage.fromContext(context))).isEqualTo(14);
  }

  @Test
  void propagatorDropsOffendingEntriesOnInjectAndExtract() {
    TextMapPropagator propagator = guard.propagator(W3CBaggagePropagator.getInstance());
    Baggage unchecked =
        Baggage.builder().put("tenant.id", "acme").put("user.email", "eve@example.com").build();
    Map<String, String> headers = new HashMap<>();
    propagator.inject(Context.root().with(unchecked), headers, Map::put);
    assertThat(headers).containsEntry("baggage", "tenant.id=acme");

    Map<String, String> incoming =
        Map.of("baggage", "tenant.id=initech,session.token=abc,X-Weird=1,user.ref=13800138000");
    Context extracted =
        propagator.extract(
            Context.root(), incoming, dev.sightline.kit.messaging.HeaderMapCarrier.strings());
    assertThat(Baggage.fromContext(extracted).asMap()).containsOnlyKeys("tenant.id");
  }

  @Test
  void processorsCopyChosenEntriesOntoSpansAndLogRecords() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(BaggageSpanProcessor.create(Map.of("tenant.id", "tenant.id")))
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build();
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(
                LogRecordProcessor.composite(
                    BaggageLogRecordProcessor.create(Map.of("tenant.id", "tenant_id")),
                    SimpleLogRecordProcessor.create(logs)))
            .build();

    try (Scope ignored = guard.put(Context.root(), "tenant.id", "umbrella").makeCurrent()) {
      Span span = tracerProvider.get("t").spanBuilder("Order.OrderService.PlaceOrder").startSpan();
      try (Scope inner = span.makeCurrent()) {
        loggerProvider.get("t").logRecordBuilder().setBody("placing order").emit();
      }
      span.end();
    }
    tracerProvider.get("t").spanBuilder("no tenant").startSpan().end();

    assertThat(spans.getFinishedSpanItems().get(0))
        .hasAttribute(AttributeKey.stringKey("tenant.id"), "umbrella");
    assertThat(spans.getFinishedSpanItems().get(1).getAttributes().isEmpty()).isTrue();
    assertThat(
            logs.getFinishedLogRecordItems()
                .get(0)
                .getAttributes()
                .get(AttributeKey.stringKey("tenant_id")))
        .isEqualTo("umbrella");
    tracerProvider.close();
    loggerProvider.close();
  }
}
