package dev.sightline.otlp.receiver;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.LogRecordMapper;
import dev.sightline.otlp.MetricPointMapper;
import dev.sightline.otlp.OtlpJson;
import dev.sightline.otlp.OtlpProtobuf;
import dev.sightline.otlp.OtlpResponses;
import dev.sightline.otlp.ProtobufSpanDecoder;
import dev.sightline.otlp.SpanMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;

/** The three signal codecs. */
final class SignalCodecs {
  private SignalCodecs() {}

  static final SignalCodec<ExportTraceServiceRequest, Span> TRACES =
      new SignalCodec<>(
          "spans",
          "/v1/traces",
          TraceServiceGrpc.SERVICE_NAME,
          OtlpProtobuf::decodeTraces,
          OtlpJson::decodeTraces,
          SpanMapper::map,
          ProtobufSpanDecoder::decode,
          TelemetryWriter::writeSpans,
          OtlpResponses::traceResponse);

  static final SignalCodec<ExportMetricsServiceRequest, MetricPoint> METRICS =
      new SignalCodec<>(
          "metrics",
          "/v1/metrics",
          MetricsServiceGrpc.SERVICE_NAME,
          OtlpProtobuf::decodeMetrics,
          OtlpJson::decodeMetrics,
          MetricPointMapper::map,
          null,
          TelemetryWriter::writeMetrics,
          OtlpResponses::metricsResponse);

  static final SignalCodec<ExportLogsServiceRequest, LogRecord> LOGS =
      new SignalCodec<>(
          "logs",
          "/v1/logs",
          LogsServiceGrpc.SERVICE_NAME,
          OtlpProtobuf::decodeLogs,
          OtlpJson::decodeLogs,
          LogRecordMapper::map,
          null,
          TelemetryWriter::writeLogs,
          OtlpResponses::logsResponse);

  static List<SignalCodec<?, ?>> all() {
    return List.of(TRACES, METRICS, LOGS);
  }
}
