package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.fullLogsRequest;
import static dev.sightline.otlp.OtlpFixtures.fullMetricsRequest;
import static dev.sightline.otlp.OtlpFixtures.fullTraceRequest;
import static dev.sightline.otlp.OtlpFixtures.id;
import static dev.sightline.otlp.OtlpFixtures.kv;
import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTLP/JSON decoding and encoding: round trips, protobuf's JsonFormat as an oracle, leniency. */
class OtlpJsonTest {

  @Test
  void roundTripsEveryTraceField() throws Exception {
    ExportTraceServiceRequest request = fullTraceRequest();
    assertThat(OtlpJson.decodeTraces(OtlpJson.encode(request))).isEqualTo(request);
  }

  @Test
  void roundTripsEveryLogField() throws Exception {
    ExportLogsServiceRequest request = fullLogsRequest();
    assertThat(OtlpJson.decodeLogs(OtlpJson.encode(request))).isEqualTo(request);
  }

  @Test
  void roundTripsEveryMetricField() throws Exception {
    ExportMetricsServiceRequest request = fullMetricsRequest();
    assertThat(OtlpJson.decodeMetrics(OtlpJson.encode(request))).isEqualTo(request);
  }

  @Test
  void encodesIdsAsLowercaseHexInt64AsStringsEnumsAsIntegersBytesAsBase64() {
    String json = new String(OtlpJson.encode(fullTraceRequest()), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"traceId\":\"0af7651916cd43dd8448eb211c80319c\"")
        .contains("\"spanId\":\"b7ad6b7169203331\"")
        .contains("\"parentSpanId\":\"00f067aa0ba902b7\"")
        .contains("\"startTimeUnixNano\":\"1700000000123456789\"")
        .contains("\"intValue\":\"-9007199254740993\"")
        .contains("\"kind\":3")
        .contains("\"code\":2")
        .contains("\"bytesValue\":\"AAEC/v8=\"")
        .contains("\"resourceSpans\"")
        .doesNotContain("resource_spans");
  }

  @Test
  void decodesWhatProtobufJsonFormatPrints() throws Exception {
    // JsonFormat is a reference implementation of the proto3 JSON mapping for every field that is
    // not an id: it prints enums as names, int64 as strings, and (optionally) snake_case names.
    for (Message request :
        List.<Message>of(
            withoutIds(fullTraceRequest()),
            withoutIds(fullLogsRequest()),
            withoutIds(fullMetricsRequest()))) {
      for (JsonFormat.Printer printer :
          List.of(
              JsonFormat.printer(),
              JsonFormat.printer().printingEnumsAsInts().preservingProtoFieldNames())) {
        byte[] json = utf8(printer.print(request));
        Message.Builder decoded = request.newBuilderForType();
        OtlpJson.decodeInto(json, decoded);
        assertThat(decoded.build()).isEqualTo(request);
      }
    }
  }

  @Test
  void encodesWhatProtobufJsonFormatParses() throws Exception {
    for (Message request :
        List.<Message>of(
            withoutIds(fullTraceRequest()),
            withoutIds(fullLogsRequest()),
            withoutIds(fullMetricsRequest()))) {
      Message.Builder parsed = request.newBuilderForType();
      JsonFormat.parser()
          .merge(new String(OtlpJson.encode(request), StandardCharsets.UTF_8), parsed);
      assertThat(parsed.build()).isEqualTo(request);
    }
  }

