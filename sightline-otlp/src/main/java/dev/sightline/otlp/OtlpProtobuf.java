package dev.sightline.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;

/**
 * OTLP/HTTP binary protobuf (content type {@value #CONTENT_TYPE}). An empty body is a valid empty
 * request. Malformed bytes throw {@link OtlpDecodeException} (HTTP 400) with protobuf's reason.
 */
public final class OtlpProtobuf {
  public static final String CONTENT_TYPE = "application/x-protobuf";

  private OtlpProtobuf() {}

  public static ExportTraceServiceRequest decodeTraces(byte[] body) throws OtlpDecodeException {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw invalid("ExportTraceServiceRequest", e);
    }
  }

  public static ExportLogsServiceRequest decodeLogs(byte[] body) throws OtlpDecodeException {
    try {
      return ExportLogsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw invalid("ExportLogsServiceRequest", e);
    }
  }

  public static ExportMetricsServiceRequest decodeMetrics(byte[] body) throws OtlpDecodeException {
    try {
      return ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw invalid("ExportMetricsServiceRequest", e);
    }
  }

  /** Also used by {@link ProtobufSpanDecoder}, so that both decoders word their errors alike. */
  static OtlpDecodeException invalid(String type, IOException e) {
    return new OtlpDecodeException(
        "invalid protobuf body: not a valid " + type + ": " + e.getMessage(), e);
  }
}
