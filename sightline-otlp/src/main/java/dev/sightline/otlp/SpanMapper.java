package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpCommon.attributes;
import static dev.sightline.otlp.OtlpCommon.hex;
import static dev.sightline.otlp.OtlpCommon.hexOrEmpty;
import static dev.sightline.otlp.OtlpCommon.isValid;

import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.model.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validates the spans of an OTLP trace export request and maps the valid ones to {@link Span}.
 *
 * <p>A span is rejected (counted in {@code rejected_spans}) when its {@code traceId} is not 16
 * bytes or is all zeros, its {@code spanId} is not 8 bytes or is all zeros, its {@code
 * parentSpanId} is neither empty nor 8 bytes, an id was not hex in OTLP/JSON, {@code
 * startTimeUnixNano} is not positive, or {@code endTimeUnixNano} is before it. An all-zero {@code
 * parentSpanId} means "no parent". A link whose ids are invalid is dropped from its span and
 * counted in the span's {@code droppedLinksCount}; the span is kept.
 */
public final class SpanMapper {
  private SpanMapper() {}

  public static MappedBatch<Span> map(ExportTraceServiceRequest request, String tenant) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(tenant, "tenant");
    Rejections rejections = new Rejections("span", "spans");
    List<Span> out = new ArrayList<>(countSpans(request));
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans rs = request.getResourceSpans(r);
      Resource resource = OtlpCommon.resource(rs.getResource(), rs.getSchemaUrl());
      for (int s = 0; s < rs.getScopeSpansCount(); s++) {
        ScopeSpans ss = rs.getScopeSpans(s);
        InstrumentationScope scope = OtlpCommon.scope(ss.getScope(), ss.getSchemaUrl());
        for (int i = 0; i < ss.getSpansCount(); i++) {
          io.opentelemetry.proto.trace.v1.Span span = ss.getSpans(i);
          String problem = problem(span);
          if (problem != null) {
            int fr = r;
            int fs = s;
            int fi = i;
            rejections.reject(
                1,
                () -> "resourceSpans[" + fr + "].scopeSpans[" + fs + "].spans[" + fi + "]",
                problem);
          } else {
            out.add(toSpan(span, tenant, resource, scope));
          }
        }
      }
    }
    return new MappedBatch<>(out, rejections.count(), rejections.message());
  }

  private static int countSpans(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) n += ss.getSpansCount();
    }
    return n;
  }

  /** Why {@code span} is rejected, or null when it is valid. */
  static @Nullable String problem(io.opentelemetry.proto.trace.v1.Span span) {
    String p = OtlpCommon.requiredIdProblem(span, "traceId", span.getTraceId(), Ids.TRACE_ID_BYTES);
    if (p != null) return p;
    p = OtlpCommon.requiredIdProblem(span, "spanId", span.getSpanId(), Ids.SPAN_ID_BYTES);
    if (p != null) return p;
    p =
        OtlpCommon.optionalIdProblem(
            span, "parentSpanId", span.getParentSpanId(), Ids.SPAN_ID_BYTES);
    if (p != null) return p;
    return timeProblem(span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
  }

  /** Why a span's times are unacceptable, or null; shared with {@link ProtobufSpanDecoder}. */
  static @Nullable String timeProblem(long start, long end) {
    if (start == 0) return "startTimeUnixNano must be set";
    if (start < 0) return "startTimeUnixNano is out of range: " + Long.toUnsignedString(start);
    if (end < start) {
      return "endTimeUnixNano ("
          + Long.toUnsignedString(end)
          + ") is before startTimeUnixNano ("
          + start
          + ")";
    }
    return null;
  }

  private static Span toSpan(
      io.opentelemetry.proto.trace.v1.Span s,
      String tenant,
      Resource resource,
      InstrumentationScope scope) {
    List<SpanEvent> events = List.of();
    int eventCount = s.getEventsCount();
    if (eventCount > 0) {
      events = new ArrayList<>(eventCount);
      for (int i = 0; i < eventCount; i++) {
        io.opentelemetry.proto.trace.v1.Span.Event e = s.getEvents(i);
        events.add(
            new SpanEvent(
                e.getTimeUnixNano(),
                e.getName(),
                attributes(e.getAttributesList()),
                e.getDroppedAttributesCount()));
      }
    }
    List<SpanLink> links = List.of();
    int droppedLinks = s.getDroppedLinksCount();
    int linkCount = s.getLinksCount();
    if (linkCount > 0) {
      links = new ArrayList<>(linkCount);
      for (int i = 0; i < linkCount; i++) {
        io.opentelemetry.proto.trace.v1.Span.Link l = s.getLinks(i);
        if (!isValid(l.getTraceId(), Ids.TRACE_ID_BYTES)
            || !isValid(l.getSpanId(), Ids.SPAN_ID_BYTES)) {
          droppedLinks++;
          continue;
        }
        links.add(
            new SpanLink(
                hex(l.getTraceId()),
                hex(l.getSpanId()),
                l.getTraceState(),
                attributes(l.getAttributesList()),
                l.getDroppedAttributesCount(),
                l.getFlags()));
      }
    }
    Status status = s.getStatus();
    return new Span(
        tenant,
        hex(s.getTraceId()),
        hex(s.getSpanId()),
        hexOrEmpty(s.getParentSpanId(), Ids.SPAN_ID_BYTES),
        s.getTraceState(),
        s.getFlags(),
        s.getName(),
        SpanKind.fromNumber(s.getKindValue()),
        s.getStartTimeUnixNano(),
        s.getEndTimeUnixNano(),
        attributes(s.getAttributesList()),
        s.getDroppedAttributesCount(),
        events,
        s.getDroppedEventsCount(),
        links,
        droppedLinks,
        StatusCode.fromNumber(status.getCodeValue()),
        status.getMessage(),
        resource,
        scope);
  }
}
