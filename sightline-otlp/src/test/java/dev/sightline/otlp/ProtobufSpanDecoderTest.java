package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.id;
import static dev.sightline.otlp.OtlpFixtures.kv;
import static dev.sightline.otlp.TraceWire.BAD_UTF8;
import static dev.sightline.otlp.TraceWire.cat;
import static dev.sightline.otlp.TraceWire.fixed64;
import static dev.sightline.otlp.TraceWire.group;
import static dev.sightline.otlp.TraceWire.ld;
import static dev.sightline.otlp.TraceWire.str;
import static dev.sightline.otlp.TraceWire.varint;
import static dev.sightline.otlp.TraceWireCases.attr;
import static dev.sightline.otlp.TraceWireCases.badUtf8;
import static dev.sightline.otlp.TraceWireCases.req;
import static dev.sightline.otlp.TraceWireCases.rs;
import static dev.sightline.otlp.TraceWireCases.span;
import static dev.sightline.otlp.TraceWireCases.ss;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.sightline.core.model.Span;
import dev.sightline.testing.OtlpExamples;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProtobufSpanDecoder} against its oracle, {@code SpanMapper.map(parseFrom(body))}: for
 * every body both reject it with the same message, or both return equal batches (same spans, in the
 * same order and with the same attribute order, same rejected count and message).
 */
class ProtobufSpanDecoderTest {
  private static final String TENANT = "acme";

  /** What one decoder made of a body: a batch, or the message it was rejected with. */
  private record Outcome(@Nullable MappedBatch<Span> batch, @Nullable String error) {
    boolean rejected() {
      return error != null;
    }
  }

