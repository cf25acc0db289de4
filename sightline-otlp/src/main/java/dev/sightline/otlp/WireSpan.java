package dev.sightline.otlp;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.model.StatusCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code trace.v1.Span} read from the wire by {@link ProtobufSpanDecoder}, with the checks and
 * the mapping of {@link SpanMapper}. It is kept until its {@code ResourceSpans} ends, because the
 * resource, the scope and their schema URLs may still arrive (or merge) after the spans.
 *
 * <p>Scalars are last-wins, repeated fields append and {@code status} merges, as in protobuf-java.
 * Ids stay (offset, length) in the request body until the span is mapped. Fields with number {@link
 * InvalidIds#FIELD_NUMBER} are kept too: in a parsed message they are unknown fields that {@link
 * InvalidIds#find} reads, so a protobuf body carrying one must be rejected the same way.
 */
final class WireSpan {
  /** The tag of a length-delimited {@link InvalidIds#FIELD_NUMBER} field. */
  private static final int MARKER_TAG = (InvalidIds.FIELD_NUMBER << 3) | 2;

  private int traceIdOffset;
  private int traceIdLength;
  private int spanIdOffset;
  private int spanIdLength;
  private int parentOffset;
  private int parentLength;
  private String traceState = "";
  private int flags;
  private String name = "";
  private int kind;
  private long start;
  private long end;
  private Attributes.@Nullable Builder attributes;
  private int droppedAttributesCount;
  private @Nullable List<SpanEvent> events;
  private int droppedEventsCount;
  private @Nullable List<SpanLink> links;
  private int invalidLinks;
  private int droppedLinksCount;
  private int statusCode;
  private String statusMessage = "";

  /** (offset, length) pairs of {@link InvalidIds} markers; usually none. */
  private int @Nullable [] markers;

  private int markerCount;

  private WireSpan() {}

  /** Reads a {@code spans} element; its tag was just read. */
  static WireSpan read(WireReader r, WireValues values) throws IOException {
    WireSpan span = new WireSpan();
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) span.field(tag, r, values);
    r.endMessage(limit);
    return span;
  }

  private void field(int tag, WireReader r, WireValues values) throws IOException {
    switch (tag) {
      case 10 -> {
        traceIdOffset = r.skipBytes();
        traceIdLength = r.lastLength();
      }
      case 18 -> {
        spanIdOffset = r.skipBytes();
        spanIdLength = r.lastLength();
      }
      case 26 -> traceState = r.readString();
      case 34 -> {
        parentOffset = r.skipBytes();
        parentLength = r.lastLength();
      }
      case 42 -> name = r.readString();
      case 48 -> kind = r.readVarint32();
      case 57 -> start = r.readFixed64();
      case 65 -> end = r.readFixed64();
      case 74 -> attributes = values.keyValue(attributes);
      case 80 -> droppedAttributesCount = r.readVarint32();
      case 90 -> event(r, values);
      case 96 -> droppedEventsCount = r.readVarint32();
      case 106 -> link(r, values);
      case 112 -> droppedLinksCount = r.readVarint32();
      case 122 -> status(r);
      case 133 -> flags = r.readFixed32(); // field 16, fixed32
      case MARKER_TAG -> marker(r.skipBytes(), r.lastLength());
      default -> r.skipUnknown(tag);
    }
  }

  private void event(WireReader r, WireValues values) throws IOException {
    int limit = r.beginMessage();
    long time = 0;
    String eventName = "";
    Attributes.Builder eventAttributes = null;
    int dropped = 0;
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 9 -> time = r.readFixed64();
        case 18 -> eventName = r.readString();
        case 26 -> eventAttributes = values.keyValue(eventAttributes);
        case 32 -> dropped = r.readVarint32();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
    if (events == null) events = new ArrayList<>();
    events.add(new SpanEvent(time, eventName, WireValues.build(eventAttributes), dropped));
  }

  /** Maps a link, or counts it in {@code droppedLinksCount} when its ids are invalid. */
  private void link(WireReader r, WireValues values) throws IOException {
    int limit = r.beginMessage();
    int traceOffset = 0;
    int traceLength = 0;
    int spanOffset = 0;
    int spanLength = 0;
    String linkTraceState = "";
    Attributes.Builder linkAttributes = null;
    int dropped = 0;
    int linkFlags = 0;
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10 -> {
          traceOffset = r.skipBytes();
          traceLength = r.lastLength();
        }
        case 18 -> {
          spanOffset = r.skipBytes();
          spanLength = r.lastLength();
        }
        case 26 -> linkTraceState = r.readString();
        case 34 -> linkAttributes = values.keyValue(linkAttributes);
        case 40 -> dropped = r.readVarint32();
        case 53 -> linkFlags = r.readFixed32();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
    if (!r.isValidId(traceOffset, traceLength, Ids.TRACE_ID_BYTES)
        || !r.isValidId(spanOffset, spanLength, Ids.SPAN_ID_BYTES)) {
      invalidLinks++;
      return;
    }
    if (links == null) links = new ArrayList<>();
    links.add(
        new SpanLink(
            r.hex(traceOffset, traceLength),
            r.hex(spanOffset, spanLength),
            linkTraceState,
            WireValues.build(linkAttributes),
            dropped,
            linkFlags));
  }

  /** A second {@code status} field merges into the first: each scalar is last-wins. */
  private void status(WireReader r) throws IOException {
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 18 -> statusMessage = r.readString();
        case 24 -> statusCode = r.readVarint32();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  private void marker(int offset, int length) {
    if (markers == null) markers = new int[4];
    if (2 * markerCount + 2 > markers.length) markers = Arrays.copyOf(markers, markers.length * 2);
    markers[2 * markerCount] = offset;
    markers[2 * markerCount + 1] = length;
    markerCount++;
  }

  /** Why this span is rejected, or null when it is valid: {@code SpanMapper.problem}'s rules. */
  @Nullable String problem(WireReader r) {
    if (!r.isValidId(traceIdOffset, traceIdLength, Ids.TRACE_ID_BYTES)) {
      return OtlpCommon.invalidRequiredId(
          "traceId", traceIdLength, Ids.TRACE_ID_BYTES, notHex(r, "traceId"));
    }
    if (!r.isValidId(spanIdOffset, spanIdLength, Ids.SPAN_ID_BYTES)) {
      return OtlpCommon.invalidRequiredId(
          "spanId", spanIdLength, Ids.SPAN_ID_BYTES, notHex(r, "spanId"));
    }
    if (parentLength != Ids.SPAN_ID_BYTES) {
      String notHex = parentLength == 0 ? notHex(r, "parentSpanId") : null;
      String p =
          OtlpCommon.invalidOptionalId("parentSpanId", parentLength, Ids.SPAN_ID_BYTES, notHex);
      if (p != null) return p;
    }
    return SpanMapper.timeProblem(start, end);
  }

  /** The first marker for {@code jsonName}, as {@link InvalidIds#find} would return it. */
  private @Nullable String notHex(WireReader r, String jsonName) {
    for (int i = 0; i < markerCount; i++) {
      String marker = r.utf8(markers[2 * i], markers[2 * i + 1]);
      String original = InvalidIds.originalIn(marker, jsonName);
      if (original != null) return original;
    }
    return null;
  }

  /** The stored span; call only when {@link #problem} is null. */
  Span toSpan(WireReader r, String tenant, Resource resource, InstrumentationScope scope) {
    String parent =
        r.isValidId(parentOffset, parentLength, Ids.SPAN_ID_BYTES)
            ? r.hex(parentOffset, parentLength)
            : "";
    return new Span(
        tenant,
        r.hex(traceIdOffset, traceIdLength),
        r.hex(spanIdOffset, spanIdLength),
        parent,
        traceState,
        flags,
        name,
        SpanKind.fromNumber(kind),
        start,
        end,
        WireValues.build(attributes),
        droppedAttributesCount,
        events == null ? List.of() : events,
        droppedEventsCount,
        links == null ? List.of() : links,
        droppedLinksCount + invalidLinks,
        StatusCode.fromNumber(statusCode),
        statusMessage,
        resource,
        scope);
  }
}
