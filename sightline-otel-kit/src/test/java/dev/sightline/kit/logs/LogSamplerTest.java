package dev.sightline.kit.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSamplerTest {
  private static final String HOT = "com.acme.search";

  private final InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
  private LogSampler sampler;
  private SdkTracerProvider tracerProvider;
  private SdkLoggerProvider loggerProvider;

  private void setUp(LogSampler sampler) {
    this.sampler = sampler;
    tracerProvider = SdkTracerProvider.builder().addSpanProcessor(sampler).build();
    loggerProvider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(sampler.wrap(SimpleLogRecordProcessor.create(exporter)))
            .build();
  }

  @AfterEach
  void close() {
    tracerProvider.close();
    loggerProvider.close();
  }

  private void log(String logger, Severity severity, String body) {
    Logger l = loggerProvider.get(logger);
    l.logRecordBuilder().setSeverity(severity).setBody(body).emit();
  }

  private List<String> exported() {
    return exporter.getFinishedLogRecordItems().stream()
        .map(LogRecordData::getBodyValue)
        .map(v -> v.asString())
        .collect(Collectors.toList());
  }

  @Test
  void warnAndAboveAndColdPathsAlwaysPass() {
    setUp(LogSampler.builder().hotLogger(HOT, 0.0).build());
    Span span = tracerProvider.get("t").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      log(HOT, Severity.WARN, "slow query");
      log(HOT, Severity.ERROR, "query failed");
      log("com.acme.orders", Severity.INFO, "order placed");
      log("com.acme.searchable", Severity.INFO, "not under the hot prefix");
    }
    span.end();
    assertThat(exported())
        .containsExactlyInAnyOrder(
            "slow query", "query failed", "order placed", "not under the hot prefix");
  }

  @Test
  void hotPathInfoIsHeldUntilTheSpanEndsAndKeptWhenItEndsInError() {
    setUp(LogSampler.builder().hotLogger(HOT, 0.0).build());
    Span failing = tracerProvider.get("t").spanBuilder("search").startSpan();
    try (Scope ignored = failing.makeCurrent()) {
      log(HOT, Severity.INFO, "query started");
      log(HOT + ".index", Severity.DEBUG, "index scan");
      assertThat(exported()).isEmpty();
      failing.setStatus(StatusCode.ERROR, "system_error");
    }
    failing.end();
    assertThat(exported()).containsExactly("query started", "index scan");

    Span fine = tracerProvider.get("t").spanBuilder("search").startSpan();
    try (Scope ignored = fine.makeCurrent()) {
      log(HOT, Severity.INFO, "another query");
    }
    fine.end();
    assertThat(exported()).containsExactly("query started", "index scan");
    assertThat(sampler.droppedRecords()).isEqualTo(1);
  }

  @Test
  void heldRecordsKeepTheirTraceCorrelation() {
    setUp(LogSampler.builder().hotLogger(HOT, 0.0).build());
    Span failing = tracerProvider.get("t").spanBuilder("search").startSpan();
    try (Scope ignored = failing.makeCurrent()) {
      log(HOT, Severity.INFO, "query started");
    }
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    assertThat(exporter.getFinishedLogRecordItems().get(0).getSpanContext())
        .isEqualTo(failing.getSpanContext());
  }

  @Test
  void ratioOneKeepsEverythingAndHotSpanNamesAreHotPaths() {
    setUp(LogSampler.builder().hotLogger(HOT, 1.0).hotSpan("GET /health", 0.0).build());
    Span search = tracerProvider.get("t").spanBuilder("search").startSpan();
    try (Scope ignored = search.makeCurrent()) {
      log(HOT, Severity.INFO, "kept");
    }
    search.end();
    Span health = tracerProvider.get("t").spanBuilder("GET /health").startSpan();
    try (Scope ignored = health.makeCurrent()) {
      log("com.acme.health", Severity.INFO, "health ok");
    }
    health.end();
    assertThat(exported()).containsExactly("kept");
  }

  @Test
  void ratioIsAppliedPerTraceSoATraceKeepsAllOrNoneOfItsRecords() {
    setUp(LogSampler.builder().hotLogger(HOT, 0.5).build());
    int traces = 400;
    for (int i = 0; i < traces; i++) {
      Span span = tracerProvider.get("t").spanBuilder("search").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        log(HOT, Severity.INFO, "a-" + i);
        log(HOT, Severity.INFO, "b-" + i);
      }
      span.end();
    }
    List<String> kept = exported();
    long keptTraces = kept.stream().filter(s -> s.startsWith("a-")).count();
    assertThat(keptTraces).isBetween(150L, 250L);
    for (String a : kept) {
      if (a.startsWith("a-")) {
        assertThat(kept).contains("b-" + a.substring(2));
      }
    }
  }

  @Test
  void recordsOutsideARecordingSpanAreDecidedAtOnce() {
    setUp(LogSampler.builder().hotLogger(HOT, 0.25).build());
    for (int i = 0; i < 8; i++) {
      log(HOT, Severity.INFO, "untraced-" + i);
    }
    assertThat(exported()).hasSize(2);

    SdkTracerProvider dropAll =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOff())
            .addSpanProcessor(sampler)
            .build();
    Span notRecording = dropAll.get("t").spanBuilder("search").startSpan();
    try (Scope ignored = notRecording.makeCurrent()) {
      log(HOT, Severity.ERROR, "errors pass anyway");
    }
    notRecording.end();
    dropAll.close();
    assertThat(exported()).contains("errors pass anyway");
  }

  @Test
  void boundsTheBufferAndSettlesHeldRecordsOnFlush() {
    setUp(LogSampler.builder().hotLogger(HOT, 1.0).maxRecordsPerSpan(2).build());
    Span open = tracerProvider.get("t").spanBuilder("long").startSpan();
    try (Scope ignored = open.makeCurrent()) {
      log(HOT, Severity.INFO, "1");
      log(HOT, Severity.INFO, "2");
      log(HOT, Severity.INFO, "3 (over the per-span bound: decided at once)");
    }
    assertThat(exported()).containsExactly("3 (over the per-span bound: decided at once)");
    loggerProvider.forceFlush();
    assertThat(exported()).hasSize(3);
    open.end();
    assertThat(exported()).hasSize(3);
  }
}
