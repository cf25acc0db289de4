package dev.sightline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What the receiver relies on when it turns a request body into a batch, checked by the fuzz tests
 * on any input: decoding either succeeds or throws {@link OtlpDecodeException} with a message (HTTP
 * 400 / gRPC INVALID_ARGUMENT), never anything else (HTTP 500); mapping a decoded request never
 * throws, accounts for every item (stored + rejected = sent) and explains each rejection; the
 * export response can be built and encoded.
 */
final class OtlpDecodeContract {
  /** The fuzz input's first byte picks the signal ({@code '0'} traces, {@code '1'} metrics...). */
  enum Signal {
    TRACES,
    METRICS,
    LOGS;

    static Signal of(byte selector) {
      return values()[Math.floorMod(selector, 3)];
    }
  }

  private OtlpDecodeContract() {}

  /** The body after the selector byte. */
  static byte[] body(byte[] input) {
    return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
  }

  /**
   * Decodes as {@code json} or protobuf and checks the contract; returns the decoded request, or
   * null when the body was rejected as a whole.
   */
  static @Nullable Message decodeAndMap(Signal signal, byte[] body, boolean json) {
    Message request;
    try {
      request =
          switch (signal) {
            case TRACES -> json ? OtlpJson.decodeTraces(body) : OtlpProtobuf.decodeTraces(body);
            case METRICS -> json ? OtlpJson.decodeMetrics(body) : OtlpProtobuf.decodeMetrics(body);
            case LOGS -> json ? OtlpJson.decodeLogs(body) : OtlpProtobuf.decodeLogs(body);
          };
    } catch (OtlpDecodeException e) {
      assertThat(e.getMessage()).as("the 400 response's message").isNotBlank();
      return null;
    }
    checkMapping(request);
    return request;
  }

  static void checkMapping(Message request) {
    MappedBatch<?> batch;
    long sent;
    Message response;
    if (request instanceof ExportTraceServiceRequest r) {
      batch = SpanMapper.map(r, "fuzz");
      sent = spans(r);
      response = OtlpResponses.traceResponse(batch);
    } else if (request instanceof ExportMetricsServiceRequest r) {
      batch = MetricPointMapper.map(r, "fuzz");
      sent = points(r);
      response = OtlpResponses.metricsResponse(batch);
    } else {
      ExportLogsServiceRequest r = (ExportLogsServiceRequest) request;
      batch = LogRecordMapper.map(r, "fuzz");
      sent = logs(r);
      response = OtlpResponses.logsResponse(batch);
    }
    assertThat(batch.items().size() + batch.rejected()).as("stored + rejected").isEqualTo(sent);
    assertThat(batch.errorMessage().isEmpty())
        .as("an error message exactly when something was rejected: " + batch.errorMessage())
        .isEqualTo(batch.rejected() == 0);
    assertThat(OtlpResponses.toJson(response)).isNotEmpty();
    response.toByteArray();
  }

  private static long spans(ExportTraceServiceRequest r) {
    long n = 0;
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) n += ss.getSpansCount();
    }
    return n;
  }

  private static long logs(ExportLogsServiceRequest r) {
    long n = 0;
    for (ResourceLogs rl : r.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) n += sl.getLogRecordsCount();
    }
    return n;
  }

  private static long points(ExportMetricsServiceRequest r) {
    long n = 0;
    for (ResourceMetrics rm : r.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n +=
              switch (m.getDataCase()) {
                case GAUGE -> m.getGauge().getDataPointsCount();
                case SUM -> m.getSum().getDataPointsCount();
                case HISTOGRAM -> m.getHistogram().getDataPointsCount();
                case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
                case SUMMARY -> m.getSummary().getDataPointsCount();
                case DATA_NOT_SET -> 0;
              };
        }
      }
    }
    return n;
  }
}
