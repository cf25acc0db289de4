package dev.sightline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogTemplateTest {
  private static final long BASE = 1_763_712_000_000_000_000L;

  @Test
  void stampedLogsStayCorrelatedWithTheStampedSpans() throws Exception {
    ExportTraceServiceRequest request = new ShopTraceGenerator(5, BASE).request(500);
    RequestTemplate spans = RequestTemplate.of(request);
    LogTemplate logs = LogTemplate.of(request, 1.5, 9);
    TraceIds ids = new TraceIds(42);
    long shift = 123_456_789_000L;

    ExportTraceServiceRequest stampedSpans =
        ExportTraceServiceRequest.parseFrom(spans.stamp(ids, 1000, shift));
    ExportLogsServiceRequest stampedLogs =
        ExportLogsServiceRequest.parseFrom(logs.stamp(ids, 1000, shift));

    Map<ByteString, Span> bySpanId = new HashMap<>();
    stampedSpans
        .getResourceSpansList()
        .forEach(
            rs ->
                rs.getScopeSpansList()
                    .forEach(ss -> ss.getSpansList().forEach(s -> bySpanId.put(s.getSpanId(), s))));
    int records = 0;
    Set<String> severities = new HashSet<>();
    Set<ByteString> traces = new HashSet<>();
    for (var rl : stampedLogs.getResourceLogsList()) {
      for (var sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          records++;
          Span span = bySpanId.get(r.getSpanId());
          assertThat(span).as("span of log record %d", records).isNotNull();
          assertThat(r.getTraceId()).isEqualTo(span.getTraceId());
          assertThat(r.getTimeUnixNano())
              .isBetween(span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
          assertThat(r.getBody().getStringValue()).isNotBlank();
          severities.add(r.getSeverityText());
          traces.add(r.getTraceId());
        }
      }
    }
    assertThat(records).isEqualTo(logs.records()).isBetween(600, 900);
    assertThat(severities).contains("INFO", "DEBUG");
    assertThat(traces).hasSize(spans.traces());
    // ids differ from the template's placeholders: the trace ids are those of sequence 1000..
    assertThat(traces).contains(ByteString.fromHex(ids.hex(1000)));
  }
}
