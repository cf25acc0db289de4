package dev.sightline.kit.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleBasedSamplerTest {
  private static final IdGenerator IDS = IdGenerator.random();

  private static SamplingDecision root(Sampler sampler, String name, Attributes attributes) {
    return sampler
        .shouldSample(
            Context.root(), IDS.generateTraceId(), name, SpanKind.SERVER, attributes, List.of())
        .getDecision();
  }

  /** Fraction of 2000 random root spans sampled. */
  private static double rate(Sampler sampler, String name, Attributes attributes) {
    int sampled = 0;
    for (int i = 0; i < 2000; i++) {
      if (root(sampler, name, attributes) == SamplingDecision.RECORD_AND_SAMPLE) {
        sampled++;
      }
    }
    return sampled / 2000.0;
  }

  @Test
  void healthChecksAreDroppedByRouteByPathAndBySpanName() {
    Sampler sampler = RuleBasedSampler.builder().build();
    assertThat(root(sampler, "GET", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/healthz")))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(root(sampler, "GET", Attributes.of(RuleBasedSampler.URL_PATH, "/readyz")))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(root(sampler, "GET /health", Attributes.empty())).isEqualTo(SamplingDecision.DROP);
    assertThat(root(sampler, "GET /orders", Attributes.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void firstMatchingRuleWinsThenTheDefaultRatio() {
    Sampler sampler =
        RuleBasedSampler.builder()
            .defaultRatio(0.0)
            .routeRatio("/checkout", 1.0)
            .routeRatio("/search*", 0.0)
            .spanNameRatio("Inventory.*", 1.0)
            .build();
    assertThat(root(sampler, "POST", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/checkout")))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(root(sampler, "GET", Attributes.of(RuleBasedSampler.URL_PATH, "/search/shoes")))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(root(sampler, "Inventory.StockService.Replenish", Attributes.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(root(sampler, "Order.OrderService.Reconcile", Attributes.empty()))
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void patternsMatchExactlyByPrefixOrAsAGlob() {
    Sampler sampler =
        RuleBasedSampler.builder()
            .defaultRatio(0.0)
            .spanNameRatio("*.Replenish", 1.0)
            .routeRatio("/api/*/orders", 1.0)
            .build();
    assertThat(root(sampler, "Inventory.StockService.Replenish", Attributes.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(root(sampler, "Inventory.StockService.Replenished", Attributes.empty()))
        .isEqualTo(SamplingDecision.DROP);
    assertThat(root(sampler, "GET", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/api/v2/orders")))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(root(sampler, "GET", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/api/v2/items")))
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void ratiosAreApplied() {
    Sampler sampler =
        RuleBasedSampler.builder().defaultRatio(0.1).routeRatio("/checkout", 0.5).build();
    assertThat(rate(sampler, "GET", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/orders")))
        .isBetween(0.06, 0.14);
    assertThat(rate(sampler, "POST", Attributes.of(RuleBasedSampler.HTTP_ROUTE, "/checkout")))
        .isBetween(0.44, 0.56);
  }

  @Test
  void childrenFollowTheParentDecisionEvenOnHealthRoutes() {
    Sampler sampler = RuleBasedSampler.builder().defaultRatio(0.0).build();
    SpanContext sampledParent =
        SpanContext.createFromRemoteParent(
            IDS.generateTraceId(),
            IDS.generateSpanId(),
            TraceFlags.getSampled(),
            TraceState.getDefault());
    SpanContext droppedParent =
        SpanContext.createFromRemoteParent(
            IDS.generateTraceId(),
            IDS.generateSpanId(),
            TraceFlags.getDefault(),
            TraceState.getDefault());

    assertThat(
            sampler
                .shouldSample(
                    Context.root().with(Span.wrap(sampledParent)),
                    sampledParent.getTraceId(),
                    "GET /healthz",
                    SpanKind.SERVER,
                    Attributes.empty(),
                    List.of())
                .getDecision())
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(
            sampler
                .shouldSample(
                    Context.root().with(Span.wrap(droppedParent)),
                    droppedParent.getTraceId(),
                    "POST /checkout",
                    SpanKind.SERVER,
                    Attributes.empty(),
                    List.of())
                .getDecision())
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void rejectsRatiosOutsideZeroToOne() {
    assertThatThrownBy(() -> RuleBasedSampler.builder().defaultRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio");
    assertThatThrownBy(() -> RuleBasedSampler.builder().routeRatio("/x", -0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void selectableThroughOtelTracesSampler() {
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .disableShutdownHook()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.traces.sampler", "sightline_rules",
                        "otel.traces.sampler.arg", "0",
                        "sightline.sampler.route.ratios", "/checkout=1.0",
                        "sightline.sampler.health.paths", "/status",
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .build()
            .getOpenTelemetrySdk();
    try {
      Sampler sampler = sdk.getSdkTracerProvider().getSampler();
      assertThat(sampler).isInstanceOf(RuleBasedSampler.class);
      assertThat(sampler.getDescription())
          .contains("default=0.0")
          .contains("route:/checkout=1.0")
          .contains("/status");
      Span checkout =
          sdk.getTracer("t")
              .spanBuilder("POST")
              .setAttribute(RuleBasedSampler.HTTP_ROUTE, "/checkout")
              .startSpan();
      Span status =
          sdk.getTracer("t")
              .spanBuilder("GET")
              .setAttribute(RuleBasedSampler.URL_PATH, "/status")
              .startSpan();
      assertThat(checkout.getSpanContext().isSampled()).isTrue();
      assertThat(status.getSpanContext().isSampled()).isFalse();
    } finally {
      sdk.close();
    }
  }
}
