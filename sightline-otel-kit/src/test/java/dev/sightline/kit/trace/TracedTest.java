package dev.sightline.kit.trace;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracedTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final Traced traced = Traced.create(sdk, "test");

  @AfterEach
  void close() {
    sdk.close();
  }

  private SpanData only() {
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void returnsTheTypedResultAndEndsTheSpanOk() throws Exception {
    int answer = traced.call("Dice.RollService.Roll", span -> 42);
    String name = traced.call("Dice.RollService.Name", () -> "alice");

    assertThat(answer).isEqualTo(42);
    assertThat(name).isEqualTo("alice");
    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("Dice.RollService.Roll", "Dice.RollService.Name");
    assertThat(exporter.getFinishedSpanItems())
        .allSatisfy(s -> assertThat(s).hasStatus(StatusData.ok()));
  }

  @Test
  void theSpanIsCurrentWhileTheBodyRunsSoChildrenNestUnderIt() {
    SpanContext[] seen = new SpanContext[1];
    traced.run(
        "Order.OrderService.PlaceOrder",
        span -> {
          seen[0] = Span.current().getSpanContext();
          traced.run("Order.OrderRepository.Insert", child -> {});
        });

    SpanData parent =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("Order.OrderService.PlaceOrder"))
            .findFirst()
            .orElseThrow();
    SpanData child =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("Order.OrderRepository.Insert"))
            .findFirst()
            .orElseThrow();
    assertThat(seen[0]).isEqualTo(parent.getSpanContext());
    assertThat(child).hasParent(parent);
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void businessValidationFailuresAreClassifiedAndRethrown() {
    BusinessValidationException outOfStock = new BusinessValidationException("sku-9 sold out");
    Throwable thrown =
        catchThrowable(
            () ->
                traced.call(
                    "Inventory.StockService.ReserveItem",
                    span -> {
                      throw outOfStock;
                    }));

    assertThat(thrown).isSameAs(outOfStock);
    assertThat(only())
        .hasStatus(StatusData.create(StatusCode.ERROR, "business_validation_failed"))
        .hasAttribute(Traced.ERROR_TYPE, BusinessValidationException.class.getName())
        .hasException(outOfStock);
  }

  @Test
  void systemErrorsIncludeCheckedExceptionsWithoutWrapping() {
    IOException failure = new IOException("connection reset");
    assertThatThrownBy(
            () ->
                traced.call(
                    "Payment.CardGateway.Authorize",
                    (SpanBody<String, IOException>)
                        span -> {
                          throw failure;
                        }))
        .isSameAs(failure);

    assertThat(only())
        .hasStatus(StatusData.create(StatusCode.ERROR, "system_error"))
        .hasAttribute(Traced.ERROR_TYPE, "java.io.IOException");
  }

  @Test
  void aCauseImplementingTheMarkerMakesTheFailureBusinessValidation() {
    RuntimeException wrapped =
        new IllegalStateException("wrapped", new BusinessValidationException("bad quantity"));
    assertThat(ErrorClassifier.defaults().classify(wrapped))
        .isEqualTo(ErrorClass.BUSINESS_VALIDATION);
    assertThat(ErrorClassifier.defaults().classify(new IllegalStateException("boom")))
        .isEqualTo(ErrorClass.SYSTEM);
    ErrorClassifier custom =
        ErrorClassifier.businessValidation(List.of(NumberFormatException.class));
    assertThat(custom.classify(new NumberFormatException("x")))
        .isEqualTo(ErrorClass.BUSINESS_VALIDATION);
  }

  @Test
  void spanCallSetsKindStartAttributesAndAnExplicitParent() {
    Span remoteParent = sdk.getTracer("test").spanBuilder("upstream").startSpan();
    Context parent = Context.root().with(remoteParent);
    AttributeKey<String> dbSystem = AttributeKey.stringKey("db.system.name");

    long rows =
        traced
            .span("Inventory.StockRepository.QueryStock")
            .kind(SpanKind.CLIENT)
            .attribute(dbSystem, "other_sql")
            .parent(parent)
            .call(span -> 3L);
    remoteParent.end();

    assertThat(rows).isEqualTo(3L);
    SpanData query =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .findFirst()
            .orElseThrow();
    assertThat(query)
        .hasAttribute(dbSystem, "other_sql")
        .hasParentSpanId(remoteParent.getSpanContext().getSpanId());
  }

  @Test
  void wrappedFunctionsRunEachApplicationInASpan() {
    Function<Integer, Integer> doubled = traced.wrap("Math.Calculator.Double", x -> x * 2);

    assertThat(doubled.apply(2)).isEqualTo(4);
    assertThat(doubled.apply(5)).isEqualTo(10);
    assertThat(exporter.getFinishedSpanItems()).hasSize(2);
  }
}