  @Test
  void decodesHandWrittenJsonWithEveryAlternativeSpelling() throws Exception {
    // snake_case names, enum names, int64 as numbers, upper-case hex, nulls, unknown fields at
    // every depth, NaN and Infinity as strings, integral values in exponent notation.
    String json =
        """
        {
          "unknownTop": {"nested": [1, 2, {"x": null}]},
          "resource_spans": [{
            "unknownResourceSpans": "ignored",
            "resource": {
              "attributes": [
                {"key": "service.name", "value": {"stringValue": "svc", "unknownValue": 1}},
                {"key": "nan", "value": {"double_value": "NaN"}},
                {"key": "inf", "value": {"doubleValue": "-Infinity"}},
                {"key": "num", "value": {"doubleValue": "2.5"}},
                {"key": "int", "value": {"int_value": 12}},
                {"key": "noValue", "value": null},
                {"key": "emptyValue", "value": {}}
              ],
              "dropped_attributes_count": 1e1,
              "entity_refs": null
            },
            "schema_url": "s",
            "scope_spans": [{
              "scope": {"name": "lib", "unknown": [[]]},
              "spans": [{
                "trace_id": "0AF7651916CD43DD8448EB211C80319C",
                "span_id": "B7ad6b7169203331",
                "parent_span_id": "",
                "name": "n",
                "kind": "SPAN_KIND_SERVER",
                "start_time_unix_nano": 1700000000123456789,
                "end_time_unix_nano": "1700000000125000000",
                "flags": "769",
                "status": {"code": "STATUS_CODE_ERROR", "message": null, "future": true},
                "events": [{"time_unix_nano": 5, "name": "e", "extra": {}}],
                "links": [{"traceId": "4BF92F3577B34DA6A3CE929D0E0E4736",
                           "spanId": "53995C3F42CD8AD8", "flags": 1, "extra": [1]}],
                "unknownSpanField": {"a": {"b": {"c": [null, true, "x"]}}}
              }]
            }]
          }]
        }
        """;
    ExportTraceServiceRequest expected =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(kv("service.name", "svc"))
                            .addAttributes(
                                kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
                            .addAttributes(
                                kv(
                                    "inf",
                                    AnyValue.newBuilder()
                                        .setDoubleValue(Double.NEGATIVE_INFINITY)
                                        .build()))
                            .addAttributes(
                                kv("num", AnyValue.newBuilder().setDoubleValue(2.5).build()))
                            .addAttributes(kv("int", AnyValue.newBuilder().setIntValue(12).build()))
                            .addAttributes(
                                io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                                    .setKey("noValue"))
                            .addAttributes(kv("emptyValue", AnyValue.getDefaultInstance()))
                            .setDroppedAttributesCount(10))
                    .setSchemaUrl("s")
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                                    .setName("lib"))
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(id(OtlpFixtures.TRACE_ID))
                                    .setSpanId(id(OtlpFixtures.SPAN_ID))
                                    .setName("n")
                                    .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                                    .setStartTimeUnixNano(START)
                                    .setEndTimeUnixNano(1_700_000_000_125_000_000L)
                                    .setFlags(769)
                                    .setStatus(
                                        Status.newBuilder()
                                            .setCode(Status.StatusCode.STATUS_CODE_ERROR))
                                    .addEvents(
                                        Span.Event.newBuilder().setTimeUnixNano(5).setName("e"))
                                    .addLinks(
                                        Span.Link.newBuilder()
                                            .setTraceId(id(OtlpFixtures.LINK_TRACE_ID))
                                            .setSpanId(id(OtlpFixtures.LINK_SPAN_ID))
                                            .setFlags(1)))))
            .build();
    ExportTraceServiceRequest decoded = OtlpJson.decodeTraces(utf8(json));
    assertThat(decoded).isEqualTo(expected);
    // "value": {} is a present, empty AnyValue; "value": null is absent. Both map to EmptyValue.
    var attributes = decoded.getResourceSpans(0).getResource().getAttributesList();
    assertThat(attributes.get(5).hasValue()).isFalse();
    assertThat(attributes.get(6).hasValue()).isTrue();
  }

  @Test
  void acceptsInt64AsNumberOrStringAlike() throws Exception {
    String template =
        """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","histogram":{
          "aggregationTemporality":%s,
          "dataPoints":[{"timeUnixNano":%s,"count":%s,"bucketCounts":[%s,%s],
                         "explicitBounds":[1],"sum":%s}]}}]}]}]}
        """;
    var asNumbers =
        OtlpJson.decodeMetrics(
            utf8(template.formatted("2", "1700000000123456789", "3", "1", "2", "4")));
    var asStrings =
        OtlpJson.decodeMetrics(
            utf8(
                template.formatted(
                    "\"AGGREGATION_TEMPORALITY_CUMULATIVE\"",
                    "\"1700000000123456789\"",
                    "\"3\"",
                    "\"1\"",
                    "\"2\"",
                    "\"4\"")));
    ExportMetricsServiceRequest expected =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("m")
                                    .setHistogram(
                                        io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                                            .setAggregationTemporality(
                                                AggregationTemporality
                                                    .AGGREGATION_TEMPORALITY_CUMULATIVE)
                                            .addDataPoints(
                                                HistogramDataPoint.newBuilder()
                                                    .setTimeUnixNano(START)
                                                    .setCount(3)
                                                    .addBucketCounts(1)
                                                    .addBucketCounts(2)
                                                    .addExplicitBounds(1)
                                                    .setSum(4))))))
            .build();
    assertThat(asNumbers).isEqualTo(expected);
    assertThat(asStrings).isEqualTo(expected);
  }

  @Test
  void acceptsUnsigned64BitValuesAboveLongMax() throws Exception {
    String json =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"timeUnixNano":"18446744073709551615","observedTimeUnixNano":18446744073709551614}]}]}]}
        """;
    LogRecord record =
        OtlpJson.decodeLogs(utf8(json)).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record.getTimeUnixNano()).isEqualTo(-1L);
    assertThat(record.getObservedTimeUnixNano()).isEqualTo(-2L);
  }

  @Test
  void keepsUnknownEnumNumbersAndIgnoresUnknownEnumNames() throws Exception {
    String json =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[
          {"severityNumber":99,"severityText":"x"},
          {"severityNumber":"SEVERITY_NUMBER_FROM_THE_FUTURE","severityText":"y"},
          {"severityNumber":"SEVERITY_NUMBER_ERROR"},
          {"severityNumber":"13"}]}]}]}
        """;
    List<LogRecord> records =
        OtlpJson.decodeLogs(utf8(json)).getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
    assertThat(records.get(0).getSeverityNumberValue()).isEqualTo(99);
    assertThat(records.get(1).getSeverityNumberValue()).isZero();
    assertThat(records.get(1).getSeverityText()).isEqualTo("y");
    assertThat(records.get(2).getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR);
    assertThat(records.get(3).getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_WARN);
  }

  @Test
  void decodesBase64BytesValuesInStandardAndUrlSafeAlphabetsWithOrWithoutPadding()
      throws Exception {
    for (String encoded : List.of("AAEC/v8=", "AAEC/v8", "AAEC_v8=", "AAEC_v8")) {
      String json =
          "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"bytesValue\":\""
              + encoded
              + "\"}}]}]}]}";
      AnyValue body =
          OtlpJson.decodeLogs(utf8(json))
              .getResourceLogs(0)
              .getScopeLogs(0)
              .getLogRecords(0)
              .getBody();
      assertThat(body.getBytesValue().toByteArray())
          .as(encoded)
          .containsExactly(0, 1, 2, 0xfe, 0xff);
    }
  }

  @Test
  void anEmptyIdStringIsAnAbsentId() throws Exception {
    String json =
        """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"","spanId":""}]}]}]}
        """;
    LogRecord record =
        OtlpJson.decodeLogs(utf8(json)).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record).isEqualTo(LogRecord.getDefaultInstance());
  }

  @Test
  void aNonHexIdIsKeptAsideNotFailingTheRequest() throws Exception {
    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"EEE19B7EC3C1B174"}]}]}]}
        """;
    Span span = OtlpJson.decodeTraces(utf8(json)).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId().isEmpty()).isTrue();
    assertThat(InvalidIds.find(span, "traceId")).isEqualTo("W47/95gDgQPSabYzgT/GDA==");
    assertThat(InvalidIds.find(span, "spanId")).isNull();
    assertThat(span.getSpanId()).isEqualTo(id("eee19b7ec3c1b174"));
  }

  @Test
  void decodesTracesDataThroughTheGenericEntryPoint() throws Exception {
    var builder = io.opentelemetry.proto.trace.v1.TracesData.newBuilder();
    OtlpJson.decodeInto(OtlpJson.encode(fullTraceRequest()), builder);
    assertThat(builder.build().getResourceSpansList())
        .isEqualTo(fullTraceRequest().getResourceSpansList());
  }

  @Test
  void aSumWithoutDataPointsStaysDistinctFromNoData() throws Exception {
    // "sum": {} sets the data oneof; the metric has a sum with no points.
    ExportMetricsServiceRequest decoded =
        OtlpJson.decodeMetrics(
            utf8("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{}}]}]}]}"));
    Metric metric = decoded.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertThat(metric.getDataCase()).isEqualTo(Metric.DataCase.SUM);
    assertThat(metric.getSum()).isEqualTo(Sum.getDefaultInstance());
  }

  @Test
  void anExplicitZeroInAOneofIsSet() throws Exception {
    NumberDataPoint point =
        OtlpJson.decodeMetrics(
                utf8(
                    "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":"
                        + "{\"dataPoints\":[{\"asInt\":\"0\",\"timeUnixNano\":\"1\"}]}}]}]}]}"))
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0)
            .getGauge()
            .getDataPoints(0);
    assertThat(point.getValueCase()).isEqualTo(NumberDataPoint.ValueCase.AS_INT);
    assertThat(point.getAsInt()).isZero();
  }

  @Test
  void logsKeepTheirFieldsThroughSnakeCaseNames() throws Exception {
    String json =
        """
        {"resource_logs":[{"scope_logs":[{"log_records":[{
          "time_unix_nano":"1","observed_time_unix_nano":"2","severity_number":9,
          "severity_text":"INFO","body":{"string_value":"b"},"dropped_attributes_count":3,
          "flags":1,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331",
          "event_name":"ev"}]}]}]}
        """;
    ExportLogsServiceRequest expected =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTimeUnixNano(1)
                                    .setObservedTimeUnixNano(2)
                                    .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
                                    .setSeverityText("INFO")
                                    .setBody(OtlpFixtures.str("b"))
                                    .setDroppedAttributesCount(3)
                                    .setFlags(1)
                                    .setTraceId(id(OtlpFixtures.TRACE_ID))
                                    .setSpanId(id(OtlpFixtures.SPAN_ID))
                                    .setEventName("ev"))))
            .build();
    assertThat(OtlpJson.decodeLogs(utf8(json))).isEqualTo(expected);
  }

  /** {@code message} with every trace/span id field cleared, at any depth. */
  @SuppressWarnings("unchecked")
  static <M extends Message> M withoutIds(M message) {
    Message.Builder b = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      if (OtlpJson.isHexIdField(fd)) {
        b.clearField(fd);
      } else if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (fd.isRepeated()) {
          b.clearField(fd);
          for (Object v : (List<?>) e.getValue()) b.addRepeatedField(fd, withoutIds((Message) v));
        } else {
          b.setField(fd, withoutIds((Message) e.getValue()));
        }
      }
    }
    return (M) b.build();
  }
}
