package dev.sightline.kit.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.kit.SightlineTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdoutExportersTest {

  @Test
  void printsSpansMetricsAndLogsWithTheirResourceOnClose() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    String trace;
    try {
      SightlineTelemetry telemetry =
          SightlineTelemetry.builder()
              .serviceName("dice")
              .serviceVersion("0.1.0")
              .registerShutdownHook(false)
              .property("otel.traces.exporter", StdoutExporterProviders.NAME)
              .property("otel.metrics.exporter", StdoutExporterProviders.NAME)
              .property("otel.logs.exporter", StdoutExporterProviders.NAME)
              .build();
      Span span = telemetry.openTelemetry().getTracer("rolldice").spanBuilder("roll").startSpan();
      trace = span.getSpanContext().getTraceId();
      try (Scope ignored = span.makeCurrent()) {
        telemetry
            .openTelemetry()
            .getLogsBridge()
            .get("rolldice")
            .logRecordBuilder()
            .setSeverity(Severity.INFO)
            .setSeverityText("INFO")
            .setBody("Alice is rolling the dice")
            .setAttribute(AttributeKey.longKey("result"), 6L)
            .emit();
      }
      span.setAttribute("roll.value", 6L);
      span.end();
      telemetry
          .openTelemetry()
          .getMeter("rolldice")
          .counterBuilder("dice.rolls")
          .setUnit("{roll}")
          .build()
          .add(1, Attributes.of(AttributeKey.longKey("roll.value"), 6L));
      telemetry.close();
    } finally {
      System.setOut(original);
    }

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("resource {")
        .contains("service.name=\"dice\"")
        .contains("span 'roll' trace=" + trace)
        .contains("INTERNAL")
        .contains("{roll.value=6}")
        .contains("log INFO 'Alice is rolling the dice' trace=" + trace)
        .contains("{result=6}")
        .contains("metric dice.rolls {roll} LONG_SUM scope=rolldice {roll.value=6} 1");
  }
}
