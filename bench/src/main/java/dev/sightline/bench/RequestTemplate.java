package dev.sightline.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A serialized {@code ExportTraceServiceRequest} and the byte offsets of every trace id, span id,
 * parent span id and timestamp in it, found once by walking the protobuf wire format. {@link
 * #stamp} turns it into a fresh request at the cost of a byte copy and a few thousand small writes:
 * every trace gets a new unique id, span ids are re-keyed by the trace id (XOR, so parent links
 * stay intact), and all timestamps move by the same shift.
 */
final class RequestTemplate {
  private static final VarHandle BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] bytes;
  private final int spans;

  /** Spans of each trace, in trace order. */
  private final int[] spansPerTrace;

  /** Offset of a 16-byte trace id, and the trace it belongs to (parallel arrays). */
  private final int[] traceIdOffsets;

  private final int[] traceIdTrace;

  /** Offset of an 8-byte span or parent span id, and its trace. */
  private final int[] spanIdOffsets;

  private final int[] spanIdTrace;

  /** Offset of a fixed64 timestamp (span start/end, event time). */
  private final int[] timeOffsets;

  private RequestTemplate(
      byte[] bytes,
      int[] spansPerTrace,
      int[] traceIdOffsets,
      int[] traceIdTrace,
      int[] spanIdOffsets,
      int[] spanIdTrace,
      int[] timeOffsets) {
    this.bytes = bytes;
    this.spansPerTrace = spansPerTrace;
    this.spans = Arrays.stream(spansPerTrace).sum();
    this.traceIdOffsets = traceIdOffsets;
    this.traceIdTrace = traceIdTrace;
    this.spanIdOffsets = spanIdOffsets;
    this.spanIdTrace = spanIdTrace;
    this.timeOffsets = timeOffsets;
  }

  int spans() {
    return spans;
  }

  int traces() {
    return spansPerTrace.length;
  }

  int spansOfTrace(int trace) {
    return spansPerTrace[trace];
  }

  int size() {
    return bytes.length;
  }

  /** The request this template was made from (placeholder ids and times). */
  ExportTraceServiceRequest request() {
    try {
      return ExportTraceServiceRequest.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A fresh request body: trace {@code i} of this template gets the id of sequence number {@code
   * firstTrace + i}; timestamps move by {@code shiftNanos}.
   */
  byte[] stamp(TraceIds ids, long firstTrace, long shiftNanos) {
    byte[] out = bytes.clone();
    int n = spansPerTrace.length;
    long[] high = new long[n];
    long[] low = new long[n];
    for (int t = 0; t < n; t++) {
      high[t] = ids.high(firstTrace + t);
      low[t] = ids.low(firstTrace + t);
    }
    for (int i = 0; i < traceIdOffsets.length; i++) {
      int at = traceIdOffsets[i];
      int t = traceIdTrace[i];
      BIG_ENDIAN.set(out, at, high[t]);
      BIG_ENDIAN.set(out, at + 8, low[t]);
    }
    for (int i = 0; i < spanIdOffsets.length; i++) {
      int at = spanIdOffsets[i];
      long id = (long) BIG_ENDIAN.get(out, at) ^ low[spanIdTrace[i]];
      BIG_ENDIAN.set(out, at, id == 0 ? 1 : id);
    }
    for (int at : timeOffsets) {
      LITTLE_ENDIAN.set(out, at, (long) LITTLE_ENDIAN.get(out, at) + shiftNanos);
    }
    return out;
  }

  /** Serializes {@code request} and locates its ids and timestamps. */
  static RequestTemplate of(ExportTraceServiceRequest request) {
    byte[] bytes = request.toByteArray();
    Walker w = new Walker(bytes);
    w.request(0, bytes.length);
    int[] spansPerTrace = new int[w.traceIndex.size()];
    for (int i = 0; i < w.traceIdTrace.size(); i++) spansPerTrace[w.traceIdTrace.get(i)]++;
    RequestTemplate t =
        new RequestTemplate(
            bytes,
            spansPerTrace,
            toArray(w.traceIdOffsets),
            toArray(w.traceIdTrace),
            toArray(w.spanIdOffsets),
            toArray(w.spanIdTrace),
            toArray(w.timeOffsets));
    if (t.spans
        != request.getResourceSpansList().stream()
            .flatMap(r -> r.getScopeSpansList().stream())
            .mapToInt(s -> s.getSpansCount())
            .sum()) {
      throw new IllegalStateException("wire walk found a different span count");
    }
    return t;
  }

  private static int[] toArray(List<Integer> list) {
    int[] a = new int[list.size()];
    for (int i = 0; i < a.length; i++) a[i] = list.get(i);
    return a;
  }

  /** Walks ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span (→ Event). */
  private static final class Walker {
    final byte[] b;
    int pos;
    final Map<String, Integer> traceIndex = new HashMap<>();
    final List<Integer> traceIdOffsets = new ArrayList<>();
    final List<Integer> traceIdTrace = new ArrayList<>();
    final List<Integer> spanIdOffsets = new ArrayList<>();
    final List<Integer> spanIdTrace = new ArrayList<>();
    final List<Integer> timeOffsets = new ArrayList<>();

    Walker(byte[] b) {
      this.b = b;
    }

    void request(int start, int end) {
      fields(
          start,
          end,
          (field, type, valueStart, valueEnd) -> {
            if (field == 1 && type == 2) resourceSpans(valueStart, valueEnd);
          });
    }

    void resourceSpans(int start, int end) {
      fields(
          start,
          end,
          (field, type, valueStart, valueEnd) -> {
            if (field == 2 && type == 2) scopeSpans(valueStart, valueEnd);
          });
    }

    void scopeSpans(int start, int end) {
      fields(
          start,
          end,
          (field, type, valueStart, valueEnd) -> {
            if (field == 2 && type == 2) span(valueStart, valueEnd);
          });
    }

    void span(int start, int end) {
      int[] traceId = {-1};
      List<Integer> ids = new ArrayList<>();
      fields(
          start,
          end,
          (field, type, valueStart, valueEnd) -> {
            if (field == 1 && type == 2) {
              check(valueEnd - valueStart == 16, "trace id length");
              traceId[0] = valueStart;
            } else if ((field == 2 || field == 4) && type == 2) {
              check(valueEnd - valueStart == 8, "span id length");
              ids.add(valueStart);
            } else if ((field == 7 || field == 8) && type == 1) {
              timeOffsets.add(valueStart);
            } else if (field == 11 && type == 2) {
              event(valueStart, valueEnd);
            }
          });
      check(traceId[0] >= 0, "span without trace id");
      String key = new String(b, traceId[0], 16, java.nio.charset.StandardCharsets.ISO_8859_1);
      int trace = traceIndex.computeIfAbsent(key, k -> traceIndex.size());
      traceIdOffsets.add(traceId[0]);
      traceIdTrace.add(trace);
      for (int at : ids) {
        spanIdOffsets.add(at);
        spanIdTrace.add(trace);
      }
    }

    void event(int start, int end) {
      fields(
          start,
          end,
          (field, type, valueStart, valueEnd) -> {
            if (field == 1 && type == 1) timeOffsets.add(valueStart);
          });
    }

    interface FieldVisitor {
      void field(int field, int type, int valueStart, int valueEnd);
    }

    /** Visits the fields of the message in {@code [start, end)}. */
    void fields(int start, int end, FieldVisitor visitor) {
      int p = start;
      while (p < end) {
        pos = p;
        long tag = varint();
        int field = (int) (tag >>> 3);
        int type = (int) (tag & 7);
        int valueStart;
        int valueEnd;
        switch (type) {
          case 0 -> {
            varint();
            valueStart = p;
            valueEnd = pos;
          }
          case 1 -> {
            valueStart = pos;
            valueEnd = pos + 8;
          }
          case 2 -> {
            int length = (int) varint();
            valueStart = pos;
            valueEnd = pos + length;
          }
          case 5 -> {
            valueStart = pos;
            valueEnd = pos + 4;
          }
          default -> throw new IllegalStateException("unexpected wire type " + type);
        }
        check(valueEnd <= end, "field overruns its message");
        visitor.field(field, type, valueStart, valueEnd);
        p = valueEnd;
      }
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b[pos++];
        result |= (long) (x & 0x7f) << shift;
        if (x >= 0) return result;
      }
      throw new IllegalStateException("malformed varint");
    }

    static void check(boolean ok, String what) {
      if (!ok) throw new IllegalStateException("template wire walk: " + what);
    }
  }
}
