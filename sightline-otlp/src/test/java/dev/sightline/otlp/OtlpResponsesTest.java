package dev.sightline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpResponsesTest {
  private static final MappedBatch<Object> ACCEPTED = new MappedBatch<>(List.of("a"), 0, "");
  private static final MappedBatch<Object> PARTIAL =
      new MappedBatch<>(List.of("a"), 2, "2 spans rejected: x");

  @Test
  void aFullyAcceptedBatchHasNoPartialSuccess() {
    assertThat(OtlpResponses.traceResponse(ACCEPTED).hasPartialSuccess()).isFalse();
    assertThat(OtlpResponses.logsResponse(ACCEPTED).hasPartialSuccess()).isFalse();
    assertThat(OtlpResponses.metricsResponse(ACCEPTED).hasPartialSuccess()).isFalse();
    assertThat(json(OtlpResponses.toJson(OtlpResponses.traceResponse(ACCEPTED)))).isEqualTo("{}");
  }

  @Test
  void aPartialBatchCarriesTheCountAndMessage() throws Exception {
    ExportTraceServiceResponse traces = OtlpResponses.traceResponse(PARTIAL);
    assertThat(traces.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(traces.getPartialSuccess().getErrorMessage()).isEqualTo("2 spans rejected: x");
    ExportLogsServiceResponse logs = OtlpResponses.logsResponse(PARTIAL);
    assertThat(logs.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(logs.getPartialSuccess().getErrorMessage()).isEqualTo("2 spans rejected: x");
    ExportMetricsServiceResponse metrics = OtlpResponses.metricsResponse(PARTIAL);
    assertThat(metrics.getPartialSuccess().getRejectedDataPoints()).isEqualTo(2);

    String body = json(OtlpResponses.toJson(traces));
    assertThat(body)
        .isEqualTo(
            "{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"2 spans rejected:"
                + " x\"}}");
    ExportTraceServiceResponse.Builder parsed = ExportTraceServiceResponse.newBuilder();
    JsonFormat.parser().merge(body, parsed);
    assertThat(parsed.build()).isEqualTo(traces);
  }

  @Test
  void encodesStatusAsJson() {
    assertThat(json(OtlpResponses.statusJson(OtlpResponses.CODE_INVALID_ARGUMENT, "bad \"id\"")))
        .isEqualTo("{\"code\":3,\"message\":\"bad \\\"id\\\"\"}");
    assertThat(json(OtlpResponses.statusJson(0, ""))).isEqualTo("{}");
  }

  @Test
  void encodesStatusAsProtobuf() throws Exception {
    byte[] bytes = OtlpResponses.statusProtobuf(OtlpResponses.CODE_UNAVAILABLE, "busy, ünïcödé");
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    assertThat(in.readTag()).isEqualTo((1 << 3)); // field 1, varint
    assertThat(in.readInt32()).isEqualTo(14);
    assertThat(in.readTag()).isEqualTo((2 << 3) | 2); // field 2, length-delimited
    assertThat(in.readString()).isEqualTo("busy, ünïcödé");
    assertThat(in.isAtEnd()).isTrue();
    assertThat(OtlpResponses.statusProtobuf(0, "")).isEmpty();
  }

  @Test
  void rejectsANegativeCount() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MappedBatch<>(List.of(), -1, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String json(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
