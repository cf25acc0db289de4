package dev.sightline.otlp.receiver;

import com.google.protobuf.Message;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.LogRecordMapper;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.MetricPointMapper;
import dev.sightline.otlp.OtlpDecodeException;
import dev.sightline.otlp.OtlpJson;
import dev.sightline.otlp.OtlpProtobuf;
import dev.sightline.otlp.OtlpResponses;
import dev.sightline.otlp.SpanMapper;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The three signal codecs. */
final class SignalCodecs {
  private SignalCodecs() {}

  static List<SignalCodec<?>> all() {
    return List.of(TRACES, METRICS, LOGS);
  }

  static final SignalCodec<Span> TRACES =
      new SignalCodec<>() {
        @Override
        public String label() {
          return "spans";
        }

        @Override
        public String httpPath() {
          return "/v1/traces";
        }

        @Override
        public String grpcServiceName() {
          return TraceServiceGrpc.SERVICE_NAME;
        }

        @Override
        public MappedBatch<Span> decode(byte[] body, boolean json, String tenant)
            throws OtlpDecodeException {
          return SpanMapper.map(
              json ? OtlpJson.decodeTraces(body) : OtlpProtobuf.decodeTraces(body), tenant);
        }

        @Override
        public CompletableFuture<Void> write(TelemetryWriter writer, List<Span> items) {
          return writer.writeSpans(items);
        }

        @Override
        public Message response(MappedBatch<Span> batch) {
          return OtlpResponses.traceResponse(batch);
        }
      };

  static final SignalCodec<MetricPoint> METRICS =
      new SignalCodec<>() {
        @Override
        public String label() {
          return "metrics";
        }

        @Override
        public String httpPath() {
          return "/v1/metrics";
        }

        @Override
        public String grpcServiceName() {
          return MetricsServiceGrpc.SERVICE_NAME;
        }

        @Override
        public MappedBatch<MetricPoint> decode(byte[] body, boolean json, String tenant)
            throws OtlpDecodeException {
          return MetricPointMapper.map(
              json ? OtlpJson.decodeMetrics(body) : OtlpProtobuf.decodeMetrics(body), tenant);
        }

        @Override
        public CompletableFuture<Void> write(TelemetryWriter writer, List<MetricPoint> items) {
          return writer.writeMetrics(items);
        }

        @Override
        public Message response(MappedBatch<MetricPoint> batch) {
          return OtlpResponses.metricsResponse(batch);
        }
      };

  static final SignalCodec<LogRecord> LOGS =
      new SignalCodec<>() {
        @Override
        public String label() {
          return "logs";
        }

        @Override
        public String httpPath() {
          return "/v1/logs";
        }

        @Override
        public String grpcServiceName() {
          return LogsServiceGrpc.SERVICE_NAME;
        }

        @Override
        public MappedBatch<LogRecord> decode(byte[] body, boolean json, String tenant)
            throws OtlpDecodeException {
          return LogRecordMapper.map(
              json ? OtlpJson.decodeLogs(body) : OtlpProtobuf.decodeLogs(body), tenant);
        }

        @Override
        public CompletableFuture<Void> write(TelemetryWriter writer, List<LogRecord> items) {
          return writer.writeLogs(items);
        }

        @Override
        public Message response(MappedBatch<LogRecord> batch) {
          return OtlpResponses.logsResponse(batch);
        }
      };
}
