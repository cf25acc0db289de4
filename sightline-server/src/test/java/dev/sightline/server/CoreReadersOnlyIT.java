package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.StorageCapability;
import dev.sightline.server.config.ConfigLoader;
import dev.sightline.server.storage.StorageBackends;
import dev.sightline.testing.ReducedStorage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server starts on a backend that has only the core readers (the real DuckDB with every
 * capability hidden): ingest and traces work, what needs a missing capability answers 501 naming
 * it, and the start-up names each feature that is off.
 */
class CoreReadersOnlyIT {
  @TempDir Path dataDir;

  @Test
  void startsWithTheCoreReadersAndTurnsOffWhatNeedsTheRest() {
    var config =
        ConfigLoader.load(Map.of("data-dir", dataDir.toString()), Map.of())
            .withEphemeralLoopbackPorts();
    try (TestServer server =
        TestServer.start(
            dataDir,
            telemetry -> {
              StorageBackends.Opened duck = StorageBackends.open(config, telemetry);
              assertThat(StorageBackends.featuresOff(duck.storage())).isEmpty();
              return new StorageBackends.Opened(
                  ReducedStorage.coreOnly(duck.storage()), "DuckDB, core readers only");
            })) {
      assertThat(server.server.storage().capabilities()).isEmpty();
      List<String> off = StorageBackends.featuresOff(server.server.storage());
      assertThat(off).hasSize(StorageCapability.values().length);
      assertThat(off.get(0))
          .isEqualTo(
              StorageCapability.SPAN_METRICS.missingIn(server.server.storage())
                  + ": RED metrics and the service map answer 501, SLO evaluation, alerts and"
                  + " incidents are off");

      // ingest and the core readers work
      InMemorySpanExporter memory = InMemorySpanExporter.create();
      SdkTracerProvider tracing =
          SdkTracerProvider.builder()
              .setResource(
                  Resource.create(
                      Attributes.of(AttributeKey.stringKey("service.name"), "core-only")))
              .addSpanProcessor(SimpleSpanProcessor.create(memory))
              .build();
      Span span = tracing.get("test").spanBuilder("GET /").startSpan();
      span.end();
      SpanExporter exporter =
          OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build();
      var result = exporter.export(memory.getFinishedSpanItems()).join(20, TimeUnit.SECONDS);
      assertThat(result.isSuccess()).isTrue();
      exporter.shutdown();
      tracing.shutdown();
      TestServer.Response trace =
          server.get("/api/v1/traces/" + span.getSpanContext().getTraceId());
      assertThat(trace.status()).as(trace.text()).isEqualTo(200);
      assertThat(trace.json().get("spans")).hasSize(1);

      // what needs span metrics says so
      for (String path :
          List.of("/api/v1/red", "/api/v1/slos", "/api/v1/alerts", "/api/v1/incidents")) {
        TestServer.Response r = server.get(path);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(501);
        assertThat(r.json().get("error").get("message").asText())
            .as(path)
            .contains("does not offer SPAN_METRICS");
      }
      assertThat(server.get("/api/v1/slos/unknown").status()).isEqualTo(501);
      assertThat(server.get("/api/v1/no-such-thing").status()).isEqualTo(404);
    }
  }
}
