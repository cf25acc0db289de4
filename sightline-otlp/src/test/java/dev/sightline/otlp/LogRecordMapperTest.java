package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.LogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogRecordMapperTest {
  private static final long RECEIVED = 1_800_000_000_000_000_000L;

  @Test
  void mapsEveryField() {
    MappedBatch<LogRecord> batch =
        LogRecordMapper.map(OtlpFixtures.fullLogsRequest(), "acme", RECEIVED);

    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.items())
        .containsExactly(
            new LogRecord(
                "acme",
                START,
                START + 1000,
                14,
                "WARNING",
                new AnyValue.KeyValueList(CoreExpectations.everyValueKind()),
                CoreExpectations.everyValueKind(),
                8,
                1,
                TRACE_ID,
                SPAN_ID,
                "device.app.lifecycle",
                CoreExpectations.resource(),
                CoreExpectations.scope()),
            LogRecord.builder()
                .tenant("acme")
                .timeUnixNano(START)
                .body("plain line")
                .resource(CoreExpectations.resource())
                .scope(CoreExpectations.scope())
                .build());
    assertThat(batch.items().get(0).resource()).isSameAs(batch.items().get(1).resource());
    assertThat(batch.items().get(0).scope()).isSameAs(batch.items().get(1).scope());
  }

  @Test
  void anUnsetBodyIsAnEmptyValue() throws Exception {
    LogRecord record =
        LogRecordMapper.map(OtlpJson.decodeLogs(utf8(logsJson("{\"timeUnixNano\":\"5\"}"))), "t")
            .items()
            .get(0);
    assertThat(record.body()).isEqualTo(AnyValue.EmptyValue.INSTANCE);
  }

  @Test
  void theReceiveTimeIsTheObservedTimeOfRecordsWithoutTimestamps() throws Exception {
    String json = logsJson("{\"body\":{\"stringValue\":\"no time\"}}", "{\"timeUnixNano\":\"5\"}");
    List<LogRecord> records =
        LogRecordMapper.map(OtlpJson.decodeLogs(utf8(json)), "t", RECEIVED).items();
    assertThat(records.get(0).timeUnixNano()).isZero();
    assertThat(records.get(0).observedTimeUnixNano()).isEqualTo(RECEIVED);
    assertThat(records.get(0).eventTimeUnixNano()).isEqualTo(RECEIVED);
    assertThat(records.get(1).observedTimeUnixNano()).isZero();

    long before = System.currentTimeMillis() * 1_000_000L;
    LogRecord now = LogRecordMapper.map(OtlpJson.decodeLogs(utf8(json)), "t").items().get(0);
    assertThat(now.observedTimeUnixNano())
        .isBetween(before, System.currentTimeMillis() * 1_000_000L);
  }

  @Test
  void allZeroIdsMeanNoIds() throws Exception {
    String json =
        logsJson(
            "{\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"0000000000000000\"}",
            "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"0000000000000000\"}",
            "{\"traceId\":\"" + TRACE_ID + "\"}");
    MappedBatch<LogRecord> batch = LogRecordMapper.map(OtlpJson.decodeLogs(utf8(json)), "t");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.items())
        .extracting(LogRecord::traceId)
        .containsExactly("", TRACE_ID, TRACE_ID);
    assertThat(batch.items()).extracting(LogRecord::spanId).containsExactly("", "", "");
  }

  static Stream<Arguments> invalidRecords() {
    return Stream.of(
        Arguments.of(
            "base64 trace id",
            "{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"" + SPAN_ID + "\"}",
            "traceId is not hex: \"W47/95gDgQPSabYzgT/GDA==\""),
        Arguments.of(
            "base64 span id",
            "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"7uGbfsPBsXQ=\"}",
            "spanId is not hex: \"7uGbfsPBsXQ=\""),
        Arguments.of(
            "10-byte trace id",
            "{\"traceId\":\"5b8efff798038103d269\"}",
            "traceId must be 16 bytes / 32 hex characters (got 10 bytes)"),
        Arguments.of(
            "7-byte span id",
            "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"eee19b7ec3c1b1\"}",
            "spanId must be 8 bytes / 16 hex characters (got 7 bytes)"),
        Arguments.of(
            "span id without trace id",
            "{\"spanId\":\"" + SPAN_ID + "\"}",
            "spanId is set but traceId is not"),
        Arguments.of(
            "span id with an all-zero trace id",
            "{\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"" + SPAN_ID + "\"}",
            "spanId is set but traceId is not"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRecords")
  void rejectsOnlyTheInvalidRecord(String description, String record, String problem)
      throws Exception {
    String json =
        logsJson(
            "{\"body\":{\"stringValue\":\"first\"}}",
            record,
            "{\"body\":{\"stringValue\":\"third\"}}");
    MappedBatch<LogRecord> batch = LogRecordMapper.map(OtlpJson.decodeLogs(utf8(json)), "t");
    assertThat(batch.items())
        .extracting(r -> r.body().asString())
        .containsExactly("first", "third");
    assertThat(batch.rejected()).isEqualTo(1);
    // non-hex ids get a hint after the problem; everything else is the whole message
    assertThat(batch.errorMessage())
        .startsWith(
            "1 log record rejected: resourceLogs[0].scopeLogs[0].logRecords[1]: " + problem);
    if (!problem.contains("is not hex")) {
      assertThat(batch.errorMessage())
          .isEqualTo(
              "1 log record rejected: resourceLogs[0].scopeLogs[0].logRecords[1]: " + problem);
    } else {
      assertThat(batch.errorMessage())
          .endsWith("(OTLP/JSON trace and span ids are hex strings, not base64)");
    }
  }

  @Test
  void countsRejectedRecordsInThePlural() throws Exception {
    String bad = "{\"spanId\":\"" + SPAN_ID + "\"}";
    MappedBatch<LogRecord> batch =
        LogRecordMapper.map(OtlpJson.decodeLogs(utf8(logsJson(bad, bad))), "t");
    assertThat(batch.items()).isEmpty();
    assertThat(batch.rejected()).isEqualTo(2);
    assertThat(batch.errorMessage())
        .startsWith("2 log records rejected: resourceLogs[0].scopeLogs[0].logRecords[0]: ")
        .endsWith("(and 1 more like this)");
  }

  @Test
  void anEmptyRequestMapsToAnEmptyBatch() {
    MappedBatch<LogRecord> batch =
        LogRecordMapper.map(ExportLogsServiceRequest.getDefaultInstance(), "t");
    assertThat(batch.items()).isEmpty();
    assertThat(batch.fullyAccepted()).isTrue();
  }

  static String logsJson(String... records) {
    return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":["
        + String.join(",", records)
        + "]}]}]}";
  }
}
