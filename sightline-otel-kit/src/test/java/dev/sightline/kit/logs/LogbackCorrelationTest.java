package dev.sightline.kit.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.sightline.kit.baggage.BaggageGuard;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogbackCorrelationTest {
  private static final String LOGGER = "dev.sightline.kit.test.orders";
  private static final Resource RESOURCE =
      Resource.create(
          Attributes.builder()
              .put("service.name", "shop-order")
              .put("service.version", "2.3.1")
              .put("deployment.environment.name", "staging")
              .build());

  private final InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
  private OpenTelemetrySdk sdk;
  private AutoCloseable attached;

  @BeforeEach
  void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().setResource(RESOURCE).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .setResource(RESOURCE)
                    .addLogRecordProcessor(
                        LogRecordProcessor.composite(
                            dev.sightline.kit.baggage.BaggageLogRecordProcessor.create(
                                Map.of("tenant.id", "tenant_id")),
                            SimpleLogRecordProcessor.create(exporter)))
                    .build())
            .build();
    attached = LogbackCorrelation.attach(sdk, RESOURCE, LOGGER);
  }

  @AfterEach
  void tearDown() throws Exception {
    attached.close();
    sdk.close();
  }

  @Test
  void slf4jLogsBecomeCorrelatedLogRecordsWithTheUnifiedFields() {
    Logger log = LoggerFactory.getLogger(LOGGER + ".PlaceOrder");
    Span span = sdk.getTracer("t").spanBuilder("Order.OrderService.PlaceOrder").startSpan();
    Context context = BaggageGuard.defaults().put(Context.root(), "tenant.id", "acme").with(span);
    try (Scope ignored = context.makeCurrent()) {
      log.atInfo().addKeyValue("order.id", "ord-7").log("order placed");
    }
    span.end();
    LoggerFactory.getLogger("dev.sightline.kit.test.other").info("not attached");

    List<LogRecordData> records = exporter.getFinishedLogRecordItems();
    assertThat(records).hasSize(1);
    LogRecordData record = records.get(0);
    // trace_id, span_id
    assertThat(record.getSpanContext()).isEqualTo(span.getSpanContext());
    // service.name, env, version
    assertThat(record.getResource()).isEqualTo(RESOURCE);
    // level, message
    assertThat(record.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(record.getSeverityText()).isEqualTo("INFO");
    assertThat(record.getBodyValue().asString()).isEqualTo("order placed");
    // tenant_id and the structured argument
    assertThat(record.getAttributes().get(AttributeKey.stringKey("tenant_id"))).isEqualTo("acme");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("order.id"))).isEqualTo("ord-7");
    assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo(LOGGER + ".PlaceOrder");
  }

  @Test
  void unifiedJsonEncoderWritesTheSeedFieldsFromTheMdcAppender() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    List<String> lines = new ArrayList<>();
    UnifiedJsonEncoder encoder = new UnifiedJsonEncoder();
    encoder.setContext(context);
    encoder.start();
    AppenderBase<ILoggingEvent> capture =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            lines.add(encoder.toJson(event));
          }
        };
    capture.setContext(context);
    capture.start();
    io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender mdc =
        new io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender();
    mdc.setContext(context);
    mdc.setAddBaggage(true);
    mdc.addAppender(capture);
    mdc.start();
    ch.qos.logback.classic.Logger logger = context.getLogger(LOGGER + ".json");
    logger.addAppender(mdc);
    try {
      Span span = sdk.getTracer("t").spanBuilder("s").startSpan();
      Context ctx = BaggageGuard.defaults().put(Context.root(), "tenant.id", "acme").with(span);
      try (Scope ignored = ctx.makeCurrent()) {
        LoggerFactory.getLogger(LOGGER + ".json")
            .atWarn()
            .addKeyValue("result", 6)
            .log("payment for bob@example.com \"declined\"");
      }
      span.end();

      assertThat(lines).hasSize(1);
      String json = lines.get(0);
      assertThat(json)
          .startsWith("{\"trace_id\":\"" + span.getSpanContext().getTraceId() + "\"")
          .contains("\"span_id\":\"" + span.getSpanContext().getSpanId() + "\"")
          .contains("\"service.name\":\"shop-order\"")
          .contains("\"env\":\"staging\"")
          .contains("\"version\":\"2.3.1\"")
          .contains("\"level\":\"WARN\"")
          .contains("\"message\":\"payment for b***@example.com \\\"declined\\\"\"")
          .contains("\"tenant_id\":\"acme\"")
          .contains("\"result\":6")
          .endsWith("}");
    } finally {
      logger.detachAppender(mdc);
      mdc.stop();
    }
  }
}
