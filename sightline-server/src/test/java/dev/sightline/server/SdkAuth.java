package dev.sightline.server;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenTelemetry Java SDK exporters, with a bearer token (or other headers) and optionally
 * TLS.
 */
final class SdkAuth {
  private SdkAuth() {}

  /**
   * Exports one SERVER span of {@code service} with the SDK's OTLP exporter ({@code grpc} or {@code
   * http}) sending {@code Authorization: Bearer token}; true when the export succeeded.
   */
  static boolean exportOneSpan(
      String transport, String endpoint, String service, String token, byte[] trustedPem) {
    return exportOneSpan(
        transport, endpoint, service, Map.of("Authorization", "Bearer " + token), trustedPem);
  }

  /**
   * Exports one SERVER span of {@code service} with the SDK's OTLP exporter ({@code grpc} or {@code
   * http}) sending {@code headers}; true when the export succeeded.
   */
  static boolean exportOneSpan(
      String transport,
      String endpoint,
      String service,
      Map<String, String> headers,
      byte[] trustedPem) {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    List<SpanData> spans;
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(Attributes.builder().put("service.name", service).build())))
            .addSpanProcessor(SimpleSpanProcessor.create(memory))
            .build()) {
      Span span =
          provider.get("auth-test").spanBuilder("GET /x").setSpanKind(SpanKind.SERVER).startSpan();
      span.end();
      spans = memory.getFinishedSpanItems(); // before close: shutting down clears the exporter
    }
    SpanExporter exporter;
    if (transport.equals("grpc")) {
      OtlpGrpcSpanExporterBuilder b =
          OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setTimeout(10, TimeUnit.SECONDS);
      headers.forEach(b::addHeader);
      if (trustedPem != null) b.setTrustedCertificates(trustedPem);
      exporter = b.build();
    } else {
      OtlpHttpSpanExporterBuilder b =
          OtlpHttpSpanExporter.builder()
              .setEndpoint(endpoint + "/v1/traces")
              .setTimeout(10, TimeUnit.SECONDS);
      headers.forEach(b::addHeader);
      if (trustedPem != null) b.setTrustedCertificates(trustedPem);
      exporter = b.build();
    }
    try {
      return exporter.export(spans).join(15, TimeUnit.SECONDS).isSuccess();
    } finally {
      exporter.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Configures the SDK the way an application does, from {@code OTEL_*} settings (here as the
   * equivalent system-property names): {@code
   * OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20TOKEN} and, with TLS, {@code
   * OTEL_EXPORTER_OTLP_CERTIFICATE}; sends one span and flushes.
   */
  static void exportWithAutoconfigure(
      String protocol, String endpoint, String service, String token, Path certificate) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("otel.traces.exporter", "otlp");
    props.put("otel.metrics.exporter", "none");
    props.put("otel.logs.exporter", "none");
    props.put("otel.exporter.otlp.protocol", protocol);
    props.put("otel.exporter.otlp.endpoint", endpoint);
    props.put("otel.exporter.otlp.headers", "Authorization=Bearer%20" + token);
    props.put("otel.service.name", service);
    if (certificate != null) props.put("otel.exporter.otlp.certificate", certificate.toString());
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> props)
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    try {
      Span span =
          sdk.getTracer("auth-test")
              .spanBuilder("GET /auto")
              .setSpanKind(SpanKind.SERVER)
              .startSpan();
      span.end();
      sdk.getSdkTracerProvider().forceFlush().join(15, TimeUnit.SECONDS);
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
