package dev.sightline.otlp;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * OTLP/JSON (content type {@value #CONTENT_TYPE}) as the OTLP specification defines it: the proto3
 * JSON mapping with lowerCamelCase names (original snake_case names accepted), enums as integers
 * (names accepted), 64-bit integers as strings or numbers, unknown fields ignored, and trace and
 * span ids as case-insensitive hex instead of base64. Protobuf's {@code JsonFormat} gets the ids
 * wrong; this codec gets them right. Thread-safe; all methods are static.
 *
 * <p>Decoding rejects the whole body ({@link OtlpDecodeException}, HTTP 400) only when it is not
 * OTLP/JSON at all: empty, malformed, or a value of the wrong type. A trace or span id that is not
 * hex is not such an error: it is kept aside so that {@link SpanMapper}, {@link LogRecordMapper}
 * and {@link MetricPointMapper} reject only the item holding it (partial success).
 */
public final class OtlpJson {
  public static final String CONTENT_TYPE = "application/json";

  private OtlpJson() {}

  /** Decodes an OTLP/JSON {@code ExportTraceServiceRequest}. */
  public static ExportTraceServiceRequest decodeTraces(byte[] json) throws OtlpDecodeException {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    JsonMessageDecoder.decode(json, b);
    return b.build();
  }

  /** Decodes an OTLP/JSON {@code ExportLogsServiceRequest}. */
  public static ExportLogsServiceRequest decodeLogs(byte[] json) throws OtlpDecodeException {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    JsonMessageDecoder.decode(json, b);
    return b.build();
  }

  /** Decodes an OTLP/JSON {@code ExportMetricsServiceRequest}. */
  public static ExportMetricsServiceRequest decodeMetrics(byte[] json) throws OtlpDecodeException {
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    JsonMessageDecoder.decode(json, b);
    return b.build();
  }

  /**
   * Merges OTLP/JSON into any builder of an OTLP message (for example {@code TracesData}). Map
   * fields and well-known types' special JSON forms are not supported; OTLP uses neither.
   */
  public static void decodeInto(byte[] json, Message.Builder builder) throws OtlpDecodeException {
    JsonMessageDecoder.decode(json, builder);
  }

  /**
   * Encodes any OTLP message as OTLP/JSON (UTF-8): lowerCamelCase names, enums as integers, 64-bit
   * integers as strings, ids as lowercase hex, other bytes as base64, default values omitted. Used
   * for export responses; also handy to produce OTLP/JSON payloads.
   */
  public static byte[] encode(MessageOrBuilder message) {
    return JsonMessageEncoder.encode(message);
  }

  /**
   * True for the {@code bytes} fields OTLP/JSON writes as hex: {@code trace_id}, {@code span_id}
   * and {@code parent_span_id} (spans, links, log records, exemplars).
   */
  static boolean isHexIdField(FieldDescriptor fd) {
    if (fd.getType() != FieldDescriptor.Type.BYTES) return false;
    String name = fd.getName();
    return name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id");
  }
}
