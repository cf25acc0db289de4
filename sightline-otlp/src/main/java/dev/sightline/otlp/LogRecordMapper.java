package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpCommon.attributes;
import static dev.sightline.otlp.OtlpCommon.hexOrEmpty;
import static dev.sightline.otlp.OtlpCommon.isValid;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validates the log records of an OTLP logs export request and maps the valid ones to {@link
 * LogRecord}.
 *
 * <p>A log record is rejected (counted in {@code rejected_log_records}) when its {@code traceId} is
 * neither empty nor 16 bytes, its {@code spanId} is neither empty nor 8 bytes, an id was not hex in
 * OTLP/JSON, or it has a span id but no trace id. All-zero ids mean "no id" (as in the
 * OpenTelemetry Collector, and as some SDKs send for uncorrelated logs) and map to empty strings.
 * Timestamps are optional; when both {@code timeUnixNano} and {@code observedTimeUnixNano} are 0,
 * the observed time becomes the time the request was received.
 */
public final class LogRecordMapper {
  private LogRecordMapper() {}

  /** Maps with the current time as the receive time. */
  public static MappedBatch<LogRecord> map(ExportLogsServiceRequest request, String tenant) {
    return map(request, tenant, System.currentTimeMillis() * 1_000_000L);
  }

  /**
   * @param receivedTimeUnixNano the observed time of records that carry neither timestamp
   */
  public static MappedBatch<LogRecord> map(
      ExportLogsServiceRequest request, String tenant, long receivedTimeUnixNano) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(tenant, "tenant");
    Rejections rejections = new Rejections("log record", "log records");
    List<LogRecord> out = new ArrayList<>(countRecords(request));
    for (int r = 0; r < request.getResourceLogsCount(); r++) {
      ResourceLogs rl = request.getResourceLogs(r);
      Resource resource = OtlpCommon.resource(rl.getResource(), rl.getSchemaUrl());
      for (int s = 0; s < rl.getScopeLogsCount(); s++) {
        ScopeLogs sl = rl.getScopeLogs(s);
        InstrumentationScope scope = OtlpCommon.scope(sl.getScope(), sl.getSchemaUrl());
        for (int i = 0; i < sl.getLogRecordsCount(); i++) {
          io.opentelemetry.proto.logs.v1.LogRecord record = sl.getLogRecords(i);
          String problem = problem(record);
          if (problem != null) {
            int fr = r;
            int fs = s;
            int fi = i;
            rejections.reject(
                1,
                () -> "resourceLogs[" + fr + "].scopeLogs[" + fs + "].logRecords[" + fi + "]",
                problem);
          } else {
            out.add(toLogRecord(record, tenant, resource, scope, receivedTimeUnixNano));
          }
        }
      }
    }
    return new MappedBatch<>(out, rejections.count(), rejections.message());
  }

  private static int countRecords(ExportLogsServiceRequest request) {
    int n = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) n += sl.getLogRecordsCount();
    }
    return n;
  }

  /** Why {@code record} is rejected, or null when it is valid. */
  static @Nullable String problem(io.opentelemetry.proto.logs.v1.LogRecord record) {
    String p =
        OtlpCommon.optionalIdProblem(record, "traceId", record.getTraceId(), Ids.TRACE_ID_BYTES);
    if (p != null) return p;
    p = OtlpCommon.optionalIdProblem(record, "spanId", record.getSpanId(), Ids.SPAN_ID_BYTES);
    if (p != null) return p;
    if (isValid(record.getSpanId(), Ids.SPAN_ID_BYTES)
        && !isValid(record.getTraceId(), Ids.TRACE_ID_BYTES)) {
      return "spanId is set but traceId is not";
    }
    return null;
  }

  private static LogRecord toLogRecord(
      io.opentelemetry.proto.logs.v1.LogRecord l,
      String tenant,
      Resource resource,
      InstrumentationScope scope,
      long receivedTimeUnixNano) {
    long time = l.getTimeUnixNano();
    long observed = l.getObservedTimeUnixNano();
    if (time == 0 && observed == 0) observed = receivedTimeUnixNano;
    return new LogRecord(
        tenant,
        time,
        observed,
        l.getSeverityNumberValue(),
        l.getSeverityText(),
        l.hasBody() ? OtlpCommon.anyValue(l.getBody()) : AnyValue.EmptyValue.INSTANCE,
        attributes(l.getAttributesList()),
        l.getDroppedAttributesCount(),
        l.getFlags(),
        hexOrEmpty(l.getTraceId(), Ids.TRACE_ID_BYTES),
        hexOrEmpty(l.getSpanId(), Ids.SPAN_ID_BYTES),
        l.getEventName(),
        resource,
        scope);
  }
}
