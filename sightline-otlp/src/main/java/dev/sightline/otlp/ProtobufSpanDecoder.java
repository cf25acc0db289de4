package dev.sightline.otlp;

import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes an OTLP/protobuf {@code ExportTraceServiceRequest} body straight into {@link Span}s, with
 * no generated message objects: {@code decode(body, tenant)} returns what {@code
 * SpanMapper.map(ExportTraceServiceRequest.parseFrom(body), tenant)} returns (the same spans, the
 * same rejected count and message), and rejects every body {@code parseFrom} rejects, with the same
 * reason.
 *
 * <p>Why: protobuf-java's full runtime parses every message through a builder (a {@code
 * KeyValue.Builder} per attribute, then the message, then the mapper's copy), which made the
 * generated classes ~40 % of the whole server's allocation. Here each attribute is read once into
 * its core value.
 *
 * <p>How it keeps protobuf's semantics: every primitive read is protobuf-java's own {@code
 * CodedInputStream} ({@link WireReader}), fields are dispatched on the full tag as the generated
 * code does (so a known number with another wire type is an unknown field and skipped), scalars are
 * last-wins, repeated fields append, singular messages merge ({@link WireValues}), and the nesting
 * limit counts messages and groups as protobuf-java does. {@code ProtobufSpanDecoderTest} checks it
 * against the generated parser and {@link SpanMapper} on edge cases, random and mutated requests.
 */
public final class ProtobufSpanDecoder {
  private static final String TYPE = "ExportTraceServiceRequest";

  private final WireReader reader;
  private final WireValues values;
  private final String tenant;
  private final Rejections rejections = new Rejections("span", "spans");
  private final List<Span> out = new ArrayList<>();

  private ProtobufSpanDecoder(byte[] body, String tenant) {
    this.reader = new WireReader(body);
    this.values = new WireValues(reader);
    this.tenant = tenant;
  }

  /**
   * Decodes, validates and maps a protobuf trace export request; never throws on bad spans.
   *
   * @throws OtlpDecodeException when the body is not a valid {@code ExportTraceServiceRequest}
   */
  public static MappedBatch<Span> decode(byte[] body, String tenant) throws OtlpDecodeException {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(tenant, "tenant");
    try {
      return new ProtobufSpanDecoder(body, tenant).request();
    } catch (IOException e) { // only InvalidProtocolBufferException: the input is an array
      throw OtlpProtobuf.invalid(TYPE, e);
    }
  }

  private MappedBatch<Span> request() throws IOException {
    int resourceIndex = 0;
    int tag;
    while ((tag = reader.readTag()) != 0) {
      if (tag == 10) {
        resourceSpans(resourceIndex++);
      } else {
        reader.skipUnknown(tag);
      }
    }
    return new MappedBatch<>(out, rejections.count(), rejections.message());
  }

  /** The spans of one {@code ScopeSpans} that passed the checks, mapped once its scope is known. */
  private static final class ScopeGroup {
    final WireValues.ScopeParts scope = new WireValues.ScopeParts();
    final List<WireSpan> spans = new ArrayList<>();
    String schemaUrl = "";
  }

  /**
   * Reads one {@code ResourceSpans}, then maps its valid spans: the resource and the schema URL can
   * come after the spans (the schema URL usually does), and a second {@code resource} merges.
   */
  private void resourceSpans(int r) throws IOException {
    int limit = reader.beginMessage();
    WireValues.ResourceParts resourceParts = new WireValues.ResourceParts();
    String schemaUrl = "";
    List<ScopeGroup> groups = new ArrayList<>(1);
    int tag;
    while ((tag = reader.readTag()) != 0) {
      switch (tag) {
        case 10 -> values.resource(resourceParts);
        case 18 -> groups.add(scopeSpans(r, groups.size()));
        case 26 -> schemaUrl = reader.readString();
        default -> reader.skipUnknown(tag);
      }
    }
    reader.endMessage(limit);
    Resource resource =
        OtlpCommon.resource(
            WireValues.build(resourceParts.attributes),
            resourceParts.droppedAttributesCount,
            schemaUrl);
    for (ScopeGroup group : groups) {
      WireValues.ScopeParts s = group.scope;
      InstrumentationScope scope =
          OtlpCommon.scope(
              s.name,
              s.version,
              WireValues.build(s.attributes),
              s.droppedAttributesCount,
              group.schemaUrl);
      for (WireSpan span : group.spans) out.add(span.toSpan(reader, tenant, resource, scope));
    }
  }

  /**
   * Reads one {@code ScopeSpans}. Spans are checked as they end, which is the order {@link
   * SpanMapper} checks them in, so the rejection summary lists the same first problems.
   */
  private ScopeGroup scopeSpans(int r, int s) throws IOException {
    int limit = reader.beginMessage();
    ScopeGroup group = new ScopeGroup();
    int i = 0;
    int tag;
    while ((tag = reader.readTag()) != 0) {
      switch (tag) {
        case 10 -> values.scope(group.scope);
        case 18 -> {
          WireSpan span = WireSpan.read(reader, values);
          String problem = span.problem(reader);
          if (problem == null) {
            group.spans.add(span);
          } else {
            int fi = i;
            rejections.reject(
                1,
                () -> "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + fi + "]",
                problem);
          }
          i++;
        }
        case 26 -> group.schemaUrl = reader.readString();
        default -> reader.skipUnknown(tag);
      }
    }
    reader.endMessage(limit);
    return group;
  }
}