  private static Outcome oracle(byte[] body) {
    try {
      return new Outcome(SpanMapper.map(OtlpProtobuf.decodeTraces(body), TENANT), null);
    } catch (OtlpDecodeException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  private static Outcome direct(byte[] body) {
    try {
      return new Outcome(ProtobufSpanDecoder.decode(body, TENANT), null);
    } catch (OtlpDecodeException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  /** Asserts equivalence and returns the oracle's outcome, for further checks on the case. */
  static Outcome assertEquivalent(byte[] body) {
    Outcome expected = oracle(body);
    Outcome actual = direct(body);
    assertThat(actual.error()).as("rejection of %s", hex(body)).isEqualTo(expected.error());
    if (expected.batch() != null) {
      MappedBatch<Span> e = expected.batch();
      MappedBatch<Span> a = actual.batch();
      assertThat(a.items()).as("spans of %s", hex(body)).isEqualTo(e.items());
      assertThat(a.items().toString()).as("attribute order").isEqualTo(e.items().toString());
      assertThat(a.rejected()).as("rejected of %s", hex(body)).isEqualTo(e.rejected());
      assertThat(a.errorMessage()).as("message of %s", hex(body)).isEqualTo(e.errorMessage());
    }
    return expected;
  }

  private static String hex(byte[] body) {
    return body.length > 200 ? body.length + " bytes" : ByteString.copyFrom(body).toString();
  }

  // ---------------------------------------------------------------- fixtures and built requests

  @Test
  void projectExamples() throws Exception {
    assertThat(assertEquivalent(OtlpExamples.bytes(OtlpExamples.TRACE_PROTOBUF)).batch().items())
        .isNotEmpty();
    byte[] fromJson =
        OtlpJson.decodeTraces(OtlpExamples.bytes(OtlpExamples.TRACE_JSON)).toByteArray();
    assertEquivalent(fromJson);
    try (InputStream in =
        getClass().getResourceAsStream("OtlpProtobufFuzzTestInputs/decodeAndMap/traces-example")) {
      assertEquivalent(OtlpDecodeContract.body(in.readAllBytes()));
    }
    assertThat(assertEquivalent(OtlpFixtures.fullTraceRequest().toByteArray()).batch().items())
        .hasSize(2);
    assertEquivalent(new byte[0]);
  }

  @Test
  void severalResourcesAndScopesWithValidAndInvalidSpans() {
    io.opentelemetry.proto.trace.v1.Span valid = OtlpFixtures.fullSpan();
    List<io.opentelemetry.proto.trace.v1.Span> bad =
        List.of(
            valid.toBuilder().clearTraceId().build(),
            valid.toBuilder().setTraceId(ByteString.copyFrom(new byte[16])).build(),
            valid.toBuilder().setSpanId(ByteString.copyFrom(new byte[3])).build(),
            valid.toBuilder().setParentSpanId(ByteString.copyFrom(new byte[1])).build(),
            valid.toBuilder().setParentSpanId(ByteString.copyFrom(new byte[8])).build(), // root
            valid.toBuilder().setStartTimeUnixNano(0).build(),
            valid.toBuilder().setStartTimeUnixNano(-5).build(),
            valid.toBuilder().setEndTimeUnixNano(START - 1).build(),
            valid.toBuilder().setEndTimeUnixNano(-1).build(),
            valid.toBuilder()
                .addLinks(valid.getLinks(0).toBuilder().setSpanId(ByteString.copyFrom(new byte[8])))
                .addLinks(valid.getLinks(0).toBuilder().clearTraceId())
                .build());
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (int r = 0; r < 3; r++) {
      ResourceSpans.Builder rs =
          ResourceSpans.newBuilder().setSchemaUrl(r == 1 ? "" : "https://schema/" + r);
      if (r != 2) rs.setResource(OtlpFixtures.resource());
      for (int s = 0; s < 3; s++) {
        ScopeSpans.Builder ss = ScopeSpans.newBuilder().setSchemaUrl(s == 0 ? "" : "u" + s);
        if (s != 1) ss.setScope(OtlpFixtures.scope());
        ss.addSpans(valid);
        for (int i = 0; i < bad.size(); i++) ss.addSpans(bad.get((i + r + s) % bad.size()));
        rs.addScopeSpans(ss);
      }
      req.addResourceSpans(rs);
    }
    req.addResourceSpans(ResourceSpans.getDefaultInstance());
    Outcome o = assertEquivalent(req.build().toByteArray());
    assertThat(o.batch().rejected()).isGreaterThan(40);
    assertThat(o.batch().errorMessage()).contains("and ").contains("more");
  }

  @Test
  void unknownFieldsOfEveryWireTypeAtEveryLevel() {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(100, UnknownFieldSet.Field.newBuilder().addVarint(-1).build())
            .addField(101, UnknownFieldSet.Field.newBuilder().addFixed32(7).addFixed64(8).build())
            .addField(
                102,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("x"))
                    .addGroup(
                        UnknownFieldSet.newBuilder()
                            .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                            .build())
                    .build())
            .build();
    io.opentelemetry.proto.trace.v1.Span span = OtlpFixtures.fullSpan();
    io.opentelemetry.proto.trace.v1.Span withUnknown =
        span.toBuilder()
            .setUnknownFields(unknown)
            .setStatus(span.getStatus().toBuilder().setUnknownFields(unknown))
            .setAttributes(0, span.getAttributes(0).toBuilder().setUnknownFields(unknown).build())
            .setEvents(0, span.getEvents(0).toBuilder().setUnknownFields(unknown))
            .setLinks(0, span.getLinks(0).toBuilder().setUnknownFields(unknown))
            .build();
    ExportTraceServiceRequest req =
        ExportTraceServiceRequest.newBuilder()
            .setUnknownFields(unknown)
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setUnknownFields(unknown)
                    .setResource(OtlpFixtures.resource().toBuilder().setUnknownFields(unknown))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setUnknownFields(unknown)
                            .setScope(OtlpFixtures.scope().toBuilder().setUnknownFields(unknown))
                            .addSpans(withUnknown)))
            .build();
    assertThat(assertEquivalent(req.toByteArray()).batch().items()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.sightline.otlp.TraceWireCases#edgeCases")
  void edgeCase(String name, byte[] body) {
    assertEquivalent(body);
  }

  @Test
  void invalidUtf8IsRejectedInEveryStringField() {
    byte[] ids =
        cat(ld(1, id(TRACE_ID).toByteArray()), ld(2, id(SPAN_ID).toByteArray()), fixed64(7, START));
    for (int f = 0; f < 12; f++) {
      assertThat(assertEquivalent(badUtf8(f, BAD_UTF8[2], ids)).error())
          .as("field %d", f)
          .contains("invalid UTF-8");
    }
  }

  @Test
  void nestingLimitMatchesProtobuf() {
    byte[] ids =
        cat(ld(1, id(TRACE_ID).toByteArray()), ld(2, id(SPAN_ID).toByteArray()), fixed64(7, START));
    int accepted = 0;
    for (int n = 40; n <= 52; n++) {
      byte[] arrays = varint(3, 1);
      byte[] kvlists = varint(3, 1);
      for (int i = 0; i < n; i++) {
        arrays = ld(5, ld(1, arrays));
        kvlists = ld(6, ld(1, str(1, "k"), ld(2, kvlists)));
      }
      if (!assertEquivalent(req(rs(ss(span(ids, attr("a", arrays)))))).rejected()) accepted++;
      assertEquivalent(req(rs(ss(span(ids, attr("l", kvlists))))));
    }
    assertThat(accepted).as("some accepted, some too deep").isBetween(1, 12);
    for (int n = 95; n <= 101; n++) {
      byte[] groups = new byte[0];
      for (int i = 0; i < n; i++) groups = group(19, groups);
      assertEquivalent(req(rs(ss(span(ids, groups)))));
      assertEquivalent(groups);
    }
  }

  @Test
  void builtNestedValues() {
    AnyValue deep = AnyValue.newBuilder().setStringValue("x").build();
    for (int i = 0; i < 30; i++) {
      deep =
          i % 2 == 0
              ? AnyValue.newBuilder()
                  .setArrayValue(
                      ArrayValue.newBuilder()
                          .addValues(deep)
                          .addValues(AnyValue.getDefaultInstance()))
                  .build()
              : AnyValue.newBuilder()
                  .setKvlistValue(
                      KeyValueList.newBuilder()
                          .addValues(kv("k" + i, deep))
                          .addValues(kv("k" + i, deep)))
                  .build();
    }
    ExportTraceServiceRequest req =
        OtlpFixtures.fullTraceRequest().toBuilder()
            .setResourceSpans(
                0,
                OtlpFixtures.fullTraceRequest().getResourceSpans(0).toBuilder()
                    .setResource(Resource.newBuilder().addAttributes(kv("deep", deep))))
            .build();
    assertThat(assertEquivalent(req.toByteArray()).batch().items()).hasSize(2);
  }

  // ---------------------------------------------------------------- random and mutated bodies

  @Test
  void randomRequests() {
    Random rnd = new Random(20261205);
    int decoded = 0;
    long spans = 0;
    long rejectedSpans = 0;
    for (int i = 0; i < 4000; i++) {
      Outcome o = assertEquivalent(TraceWire.random(rnd, i % 4 == 0 ? 0.05 : 0.0));
      if (!o.rejected()) {
        decoded++;
        spans += o.batch().items().size();
        rejectedSpans += o.batch().rejected();
      }
    }
    assertThat(decoded).as("most random bodies decode").isGreaterThan(3000);
    assertThat(spans).as("and map spans").isGreaterThan(4000);
    assertThat(rejectedSpans).as("and reject some").isGreaterThan(500);
  }

  @Test
  void mutatedBodies() {
    Random rnd = new Random(42);
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(OtlpFixtures.fullTraceRequest().toByteArray());
    seeds.add(OtlpExamples.bytes(OtlpExamples.TRACE_PROTOBUF));
    for (int i = 0; i < 50; i++) seeds.add(TraceWire.random(rnd, 0.02));
    int rejected = 0;
    for (int i = 0; i < 8000; i++) {
      byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
      if (assertEquivalent(TraceWire.mutate(rnd, seed)).rejected()) rejected++;
    }
    assertThat(rejected).as("mutations that break the body").isBetween(800, 7800);
  }
}
