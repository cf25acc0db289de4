package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bodies that are not OTLP at all: the whole request fails with a precise message. */
class OtlpDecodeErrorsTest {

  static Stream<Arguments> malformedTraceJson() {
    String spans = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[%s]}]}]}";
    return Stream.of(
        Arguments.of("empty body", "", "empty body"),
        Arguments.of("blank body", " \n\t ", "empty body"),
        Arguments.of("root is an array", "[]", "at <root>: expected a JSON object, got an array"),
        Arguments.of("root is null", "null", "at <root>: expected a JSON object, got null"),
        Arguments.of("truncated", "{\"resourceSpans\":[{\"scopeSpans\":[", "malformed JSON"),
        Arguments.of(
            "missing value",
            spans.formatted("{\"name\": }"),
            "malformed JSON at resourceSpans[0].scopeSpans[0].spans[0].name"),
        Arguments.of("trailing garbage", "{} {}", "unexpected content after the top-level object"),
        Arguments.of("not JSON", "traceId=abc", "malformed JSON"),
        Arguments.of(
            "int64 is not numeric",
            spans.formatted("{},{},{\"startTimeUnixNano\":\"12:00\"}"),
            "invalid OTLP/JSON at resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano:"
                + " expected fixed64 (a JSON number or a decimal string), got string \"12:00\""),
        Arguments.of(
            "int64 has a fraction",
            spans.formatted("{\"endTimeUnixNano\":1.5}"),
            "spans[0].endTimeUnixNano: expected an integer for fixed64, got 1.5"),
        Arguments.of(
            "unsigned int64 is negative",
            spans.formatted("{\"startTimeUnixNano\":-1}"),
            "value out of range for fixed64"),
        Arguments.of(
            "uint32 too large",
            spans.formatted("{\"droppedAttributesCount\":4294967296}"),
            "spans[0].droppedAttributesCount: value out of range for uint32"),
        Arguments.of(
            "int64 beyond 64 bits",
            spans.formatted(
                "{\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"9223372036854775808\"}}]}"),
            "spans[0].attributes[0].value.intValue: value out of range for int64"),
        Arguments.of(
            "huge exponent",
            spans.formatted("{\"startTimeUnixNano\":\"1e999999999\"}"),
            "value out of range for fixed64"),
        Arguments.of(
            "string where an array is expected",
            "{\"resourceSpans\":\"abc\"}",
            "at resourceSpans: expected an array, got string \"abc\""),
        Arguments.of(
            "array where an object is expected",
            "{\"resourceSpans\":[{\"resource\":[]}]}",
            "at resourceSpans[0].resource: expected an object, got an array"),
        Arguments.of(
            "string where an object is expected in an array",
            spans.formatted("{}, \"span\""),
            "at resourceSpans[0].scopeSpans[0].spans[1]: expected an object, got string"),
        Arguments.of(
            "number where a string is expected",
            spans.formatted("{\"name\":5}"),
            "spans[0].name: expected a string, got number 5"),
        Arguments.of(
            "object where an enum is expected",
            spans.formatted("{\"kind\":{}}"),
            "spans[0].kind: expected an enum (an integer or a value name of SpanKind), got an"
                + " object"),
        Arguments.of(
            "number where a hex id is expected",
            spans.formatted("{\"traceId\":12}"),
            "spans[0].traceId: expected a hex string, got number 12"),
        Arguments.of(
            "bad boolean",
            spans.formatted("{\"attributes\":[{\"key\":\"k\",\"value\":{\"boolValue\":\"yes\"}}]}"),
            "attributes[0].value.boolValue: expected a boolean, got string \"yes\""),
        Arguments.of(
            "bad double",
            spans.formatted(
                "{\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":\"abc\"}}]}"),
            "attributes[0].value.doubleValue: expected a number"),
        Arguments.of(
            "bad base64",
            spans.formatted(
                "{\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"%%%\"}}]}"),
            "attributes[0].value.bytesValue: not valid base64"),
        Arguments.of(
            "null in an array",
            spans.formatted("null"),
            "spans[0]: null is not allowed in an array"),
        Arguments.of("too deeply nested", deeplyNestedArrayValue(200), "nested deeper than 100"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedTraceJson")
  void rejectsTheWholeRequest(String description, String json, String expectedMessage) {
    assertThatThrownBy(() -> OtlpJson.decodeTraces(utf8(json)))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining(expectedMessage);
  }

  @Test
  void everySignalRejectsAnEmptyJsonBody() {
    assertThatThrownBy(() -> OtlpJson.decodeLogs(new byte[0]))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("empty body");
    assertThatThrownBy(() -> OtlpJson.decodeMetrics(new byte[0]))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("empty body");
  }

  @Test
  void syntaxErrorsSayLineAndColumn() {
    assertThatThrownBy(() -> OtlpJson.decodeTraces(utf8("{\n  \"resourceSpans\": [,]\n}")))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("malformed JSON at resourceSpans")
        .hasMessageContaining("line 2, column");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() throws Exception {
    // request, resourceSpans, scopeSpans, span, key/value, value: 6 messages; each array level
    // adds an ArrayValue and an AnyValue: 40 levels are 86 messages deep, under the limit of 100.
    assertThat(OtlpJson.decodeTraces(utf8(deeplyNestedArrayValue(40))).getResourceSpansCount())
        .isEqualTo(1);
  }

  @Test
  void emptyProtobufIsAValidEmptyRequest() throws Exception {
    assertThat(OtlpProtobuf.decodeTraces(new byte[0]))
        .isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
    assertThat(OtlpProtobuf.decodeLogs(new byte[0]))
        .isEqualTo(ExportLogsServiceRequest.getDefaultInstance());
    assertThat(OtlpProtobuf.decodeMetrics(new byte[0]))
        .isEqualTo(ExportMetricsServiceRequest.getDefaultInstance());
  }

  @Test
  void truncatedProtobufFails() {
    byte[] full = OtlpFixtures.fullTraceRequest().toByteArray();
    byte[] truncated = Arrays.copyOf(full, full.length - 7);
    assertThatThrownBy(() -> OtlpProtobuf.decodeTraces(truncated))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("invalid protobuf body: not a valid ExportTraceServiceRequest:")
        .hasMessageContaining("truncated");
  }

  @Test
  void garbageProtobufFails() {
    byte[] garbage = utf8("{\"resourceLogs\":[]}");
    assertThatThrownBy(() -> OtlpProtobuf.decodeLogs(garbage))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("invalid protobuf body: not a valid ExportLogsServiceRequest:");
    byte[] badWireType = {(byte) 0x0f};
    assertThatThrownBy(() -> OtlpProtobuf.decodeMetrics(badWireType))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith("invalid protobuf body: not a valid ExportMetricsServiceRequest:");
  }

  @Test
  void protobufRoundTripsTheFixtures() throws Exception {
    var traces = OtlpFixtures.fullTraceRequest();
    var logs = OtlpFixtures.fullLogsRequest();
    var metrics = OtlpFixtures.fullMetricsRequest();
    assertThat(OtlpProtobuf.decodeTraces(traces.toByteArray())).isEqualTo(traces);
    assertThat(OtlpProtobuf.decodeLogs(logs.toByteArray())).isEqualTo(logs);
    assertThat(OtlpProtobuf.decodeMetrics(metrics.toByteArray())).isEqualTo(metrics);
  }

  /** A span attribute whose value is {@code levels} nested arrays. */
  private static String deeplyNestedArrayValue(int levels) {
    StringBuilder sb =
        new StringBuilder(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"key\":\"k\","
                + "\"value\":");
    for (int i = 0; i < levels; i++) sb.append("{\"arrayValue\":{\"values\":[");
    sb.append("{\"intValue\":1}");
    for (int i = 0; i < levels; i++) sb.append("]}}");
    sb.append("}]}]}]}]}");
    return sb.toString();
  }
}
