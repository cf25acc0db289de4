package dev.sightline.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The log records that go with one {@link RequestTemplate}: a serialized {@code
 * ExportLogsServiceRequest} whose records carry the trace and span ids (placeholders) and the
 * resource and scope of spans of that template, with times inside the span. {@link #stamp} applies
 * the same id re-keying and time shift as {@link RequestTemplate#stamp}, so each log record stays
 * correlated with its span in the stored data.
 *
 * <p>Severity and body follow the span: ERROR with the exception for a failing leaf, WARN for
 * failed ancestors and slow spans (over 300 ms), INFO for requests handled, internal work and
 * messages published (the bodies name user, order and message ids), DEBUG for outgoing calls and
 * database queries.
 */
final class LogTemplate {
  private static final VarHandle BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] bytes;
  private final int records;
  private final int[] traceIdOffsets;
  private final int[] spanIdOffsets;

  /** The trace (index in the span template) of each record; parallel to the id offsets. */
  private final int[] recordTrace;

  private final int[] timeOffsets;

  private LogTemplate(
      byte[] bytes, int[] traceIdOffsets, int[] spanIdOffsets, int[] recordTrace, int[] times) {
    this.bytes = bytes;
    this.records = recordTrace.length;
    this.traceIdOffsets = traceIdOffsets;
    this.spanIdOffsets = spanIdOffsets;
    this.recordTrace = recordTrace;
    this.timeOffsets = times;
  }

  int records() {
    return records;
  }

  /** The log request of the spans stamped by {@code RequestTemplate.stamp(ids, firstTrace, …)}. */
  byte[] stamp(TraceIds ids, long firstTrace, long shiftNanos) {
    byte[] out = bytes.clone();
    for (int i = 0; i < records; i++) {
      long sequence = firstTrace + recordTrace[i];
      long low = ids.low(sequence);
      BIG_ENDIAN.set(out, traceIdOffsets[i], ids.high(sequence));
      BIG_ENDIAN.set(out, traceIdOffsets[i] + 8, low);
      int at = spanIdOffsets[i];
      long id = (long) BIG_ENDIAN.get(out, at) ^ low;
      BIG_ENDIAN.set(out, at, id == 0 ? 1 : id);
    }
    for (int at : timeOffsets) {
      LITTLE_ENDIAN.set(out, at, (long) LITTLE_ENDIAN.get(out, at) + shiftNanos);
    }
    return out;
  }

  /**
   * Log records for the spans of {@code spans} (the request a {@link RequestTemplate} was made
   * from): {@code logsPerSpan} on average per span (a whole part for each span, plus one more with
   * the probability of the fraction).
   */
  static LogTemplate of(ExportTraceServiceRequest spans, double logsPerSpan, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    // trace index in first-seen order of the spans, as RequestTemplate's wire walk numbers them
    Map<ByteString, Integer> traceIndex = new HashMap<>();
    Map<Resource, Map<InstrumentationScope, List<LogRecord>>> grouped = new LinkedHashMap<>();
    int whole = (int) Math.floor(logsPerSpan);
    double fraction = logsPerSpan - whole;
    for (ResourceSpans rs : spans.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          traceIndex.computeIfAbsent(span.getTraceId(), k -> traceIndex.size());
          int n = whole + (random.nextDouble() < fraction ? 1 : 0);
          for (int i = 0; i < n; i++) {
            grouped
                .computeIfAbsent(rs.getResource(), r -> new LinkedHashMap<>())
                .computeIfAbsent(ss.getScope(), s -> new ArrayList<>())
                .add(record(span, i, random));
          }
        }
      }
    }
    // records are serialized grouped by resource and scope, in that order
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    List<Integer> recordTrace = new ArrayList<>();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(resource);
          scopes.forEach(
              (scope, list) -> {
                rl.addScopeLogs(ScopeLogs.newBuilder().setScope(scope).addAllLogRecords(list));
                for (LogRecord r : list) recordTrace.add(traceIndex.get(r.getTraceId()));
              });
          request.addResourceLogs(rl);
        });
    return locate(request.build().toByteArray(), recordTrace);
  }

  /** Finds the id and time offsets of each record, walking the wire format in record order. */
  private static LogTemplate locate(byte[] bytes, List<Integer> recordTrace) {
    int n = recordTrace.size();
    int[] traceIds = new int[n];
    int[] spanIds = new int[n];
    List<Integer> times = new ArrayList<>();
    int[] next = {0};
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      // ExportLogsServiceRequest.resource_logs = 1 → ScopeLogs = 2 → LogRecord = 2
      walk(
          in,
          bytes.length,
          1,
          rl ->
              walk(
                  in,
                  rl,
                  2,
                  sl ->
                      walk(
                          in,
                          sl,
                          2,
                          record -> {
                            int i = next[0]++;
                            int end = in.getTotalBytesRead() + record;
                            while (in.getTotalBytesRead() < end) {
                              int tag = in.readTag();
                              int field = tag >>> 3;
                              int type = tag & 7;
                              if ((field == 1 || field == 11) && type == 1) {
                                times.add(in.getTotalBytesRead());
                                in.readFixed64();
                              } else if (field == 9 && type == 2) {
                                int length = in.readRawVarint32();
                                check(length == 16, "trace id length");
                                traceIds[i] = in.getTotalBytesRead();
                                in.skipRawBytes(length);
                              } else if (field == 10 && type == 2) {
                                int length = in.readRawVarint32();
                                check(length == 8, "span id length");
                                spanIds[i] = in.getTotalBytesRead();
                                in.skipRawBytes(length);
                              } else {
                                in.skipField(tag);
                              }
                            }
                          })));
    } catch (IOException e) {
      throw new IllegalStateException("log template wire walk", e);
    }
    check(next[0] == n, "record count");
    int[] traces = recordTrace.stream().mapToInt(Integer::intValue).toArray();
    int[] timeArray = times.stream().mapToInt(Integer::intValue).toArray();
    return new LogTemplate(bytes, traceIds, spanIds, traces, timeArray);
  }

  private interface Nested {
    void visit(int length) throws IOException;
  }

  /** Visits each length-delimited field {@code wanted} of the message of {@code length} bytes. */
  private static void walk(CodedInputStream in, int length, int wanted, Nested nested)
      throws IOException {
    int end = in.getTotalBytesRead() + length;
    while (in.getTotalBytesRead() < end) {
      int tag = in.readTag();
      if ((tag >>> 3) == wanted && (tag & 7) == 2) {
        int len = in.readRawVarint32();
        int start = in.getTotalBytesRead();
        nested.visit(len);
        check(in.getTotalBytesRead() == start + len, "nested message length");
      } else {
        in.skipField(tag);
      }
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new IllegalStateException("log template wire walk: " + what);
  }

  // ---- one record ----

  private static LogRecord record(Span span, int nth, SplittableRandom random) {
    Map<String, AnyValue> attrs = new HashMap<>();
    for (KeyValue kv : span.getAttributesList()) attrs.put(kv.getKey(), kv.getValue());
    long start = span.getStartTimeUnixNano();
    long duration = Math.max(1, span.getEndTimeUnixNano() - start);
    long millis = duration / 1_000_000;
    boolean error = span.getStatus().getCode().getNumber() == 2;
    String severity;
    String body;
    if (nth == 0 && error && span.getEventsCount() > 0) {
      Map<String, String> e = new HashMap<>();
      for (KeyValue kv : span.getEvents(0).getAttributesList()) {
        e.put(kv.getKey(), kv.getValue().getStringValue());
      }
      severity = "ERROR";
      body =
          String.format(
              Locale.ROOT,
              "%s failed: %s: %s",
              span.getName(),
              e.getOrDefault("exception.type", "Exception"),
              e.getOrDefault("exception.message", span.getStatus().getMessage()));
    } else if (nth == 0 && error) {
      severity = "WARN";
      body =
          String.format(
              Locale.ROOT,
              "%s failed after %d ms: %s",
              span.getName(),
              millis,
              span.getStatus().getMessage());
    } else if (nth == 0 && millis > 300) {
      severity = "WARN";
      body =
          String.format(
              Locale.ROOT, "slow %s: took %d ms (threshold 300 ms)", span.getName(), millis);
    } else {
      String[] sb = ordinary(span, attrs, millis);
      severity = sb[0];
      body = sb[1];
    }
    SeverityNumber number =
        switch (severity) {
          case "ERROR" -> SeverityNumber.SEVERITY_NUMBER_ERROR;
          case "WARN" -> SeverityNumber.SEVERITY_NUMBER_WARN;
          case "DEBUG" -> SeverityNumber.SEVERITY_NUMBER_DEBUG;
          default -> SeverityNumber.SEVERITY_NUMBER_INFO;
        };
    long time = start + (long) (duration * random.nextDouble());
    LogRecord.Builder r =
        LogRecord.newBuilder()
            .setTimeUnixNano(time)
            .setObservedTimeUnixNano(time + 1_000_000L + random.nextInt(5_000_000))
            .setSeverityNumber(number)
            .setSeverityText(severity)
            .setBody(AnyValue.newBuilder().setStringValue(body))
            .setTraceId(span.getTraceId())
            .setSpanId(span.getSpanId())
            .setFlags(1);
    AnyValue tenant = attrs.get("tenant.id");
    if (tenant != null) r.addAttributes(KeyValue.newBuilder().setKey("tenant.id").setValue(tenant));
    AnyValue thread = attrs.get("thread.name");
    r.addAttributes(
        KeyValue.newBuilder()
            .setKey("thread.name")
            .setValue(
                thread != null ? thread : AnyValue.newBuilder().setStringValue("main").build()));
    return r.build();
  }

  /** {severity, body} of a span that neither failed nor was slow. */
  private static String[] ordinary(Span span, Map<String, AnyValue> a, long millis) {
    String name = span.getName();
    switch (span.getKind()) {
      case SPAN_KIND_SERVER -> {
        if (a.containsKey("http.route")) {
          return new String[] {
            "INFO",
            String.format(
                Locale.ROOT,
                "%s %s -> %d in %d ms",
                str(a, "http.request.method"),
                str(a, "url.path"),
                a.get("http.response.status_code").getIntValue(),
                millis)
          };
        }
        return new String[] {
          "INFO",
          String.format(
              Locale.ROOT, "handled %s for %s in %d ms", name, str(a, "enduser.id"), millis)
        };
      }
      case SPAN_KIND_CLIENT -> {
        if (a.containsKey("db.system")) {
          return new String[] {
            "DEBUG",
            String.format(
                Locale.ROOT,
                "%s %s on %s returned %d rows in %d ms",
                str(a, "db.system"),
                str(a, "db.operation.name"),
                str(a, "db.collection.name"),
                a.get("db.response.returned_rows").getIntValue(),
                millis)
          };
        }
        return new String[] {
          "DEBUG",
          String.format(
              Locale.ROOT,
              "calling %s %s request_id=%s",
              str(a, "server.address"),
              str(a, "rpc.method"),
              str(a, "request.id"))
        };
      }
      case SPAN_KIND_PRODUCER -> {
        return new String[] {
          "INFO",
          String.format(
              Locale.ROOT,
              "published message %s to %s",
              str(a, "messaging.message.id"),
              str(a, "messaging.destination.name"))
        };
      }
      default -> {
        return new String[] {
          "INFO",
          String.format(
              Locale.ROOT,
              "%s done for order %s: %d items, total %.2f %s, cache %s",
              name,
              str(a, "app.order.id"),
              a.get("app.items.count").getIntValue(),
              a.get("app.order.total").getDoubleValue(),
              str(a, "app.currency"),
              a.get("app.cache.hit").getBoolValue() ? "hit" : "miss")
        };
      }
    }
  }

  private static String str(Map<String, AnyValue> a, String key) {
    AnyValue v = a.get(key);
    return v == null ? "-" : v.getStringValue();
  }
}
