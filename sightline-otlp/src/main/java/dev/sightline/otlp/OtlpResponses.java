package dev.sightline.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageOrBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Export responses and error bodies. A fully accepted batch gets a response without {@code
 * partial_success}; otherwise {@code partial_success} carries the rejected count and the {@link
 * MappedBatch#errorMessage()} (the OTLP specification requires it to be set when anything was
 * rejected). Responses go out as protobuf ({@code toByteArray()}) or OTLP/JSON ({@link #toJson}).
 * Errors that reject a whole request go out as a {@code google.rpc.Status} body, encoded here
 * without depending on the common-protos library.
 */
public final class OtlpResponses {
  /** {@code google.rpc.Code} numbers an OTLP receiver uses. */
  public static final int CODE_INVALID_ARGUMENT = 3;

  public static final int CODE_RESOURCE_EXHAUSTED = 8;
  public static final int CODE_INTERNAL = 13;
  public static final int CODE_UNAVAILABLE = 14;
  public static final int CODE_UNAUTHENTICATED = 16;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private OtlpResponses() {}

  public static ExportTraceServiceResponse traceResponse(MappedBatch<?> batch) {
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (isPartial(batch)) {
      b.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(batch.rejected())
              .setErrorMessage(batch.errorMessage()));
    }
    return b.build();
  }

  public static ExportLogsServiceResponse logsResponse(MappedBatch<?> batch) {
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    if (isPartial(batch)) {
      b.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(batch.rejected())
              .setErrorMessage(batch.errorMessage()));
    }
    return b.build();
  }

  public static ExportMetricsServiceResponse metricsResponse(MappedBatch<?> batch) {
    ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
    if (isPartial(batch)) {
      b.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(batch.rejected())
              .setErrorMessage(batch.errorMessage()));
    }
    return b.build();
  }

  private static boolean isPartial(MappedBatch<?> batch) {
    return batch.rejected() > 0 || !batch.errorMessage().isEmpty();
  }

  /**
   * A response (or any OTLP message) as OTLP/JSON, for example {@code {"partialSuccess":{...}}}.
   */
  public static byte[] toJson(MessageOrBuilder response) {
    return OtlpJson.encode(response);
  }

  /** A {@code google.rpc.Status} as OTLP/JSON: {@code {"code":3,"message":"..."}}. */
  public static byte[] statusJson(int code, String message) {
    Objects.requireNonNull(message, "message");
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      if (code != 0) g.writeNumberField("code", code);
      if (!message.isEmpty()) g.writeStringField("message", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** A {@code google.rpc.Status} as protobuf: field 1 {@code code}, field 2 {@code message}. */
  public static byte[] statusProtobuf(int code, String message) {
    Objects.requireNonNull(message, "message");
    int size =
        (code != 0 ? CodedOutputStream.computeInt32Size(1, code) : 0)
            + (message.isEmpty() ? 0 : CodedOutputStream.computeStringSize(2, message));
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      if (code != 0) out.writeInt32(1, code);
      if (!message.isEmpty()) out.writeString(2, message);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to an array of the right size cannot fail", e);
    }
    return bytes;
  }
}
