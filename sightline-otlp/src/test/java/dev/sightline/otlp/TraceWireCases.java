package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.END;
import static dev.sightline.otlp.OtlpFixtures.SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.id;
import static dev.sightline.otlp.TraceWire.BAD_UTF8;
import static dev.sightline.otlp.TraceWire.cat;
import static dev.sightline.otlp.TraceWire.fixed32;
import static dev.sightline.otlp.TraceWire.fixed64;
import static dev.sightline.otlp.TraceWire.group;
import static dev.sightline.otlp.TraceWire.ld;
import static dev.sightline.otlp.TraceWire.str;
import static dev.sightline.otlp.TraceWire.varint;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Hand-written trace bodies for {@link ProtobufSpanDecoderTest}: each edge case of the wire format
 * the direct decoder must treat as protobuf-java does, and small builders for such bodies.
 */
final class TraceWireCases {
  private TraceWireCases() {}

  /** Bodies written field by field: merges, wire types, UTF-8, markers, groups, structure. */
  static Stream<Arguments> edgeCases() {
    byte[] traceId = id(TRACE_ID).toByteArray();
    byte[] spanId = id(SPAN_ID).toByteArray();
    byte[] ids = cat(ld(1, traceId), ld(2, spanId), fixed64(7, START), fixed64(8, END));
    byte[] arrA = ld(5, ld(1, str(1, "a")));
    byte[] arrB = ld(5, ld(1, str(1, "b")));
    byte[] kvl = ld(6, ld(1, str(1, "k1"), ld(2, varint(3, 1))));
    List<Arguments> cases = new ArrayList<>();
    cases.add(
        args(
            "two resources merge",
            req(
                rs(
                    ld(1, kvStr("a", "1")),
                    ld(1, kvStr("b", "2"), varint(2, 3)),
                    ss(span(ids)),
                    ld(1, varint(2, 4))))));
    cases.add(
        args(
            "two scopes merge",
            req(
                rs(
                    ss(
                        ld(1, str(1, "n"), kvAttr(3, "a", "1")),
                        span(ids),
                        ld(1, str(2, "v"), kvAttr(3, "a", "2")),
                        str(3, "s1"),
                        str(3, "s2"))))));
    cases.add(
        args(
            "two statuses merge",
            req(rs(ss(span(ids, ld(15, varint(3, 2), str(2, "m")), ld(15, str(2, "n"))))))));
    cases.add(
        args(
            "resource after spans",
            req(rs(ss(span(ids)), ld(1, kvStr("service.name", "late")), str(3, "url")))));
    cases.add(
        args(
            "anyvalue array,string,array",
            req(rs(ss(span(ids, attr("k", arrA, str(1, "x"), arrB)))))));
    cases.add(
        args(
            "anyvalue array,kvlist,array",
            req(rs(ss(span(ids, attr("k", arrA, kvl, arrB, kvl)))))));
    cases.add(
        args(
            "keyvalue value merged twice",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            ld(
                                9,
                                str(1, "k"),
                                ld(2, arrA),
                                ld(2, str(1, "x")),
                                ld(2, arrB),
                                str(1, "k2"))))))));
    cases.add(
        args(
            "anyvalue of every kind",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            attr("s", str(1, "s")),
                            attr("b", varint(2, 1)),
                            attr("i", varint(3, -7)),
                            attr("d", fixed64(4, Double.doubleToLongBits(-0.5))),
                            attr("y", ld(7, new byte[] {1, 2})),
                            attr("e"),
                            attr("x", varint(8, 3)),
                            attr("a", ld(5)),
                            attr("l", ld(6)),
                            attr("k", kvl),
                            attr("s", str(1, "last"))))))));
    cases.add(
        args(
            "wrong wire types are unknown",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            varint(5, 1),
                            fixed32(7, 1),
                            ld(6, new byte[] {1}),
                            varint(1, 5),
                            fixed64(16, 9),
                            varint(15, 1),
                            fixed32(9, 3)),
                        attr("k", fixed32(1, 1), ld(3, new byte[] {1}), varint(4, 2)))))));
    cases.add(
        args(
            "marker for a missing trace id",
            req(
                rs(
                    ss(
                        span(
                            cat(ld(2, spanId), fixed64(7, START)),
                            ld(InvalidIds.FIELD_NUMBER, "traceId\0W47/95g".getBytes())))))));
    cases.add(
        args(
            "marker for parent, spanId marker",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            ld(InvalidIds.FIELD_NUMBER, "spanId\0zz".getBytes()),
                            ld(InvalidIds.FIELD_NUMBER, "parentSpanId\0q\u00e9".getBytes()),
                            varint(InvalidIds.FIELD_NUMBER, 1)))))));
    cases.add(
        args(
            "marker with bad utf8",
            req(
                rs(
                    ss(
                        span(
                            cat(fixed64(7, START)),
                            ld(
                                InvalidIds.FIELD_NUMBER,
                                cat("traceId\0".getBytes(), BAD_UTF8[0]))))))));
    cases.add(
        args(
            "repeated key",
            req(
                rs(
                    ss(
                        span(
                            ids, attr("abc", varint(3, 1)), attr("abc", varint(3, 2)), attr("abd")),
                        span(ids, attr("abc")))))));
    cases.add(
        args(
            "repeated key past its message's end",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            attr("abc"),
                            cat(new byte[] {0x4a, 0x02, 0x0a, 0x03}, "abc".getBytes())))))));
    cases.add(
        args(
            "group in span",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            group(99, varint(1, 1), group(3, fixed32(2, 1))),
                            str(5, "after")))))));
    cases.add(
        args(
            "mismatched group end",
            req(
                rs(
                    ss(
                        span(
                            ids,
                            cat(
                                new byte[] {(byte) 0x9b, 0x06},
                                new byte[] {(byte) 0xa4, 0x06})))))));
    cases.add(args("end group in span", req(rs(ss(span(ids, new byte[] {0x0c}))))));
    cases.add(args("wire type 6", req(rs(ss(span(ids, new byte[] {0x0e}))))));
    cases.add(args("tag zero", req(rs(ss(span(ids, new byte[] {0x00, 0x01}))))));
    cases.add(
        args(
            "overlong varint",
            cat(
                req(rs(ss(span(ids)))),
                new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1})));
    cases.add(
        args(
            "10-byte tag",
            cat(
                new byte[] {
                  (byte) 0x8a, -128, -128, -128, -128, -128, -128, -128, -128, 0x01, 0x00
                })));
    cases.add(args("negative length", new byte[] {0x0a, -1, -1, -1, -1, 0x0f}));
    // a length of 0 written in 6 and in 10 bytes (padded varints), on a message and on an id
    cases.add(args("6-byte length", new byte[] {0x0a, -128, -128, -128, -128, -128, 0x00}));
    cases.add(
        args(
            "10-byte length",
            new byte[] {0x0a, -128, -128, -128, -128, -128, -128, -128, -128, -128, 0x00}));
    cases.add(
        args(
            "6-byte id length",
            req(rs(ss(span(ids, new byte[] {0x22, -128, -128, -128, -128, -128, 0x00}))))));
    cases.add(args("length past the end", new byte[] {0x0a, 0x05, 0x00}));
    cases.add(
        args("child longer than parent", req(cat(new byte[] {0x12, 0x05}, ld(1, new byte[3])))));
    cases.add(
        args(
            "truncated fixed64",
            req(rs(ss(cat(new byte[] {0x12, 0x03}, new byte[] {0x39, 1, 2}))))));
    String[] stringFields = {
      "rs.schema",
      "ss.schema",
      "scope.name",
      "scope.version",
      "key",
      "string_value",
      "trace_state",
      "name",
      "status",
      "event",
      "link",
      "entity"
    };
    for (int f = 0; f < stringFields.length; f++) {
      for (byte[] bad : BAD_UTF8)
        cases.add(args("bad utf8 in " + stringFields[f], badUtf8(f, bad, ids)));
    }
    return cases.stream();
  }

  private static Arguments args(String name, byte[] body) {
    return Arguments.of(name, body);
  }

  static byte[] badUtf8(int field, byte[] bad, byte[] ids) {
    return switch (field) {
      case 0 -> req(rs(ld(3, bad)));
      case 1 -> req(rs(ss(ld(3, bad))));
      case 2 -> req(rs(ss(ld(1, ld(1, bad)))));
      case 3 -> req(rs(ss(ld(1, ld(2, bad)))));
      case 4 -> req(rs(ld(1, ld(1, ld(1, bad)))));
      case 5 -> req(rs(ss(span(ids, ld(9, str(1, "k"), ld(2, ld(1, bad)))))));
      case 6 -> req(rs(ss(span(ids, ld(3, bad)))));
      case 7 -> req(rs(ss(span(ids, ld(5, bad)))));
      case 8 -> req(rs(ss(span(ids, ld(15, ld(2, bad))))));
      case 9 -> req(rs(ss(span(ids, ld(11, ld(2, bad))))));
      case 10 -> req(rs(ss(span(ids, ld(13, ld(3, bad))))));
      default -> req(rs(ld(1, ld(3, ld(3, bad)))));
    };
  }

  // ---------------------------------------------------------------- body builders

  static byte[] req(byte[]... resourceSpans) {
    byte[][] fields = new byte[resourceSpans.length][];
    for (int i = 0; i < fields.length; i++) fields[i] = ld(1, resourceSpans[i]);
    return cat(fields);
  }

  /** The body of a ResourceSpans (the caller wraps it). */
  static byte[] rs(byte[]... fields) {
    return cat(fields);
  }

  /** A {@code scope_spans} field. */
  static byte[] ss(byte[]... fields) {
    return ld(2, fields);
  }

  /** A {@code spans} field. */
  static byte[] span(byte[] ids, byte[]... fields) {
    return ld(2, cat(ids, cat(fields)));
  }

  /** A span {@code attributes} field whose value is the given AnyValue fields (merged). */
  static byte[] attr(String key, byte[]... anyValueFields) {
    return ld(9, str(1, key), ld(2, anyValueFields));
  }

  static byte[] kvStr(String key, String value) {
    return ld(1, str(1, key), ld(2, str(1, value)));
  }

  static byte[] kvAttr(int field, String key, String value) {
    return ld(field, str(1, key), ld(2, str(1, value)));
  }
}
