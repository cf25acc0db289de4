package dev.sightline.kit;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.kit.testing.InMemoryTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SightlineTelemetryTest {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> ENV =
      AttributeKey.stringKey("deployment.environment.name");

  @AfterEach
  void clearProperties() {
    System.clearProperty("otel.resource.attributes");
    System.clearProperty("otel.service.name");
    System.clearProperty("otel.exporter.otlp.endpoint");
    System.clearProperty("otel.bsp.max.queue.size");
  }

  private static SightlineTelemetry.Builder dice() {
    return SightlineTelemetry.builder()
        .serviceName("dice")
        .serviceVersion("0.1.0")
        .deploymentEnvironment("dev")
        .registerShutdownHook(false);
  }

  @Test
  void resourceCarriesServiceIdentityOnEverySignal() {
    try (InMemoryTelemetry t = InMemoryTelemetry.create(dice())) {
      t.telemetry().openTelemetry().getTracer("test").spanBuilder("s").startSpan().end();
      t.telemetry()
          .openTelemetry()
          .getLogsBridge()
          .get("test")
          .logRecordBuilder()
          .setBody("hello")
          .emit();
      t.telemetry().openTelemetry().getMeter("test").counterBuilder("c").build().add(1);
      t.flush();

      for (Resource resource :
          new Resource[] {
            t.span("s").getResource(),
            t.finishedLogs().get(0).getResource(),
            t.metric("c").orElseThrow().getResource()
          }) {
        assertThat(resource.getAttribute(SERVICE_NAME)).isEqualTo("dice");
        assertThat(resource.getAttribute(SERVICE_VERSION)).isEqualTo("0.1.0");
        assertThat(resource.getAttribute(ENV)).isEqualTo("dev");
      }
    }
  }

  @Test
  void environmentWinsOverBuilderDefaultsButNotOverOverrides() {
    System.setProperty(
        "otel.resource.attributes",
        "service.name=from-env,service.version=9.9.9,deployment.environment=prod");
    try (SightlineTelemetry t = dice().property("otel.traces.exporter", "none").build()) {
      assertThat(t.resource().getAttribute(SERVICE_NAME)).isEqualTo("from-env");
      assertThat(t.resource().getAttribute(SERVICE_VERSION)).isEqualTo("9.9.9");
      assertThat(t.resource().getAttribute(ENV)).isEqualTo("prod");
    }
    System.setProperty("otel.service.name", "also-from-env");
    try (SightlineTelemetry t =
        dice()
            .property("otel.traces.exporter", "none")
            .overrideResource("service.name", "shop-order")
            .build()) {
      assertThat(t.resource().getAttribute(SERVICE_NAME)).isEqualTo("shop-order");
      assertThat(t.resource().getAttribute(SERVICE_VERSION)).isEqualTo("9.9.9");
    }
  }

  @Test
  void consoleExportersUnlessAnOtlpEndpointIsConfigured() {
    AtomicReference<ConfigProperties> seen = new AtomicReference<>();
    try (SightlineTelemetry t =
        dice().consoleExportersUnlessOtlpEndpointSet().customize(capture(seen)).build()) {
      assertThat(seen.get().getString("otel.traces.exporter")).isEqualTo("sightline_stdout");
      assertThat(seen.get().getString("otel.metrics.exporter")).isEqualTo("sightline_stdout");
      assertThat(seen.get().getString("otel.logs.exporter")).isEqualTo("sightline_stdout");
      assertThat(t.sdk().getSdkTracerProvider().toString())
          .contains("BatchSpanProcessor{spanExporter=StdoutSpanExporter");
    }
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:1");
    try (SightlineTelemetry t =
        dice().consoleExportersUnlessOtlpEndpointSet().customize(capture(seen)).build()) {
      assertThat(seen.get().getString("otel.traces.exporter")).isNull();
      assertThat(seen.get().getString("otel.logs.exporter")).isNull();
      assertThat(t.sdk().getSdkTracerProvider().toString())
          .contains("OtlpHttpSpanExporter")
          .doesNotContain("StdoutSpanExporter");
    }
  }

  private static Consumer<AutoConfiguredOpenTelemetrySdkBuilder> capture(
      AtomicReference<ConfigProperties> seen) {
    return a ->
        a.addPropertiesCustomizer(
            c -> {
              seen.set(c);
              return Map.of();
            });
  }

  @Test
  void batchProcessorDefaultsAreBoundedAndStandardVariablesStillWin() {
    AtomicReference<ConfigProperties> seen = new AtomicReference<>();
    try (SightlineTelemetry t = dice().customize(capture(seen)).build()) {
      assertThat(seen.get().getInt("otel.bsp.max.queue.size")).isEqualTo(8192);
      assertThat(seen.get().getInt("otel.blrp.max.queue.size")).isEqualTo(8192);
      assertThat(seen.get().getDuration("otel.exporter.otlp.timeout")).hasSeconds(10);
      assertThat(seen.get().getList("otel.propagators")).containsExactly("tracecontext", "baggage");
      assertThat(t.sdk().getSdkTracerProvider().toString())
          .contains("BatchSpanProcessor")
          .contains("maxExportBatchSize=512")
          .contains("exporterTimeoutNanos=10000000000")
          .contains("RedactingSpanProcessor");
    }
  }

  @Test
  void fullQueueDropsInsteadOfGrowing() throws Exception {
    System.setProperty("otel.bsp.max.queue.size", "16");
    CountDownLatch release = new CountDownLatch(1);
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    SpanExporter blocking =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return exported.export(spans);
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (SightlineTelemetry t =
        dice()
            .property("otel.metrics.exporter", "none") // no OTLP retries against nothing on close
            .property("otel.logs.exporter", "none")
            .property("otel.bsp.schedule.delay", "1")
            .property("otel.bsp.max.export.batch.size", "8")
            .customize(a -> a.addSpanExporterCustomizer((e, c) -> blocking))
            .build()) {
      for (int i = 0; i < 500; i++) {
        t.openTelemetry().getTracer("t").spanBuilder("s" + i).startSpan().end();
      }
      release.countDown();
      t.flush().join(10, TimeUnit.SECONDS);
      assertThat(exported.getFinishedSpanItems()).isNotEmpty().hasSizeLessThan(100);
    }
  }

  @Test
  void closeRunsShutdownActionsThenFlushesAllThreeSignals() {
    InMemoryTelemetry t =
        InMemoryTelemetry.create(
            dice()
                .property("otel.bsp.schedule.delay", "3600000")
                .property("otel.blrp.schedule.delay", "3600000"));
    SightlineTelemetry telemetry = t.telemetry();
    telemetry.addShutdownAction(
        () -> telemetry.openTelemetry().getTracer("test").spanBuilder("last").startSpan().end());
    telemetry.openTelemetry().getTracer("test").spanBuilder("first").startSpan().end();
    telemetry
        .openTelemetry()
        .getLogsBridge()
        .get("test")
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setBody("buffered")
        .emit();
    telemetry.openTelemetry().getMeter("test").counterBuilder("requests").build().add(3);
    assertThat(t.finishedSpans()).isEmpty();

    telemetry.close();
    telemetry.close(); // idempotent

    assertThat(t.names()).containsExactlyInAnyOrder("first", "last");
    assertThat(t.logsContaining("buffered")).hasSize(1);
    assertThat(t.metric("requests").orElseThrow().getLongSumData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(3));
  }

  @Test
  void propagatesW3cTraceContextAndGuardedBaggage() {
    try (InMemoryTelemetry t = InMemoryTelemetry.create(dice())) {
      Span span = t.telemetry().openTelemetry().getTracer("t").spanBuilder("s").startSpan();
      Baggage baggage =
          Baggage.builder().put("tenant.id", "acme").put("user.phone", "13800138000").build();
      Map<String, String> headers = new HashMap<>();
      try (Scope ignored = Context.root().with(span).with(baggage).makeCurrent()) {
        t.telemetry()
            .openTelemetry()
            .getPropagators()
            .getTextMapPropagator()
            .inject(Context.current(), headers, Map::put);
      }
      span.end();
      assertThat(headers.get("traceparent")).contains(span.getSpanContext().getTraceId());
      assertThat(headers.get("baggage")).isEqualTo("tenant.id=acme");
    }
  }

  @Test
  void copiesTenantBaggageOntoSpansAndLogRecords() {
    try (InMemoryTelemetry t = InMemoryTelemetry.create(dice())) {
      Baggage baggage = Baggage.builder().put("tenant.id", "globex").build();
      try (Scope ignored = Context.root().with(baggage).makeCurrent()) {
        Span span = t.telemetry().openTelemetry().getTracer("t").spanBuilder("s").startSpan();
        try (Scope inner = span.makeCurrent()) {
          t.telemetry()
              .openTelemetry()
              .getLogsBridge()
              .get("t")
              .logRecordBuilder()
              .setBody("in tenant")
              .emit();
        }
        span.end();
      }
      t.flush();
      assertThat(t.span("s")).hasAttribute(AttributeKey.stringKey("tenant.id"), "globex");
      assertThat(
              t.logsContaining("in tenant")
                  .get(0)
                  .getAttributes()
                  .get(AttributeKey.stringKey("tenant_id")))
          .isEqualTo("globex");
    }
  }
}
