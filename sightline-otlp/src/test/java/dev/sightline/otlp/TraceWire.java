package dev.sightline.otlp;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Protobuf bodies for {@link ProtobufSpanDecoderTest}, written field by field so that they can hold
 * what the generated builders never write: repeated singular messages (merges), known numbers with
 * another wire type, unknown fields and groups, invalid UTF-8, odd id lengths. {@link #random}
 * writes a random {@code ExportTraceServiceRequest} from the trace.proto schema below; {@link
 * #mutate} damages a body.
 */
final class TraceWire {
  private TraceWire() {}

  // ---------------------------------------------------------------- encoding

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private interface Writer {
    void write(CodedOutputStream o) throws IOException;
  }

  private static byte[] encode(Writer w) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      w.write(o);
      o.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A length-delimited field: a message (its parts concatenated), a string or bytes. */
  static byte[] ld(int field, byte[]... parts) {
    byte[] body = cat(parts);
    return encode(o -> o.writeByteArray(field, body));
  }

  static byte[] str(int field, String s) {
    return ld(field, s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] varint(int field, long v) {
    return encode(
        o -> {
          o.writeTag(field, 0);
          o.writeUInt64NoTag(v);
        });
  }

  static byte[] fixed64(int field, long v) {
    return encode(o -> o.writeFixed64(field, v));
  }

  static byte[] fixed32(int field, int v) {
    return encode(o -> o.writeFixed32(field, v));
  }

  /** A group with number {@code field} holding {@code parts}. */
  static byte[] group(int field, byte[]... parts) {
    byte[] start = encode(o -> o.writeTag(field, 3));
    byte[] end = encode(o -> o.writeTag(field, 4));
    return cat(start, cat(parts), end);
  }

  /** Invalid UTF-8: a lone continuation byte, a truncated sequence, a surrogate, an overlong. */
  static final byte[][] BAD_UTF8 = {
    {(byte) 0x80}, {'a', (byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, '/'}
  };

  // ---------------------------------------------------------------- schema

  /** How a field is encoded. MESSAGE names its type in {@link Field#type}. */
  enum Kind {
    VARINT,
    FIXED64,
    FIXED32,
    BYTES,
    ID,
    STRING,
    MESSAGE
  }

  record Field(int number, Kind kind, String type) {
    static Field of(int number, Kind kind) {
      return new Field(number, kind, "");
    }

    static Field msg(int number, String type) {
      return new Field(number, Kind.MESSAGE, type);
    }
  }

  /** trace.proto, common.proto and resource.proto, as far as an export request goes. */
  static final Map<String, List<Field>> SCHEMA =
      Map.ofEntries(
          Map.entry("Request", List.of(Field.msg(1, "ResourceSpans"))),
          Map.entry(
              "ResourceSpans",
              List.of(
                  Field.msg(1, "Resource"), Field.msg(2, "ScopeSpans"), Field.of(3, Kind.STRING))),
          Map.entry(
              "Resource",
              List.of(
                  Field.msg(1, "KeyValue"), Field.of(2, Kind.VARINT), Field.msg(3, "EntityRef"))),
          Map.entry(
              "EntityRef",
              List.of(
                  Field.of(1, Kind.STRING),
                  Field.of(2, Kind.STRING),
                  Field.of(3, Kind.STRING),
                  Field.of(4, Kind.STRING))),
          Map.entry(
              "ScopeSpans",
              List.of(Field.msg(1, "Scope"), Field.msg(2, "Span"), Field.of(3, Kind.STRING))),
          Map.entry(
              "Scope",
              List.of(
                  Field.of(1, Kind.STRING),
                  Field.of(2, Kind.STRING),
                  Field.msg(3, "KeyValue"),
                  Field.of(4, Kind.VARINT))),
          Map.entry(
              "Span",
              List.of(
                  Field.of(1, Kind.ID),
                  Field.of(2, Kind.ID),
                  Field.of(3, Kind.STRING),
                  Field.of(4, Kind.ID),
                  Field.of(5, Kind.STRING),
                  Field.of(6, Kind.VARINT),
                  Field.of(7, Kind.FIXED64),
                  Field.of(8, Kind.FIXED64),
                  Field.msg(9, "KeyValue"),
                  Field.of(10, Kind.VARINT),
                  Field.msg(11, "Event"),
                  Field.of(12, Kind.VARINT),
                  Field.msg(13, "Link"),
                  Field.of(14, Kind.VARINT),
                  Field.msg(15, "Status"),
                  Field.of(16, Kind.FIXED32))),
          Map.entry(
              "Event",
              List.of(
                  Field.of(1, Kind.FIXED64),
                  Field.of(2, Kind.STRING),
                  Field.msg(3, "KeyValue"),
                  Field.of(4, Kind.VARINT))),
          Map.entry(
              "Link",
              List.of(
                  Field.of(1, Kind.ID),
                  Field.of(2, Kind.ID),
                  Field.of(3, Kind.STRING),
                  Field.msg(4, "KeyValue"),
                  Field.of(5, Kind.VARINT),
                  Field.of(6, Kind.FIXED32))),
          Map.entry("Status", List.of(Field.of(2, Kind.STRING), Field.of(3, Kind.VARINT))),
          Map.entry(
              "KeyValue",
              List.of(
                  Field.of(1, Kind.STRING), Field.msg(2, "AnyValue"), Field.of(3, Kind.VARINT))),
          Map.entry(
              "AnyValue",
              List.of(
                  Field.of(1, Kind.STRING),
                  Field.of(2, Kind.VARINT),
                  Field.of(3, Kind.VARINT),
                  Field.of(4, Kind.FIXED64),
                  Field.msg(5, "ArrayValue"),
                  Field.msg(6, "KeyValueList"),
                  Field.of(7, Kind.BYTES),
                  Field.of(8, Kind.VARINT))),
          Map.entry("ArrayValue", List.of(Field.msg(1, "AnyValue"))),
          Map.entry("KeyValueList", List.of(Field.msg(1, "KeyValue"))));

  // ---------------------------------------------------------------- random requests

  /**
   * A random request. Most fields are valid, so that most spans map; {@code oddity} is the chance
   * per field of something unusual (a repeat of a singular field, another wire type, an unknown
   * field or group, invalid UTF-8).
   */
  static byte[] random(Random rnd, double oddity) {
    return message(rnd, "Request", 0, oddity);
  }

  private static byte[] message(Random rnd, String type, int depth, double oddity) {
    List<Field> fields = SCHEMA.get(type);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (type.equals("Span") && rnd.nextInt(5) != 0) out.writeBytes(validSpanStart(rnd));
    int n = fieldCount(rnd, type, depth);
    for (int i = 0; i < n; i++) {
      boolean child =
          (type.equals("ResourceSpans") || type.equals("ScopeSpans")) && rnd.nextBoolean();
      Field f = child ? fields.get(1) : fields.get(rnd.nextInt(fields.size()));
      if (rnd.nextDouble() < oddity) {
        out.writeBytes(odd(rnd, f));
      } else {
        out.writeBytes(value(rnd, f, depth, oddity));
      }
    }
    return out.toByteArray();
  }

  /** Valid ids and times, so that most random spans map (later random fields may spoil them). */
  private static byte[] validSpanStart(Random rnd) {
    long start = START + rnd.nextInt(1_000_000);
    return cat(
        ld(1, randomBytes(rnd, 16)),
        ld(2, randomBytes(rnd, 8)),
        fixed64(7, start),
        fixed64(8, start + rnd.nextInt(1000)));
  }

  private static int fieldCount(Random rnd, String type, int depth) {
    return switch (type) {
      case "Request" -> rnd.nextInt(4);
      case "ResourceSpans", "ScopeSpans" -> rnd.nextInt(7);
      case "Span" -> rnd.nextInt(12);
      case "AnyValue" -> rnd.nextDouble() < 0.85 ? 1 : rnd.nextInt(4);
      case "ArrayValue", "KeyValueList" -> depth > 9 ? 0 : rnd.nextInt(4);
      default -> rnd.nextInt(5);
    };
  }

  private static byte[] value(Random rnd, Field f, int depth, double oddity) {
    int n = f.number();
    return switch (f.kind()) {
      case VARINT -> varint(n, randomVarint(rnd));
      case FIXED64 -> fixed64(n, randomTime(rnd));
      case FIXED32 -> fixed32(n, rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(0x400));
      case BYTES -> ld(n, randomBytes(rnd, rnd.nextInt(6)));
      case ID -> ld(n, randomId(rnd));
      case STRING -> str(n, randomString(rnd));
      case MESSAGE -> ld(n, message(rnd, f.type(), depth + 1, oddity));
    };
  }

  /** Something a well-behaved exporter does not write, but a parser must handle. */
  private static byte[] odd(Random rnd, Field f) {
    int n = f.number();
    return switch (rnd.nextInt(6)) {
      case 0 -> varint(n, rnd.nextLong()); // maybe another wire type
      case 1 -> fixed64(n, rnd.nextLong());
      case 2 -> fixed32(n, rnd.nextInt());
      case 3 -> ld(n, BAD_UTF8[rnd.nextInt(BAD_UTF8.length)]);
      case 4 -> group(17 + rnd.nextInt(100), varint(1, 7), ld(2, randomBytes(rnd, 3)));
      default ->
          rnd.nextBoolean()
              ? ld(InvalidIds.FIELD_NUMBER, randomMarker(rnd))
              : ld(1000 + rnd.nextInt(100), randomBytes(rnd, rnd.nextInt(5)));
    };
  }

  private static byte[] randomMarker(Random rnd) {
    String name = List.of("traceId", "spanId", "parentSpanId", "trace").get(rnd.nextInt(4));
    return (name + "\0" + randomString(rnd)).getBytes(StandardCharsets.UTF_8);
  }

  private static long randomVarint(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> 0;
      case 1 -> rnd.nextLong();
      case 2 -> -1 - rnd.nextInt(3);
      case 3 -> rnd.nextInt() & 0xffffffffL;
      default -> rnd.nextInt(8);
    };
  }

  private static final long START = 1_700_000_000_000_000_000L;

  private static long randomTime(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> 0;
      case 1 -> rnd.nextLong();
      case 2 -> Long.MIN_VALUE;
      default -> START + rnd.nextInt(1_000_000);
    };
  }

  private static byte[] randomId(Random rnd) {
    int r = rnd.nextInt(20);
    if (r == 0) return new byte[0];
    if (r == 1) return new byte[rnd.nextBoolean() ? 8 : 16]; // all zeros
    if (r == 2) return randomBytes(rnd, rnd.nextInt(20));
    return randomBytes(rnd, rnd.nextBoolean() ? 8 : 16);
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static final String[] WORDS = {
    "", "service.name", "checkout", "http.route", "k", "k", "é", "日本", "😀", "a\u0000b"
  };

  private static String randomString(Random rnd) {
    return WORDS[rnd.nextInt(WORDS.length)] + (rnd.nextInt(4) == 0 ? rnd.nextInt(100) : "");
  }

  // ---------------------------------------------------------------- mutations

  /**
   * A copy of {@code body} with a few bit flips, byte changes, insertions, cuts or duplications.
   */
  static byte[] mutate(Random rnd, byte[] body) {
    byte[] b = body;
    int edits = 1 + rnd.nextInt(3);
    for (int e = 0; e < edits; e++) {
      if (b.length == 0) return new byte[] {(byte) rnd.nextInt(256)};
      int at = rnd.nextInt(b.length);
      b =
          switch (rnd.nextInt(6)) {
            case 0 -> flip(b, at, 1 << rnd.nextInt(8));
            case 1 -> set(b, at, INTERESTING[rnd.nextInt(INTERESTING.length)]);
            case 2 ->
                cat(slice(b, 0, at), randomBytes(rnd, 1 + rnd.nextInt(3)), slice(b, at, b.length));
            case 3 -> slice(b, 0, at);
            case 4 ->
                cat(
                    slice(b, 0, at),
                    slice(b, Math.min(b.length, at + 1 + rnd.nextInt(4)), b.length));
            default -> cat(b, slice(b, at, Math.min(b.length, at + rnd.nextInt(40))));
          };
    }
    return b;
  }

  /** Bytes that are likely to change the structure: tags of each wire type, big varints, ends. */
  private static final int[] INTERESTING = {
    0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x12, 0x10, 0x09
  };

  private static byte[] flip(byte[] b, int at, int mask) {
    byte[] c = b.clone();
    c[at] ^= (byte) mask;
    return c;
  }

  private static byte[] set(byte[] b, int at, int value) {
    byte[] c = b.clone();
    c[at] = (byte) value;
    return c;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }
}
