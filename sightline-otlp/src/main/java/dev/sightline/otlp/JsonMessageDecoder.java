package dev.sightline.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Streams OTLP/JSON into a protobuf {@link Message.Builder} by walking the message's descriptors:
 * one implementation for every OTLP message, no intermediate tree.
 *
 * <p>Follows the proto3 JSON mapping with the OTLP/JSON amendments: fields by lowerCamelCase or
 * original name, unknown fields ignored at any depth, {@code null} meaning absent, enums as
 * integers or names (unknown names ignored like unknown fields), 64-bit integers as numbers or
 * strings, {@code bytes} as base64 except trace and span ids ({@link OtlpJson#isHexIdField}), which
 * are case-insensitive hex. A non-hex id does not fail the request: it is recorded with {@link
 * InvalidIds} so that the mapper rejects only the item holding it. Not supported (OTLP does not use
 * them): map fields and the special JSON forms of well-known types.
 */
final class JsonMessageDecoder {
  /** Deepest message nesting accepted, as protobuf's own parser. */
  static final int MAX_DEPTH = 100;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final Map<Descriptor, MessagePlan> PLANS = new ConcurrentHashMap<>();
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final byte[] HEX_VALUES = new byte[128];

  static {
    java.util.Arrays.fill(HEX_VALUES, (byte) -1);
    for (int i = 0; i < 10; i++) HEX_VALUES['0' + i] = (byte) i;
    for (int i = 0; i < 6; i++) {
      HEX_VALUES['a' + i] = (byte) (10 + i);
      HEX_VALUES['A' + i] = (byte) (10 + i);
    }
  }

  private JsonMessageDecoder() {}

  /** Merges the JSON object in {@code json} into {@code builder}. */
  static void decode(byte[] json, Message.Builder builder) throws OtlpDecodeException {
    if (isBlank(json)) {
      throw new OtlpDecodeException("empty body: an OTLP/JSON request must be a JSON object");
    }
    MessagePlan plan = planFor(builder.getDefaultInstanceForType());
    JsonParser p;
    try {
      p = FACTORY.createParser(json);
    } catch (IOException e) {
      throw new OtlpDecodeException("cannot read the OTLP/JSON body: " + e.getMessage(), e);
    }
    try (p) {
      try {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          throw error(p, "expected a JSON object, got " + describe(p, t));
        }
        parseMessage(p, plan, builder, 1);
        if (p.nextToken() != null) {
          throw error(p, "unexpected content after the top-level object");
        }
      } catch (JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : locationSuffix(e);
        throw new OtlpDecodeException(
            "malformed JSON at " + path(p) + where + ": " + e.getOriginalMessage(), e);
      }
    } catch (IOException e) {
      throw new OtlpDecodeException("cannot read the OTLP/JSON body: " + e.getMessage(), e);
    }
  }

  private static String locationSuffix(JsonProcessingException e) {
    var loc = e.getLocation();
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static boolean isBlank(byte[] json) {
    for (byte b : json) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- parsing

  private static void parseMessage(JsonParser p, MessagePlan plan, Message.Builder b, int depth)
      throws IOException, OtlpDecodeException {
    if (depth > MAX_DEPTH) throw error(p, "messages nested deeper than " + MAX_DEPTH);
    String name;
    while ((name = p.nextFieldName()) != null) {
      FieldPlan f = plan.fields.get(name);
      JsonToken t = p.nextToken();
      if (f == null) {
        p.skipChildren();
      } else if (t != JsonToken.VALUE_NULL) {
        if (f.repeated) {
          parseRepeated(p, f, b, t, depth);
        } else {
          parseSingular(p, f, b, t, depth);
        }
      }
    }
  }

  private static void parseSingular(
      JsonParser p, FieldPlan f, Message.Builder b, JsonToken t, int depth)
      throws IOException, OtlpDecodeException {
    switch (f.kind) {
      case MESSAGE -> {
        if (t != JsonToken.START_OBJECT) throw wrongType(p, t, "an object");
        parseMessage(p, f.nested(), b.getFieldBuilder(f.fd), depth + 1);
      }
      case HEX_ID -> {
        if (t != JsonToken.VALUE_STRING) throw wrongType(p, t, "a hex string");
        int len = p.getTextLength();
        if (len == 0) return;
        byte[] id = hexToBytes(p.getTextCharacters(), p.getTextOffset(), len);
        if (id == null) {
          b.clearField(f.fd); // a repeated key: the last value wins, as for other fields
          InvalidIds.mark(b, f.fd.getJsonName(), p.getText());
        } else {
          b.setField(f.fd, UnsafeByteOperations.unsafeWrap(id));
        }
      }
      case ENUM -> {
        EnumValueDescriptor v = readEnum(p, f, t);
        if (v != null) b.setField(f.fd, v);
      }
      default -> b.setField(f.fd, readScalar(p, f, t));
    }
  }

  private static void parseRepeated(
      JsonParser p, FieldPlan f, Message.Builder b, JsonToken t, int depth)
      throws IOException, OtlpDecodeException {
    if (t != JsonToken.START_ARRAY) throw wrongType(p, t, "an array");
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_NULL) throw error(p, "null is not allowed in an array");
      switch (f.kind) {
        case MESSAGE -> {
          if (t != JsonToken.START_OBJECT) throw wrongType(p, t, "an object");
          MessagePlan nested = f.nested();
          Message.Builder sub = nested.prototype.newBuilderForType();
          parseMessage(p, nested, sub, depth + 1);
          b.addRepeatedField(f.fd, sub.buildPartial());
        }
        case ENUM -> {
          EnumValueDescriptor v = readEnum(p, f, t);
          if (v != null) b.addRepeatedField(f.fd, v);
        }
        default -> b.addRepeatedField(f.fd, readScalar(p, f, t));
      }
    }
  }

  private static Object readScalar(JsonParser p, FieldPlan f, JsonToken t)
      throws IOException, OtlpDecodeException {
    switch (f.kind) {
      case STRING:
        if (t != JsonToken.VALUE_STRING) throw wrongType(p, t, "a string");
        return p.getText();
      case BOOL:
        if (t == JsonToken.VALUE_TRUE) return Boolean.TRUE;
        if (t == JsonToken.VALUE_FALSE) return Boolean.FALSE;
        if (t == JsonToken.VALUE_STRING) {
          String s = p.getText();
          if (s.equals("true")) return Boolean.TRUE;
          if (s.equals("false")) return Boolean.FALSE;
        }
        throw wrongType(p, t, "a boolean");
      case INT32:
        {
          long v = readInteger(p, f, t, false);
          if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw outOfRange(p, f);
          return (int) v;
        }
      case UINT32:
        {
          long v = readInteger(p, f, t, true);
          if (v < 0 || v > 0xFFFF_FFFFL) throw outOfRange(p, f);
          return (int) v;
        }
      case INT64:
        return readInteger(p, f, t, false);
      case UINT64:
        return readInteger(p, f, t, true);
      case DOUBLE:
        return readDouble(p, f, t);
      case FLOAT:
        return (float) readDouble(p, f, t);
      case BYTES:
        if (t != JsonToken.VALUE_STRING) throw wrongType(p, t, "a base64 string");
        return readBase64(p);
      default:
        throw new AssertionError(f.kind);
    }
  }

  /**
   * A JSON number or string holding an integer. For {@code unsigned} the result holds the 64 bits
   * of a value up to 2^64-1 (as protobuf stores uint64); otherwise it is a signed long.
   */
  private static long readInteger(JsonParser p, FieldPlan f, JsonToken t, boolean unsigned)
      throws IOException, OtlpDecodeException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        long v = p.getLongValue();
        if (unsigned && v < 0) throw outOfRange(p, f);
        return v;
      }
      return fromBigInteger(p, f, p.getBigIntegerValue(), unsigned);
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      BigDecimal d;
      try {
        d = p.getDecimalValue();
      } catch (NumberFormatException e) {
        // Jackson refuses exponents beyond BigDecimal's int scale ("1e10000000000000000000")
        throw outOfRange(p, f);
      }
      return fromDecimal(p, f, d, unsigned);
    }
    if (t != JsonToken.VALUE_STRING) throw wrongType(p, t, integerExpectation(f));
    String s = p.getText();
    try {
      return unsigned ? Long.parseUnsignedLong(s) : Long.parseLong(s);
    } catch (NumberFormatException e) {
      BigDecimal d;
      try {
        d = new BigDecimal(s); // "1e3", "5.0": integral values in other notations
      } catch (NumberFormatException e2) {
        throw wrongType(p, t, integerExpectation(f));
      }
      return fromDecimal(p, f, d, unsigned);
    }
  }

  private static long fromDecimal(JsonParser p, FieldPlan f, BigDecimal d, boolean unsigned)
      throws OtlpDecodeException {
    if (d.signum() == 0) return 0;
    // Check the shape before converting: "1e999999999" must not become a billion-digit integer.
    BigDecimal stripped = d.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw error(
          p, "expected an integer for " + typeName(f) + ", got " + abbreviate(d.toString()));
    }
    if (stripped.precision() - stripped.scale() > 20) throw outOfRange(p, f);
    return fromBigInteger(p, f, stripped.toBigInteger(), unsigned);
  }

  private static long fromBigInteger(JsonParser p, FieldPlan f, BigInteger i, boolean unsigned)
      throws OtlpDecodeException {
    if (unsigned) {
      if (i.signum() < 0 || i.compareTo(MAX_UINT64) > 0) throw outOfRange(p, f);
      return i.longValue();
    }
    if (i.bitLength() > 63) throw outOfRange(p, f);
    return i.longValue();
  }

  private static double readDouble(JsonParser p, FieldPlan f, JsonToken t)
      throws IOException, OtlpDecodeException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          if (!s.isEmpty() && isJsonNumberStart(s.charAt(0))) {
            try {
              return Double.parseDouble(s);
            } catch (NumberFormatException e) {
              // fall through to the error below
            }
          }
      }
    }
    throw wrongType(p, t, "a number (or a string: a number, \"NaN\", \"Infinity\", \"-Infinity\")");
  }

  private static boolean isJsonNumberStart(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '.';
  }

  private static ByteString readBase64(JsonParser p) throws IOException, OtlpDecodeException {
    String s = p.getText();
    try {
      boolean urlSafe = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      byte[] bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
      return UnsafeByteOperations.unsafeWrap(bytes);
    } catch (IllegalArgumentException e) {
      throw error(p, "not valid base64: " + e.getMessage());
    }
  }

  private static @Nullable EnumValueDescriptor readEnum(JsonParser p, FieldPlan f, JsonToken t)
      throws IOException, OtlpDecodeException {
    EnumDescriptor type = f.fd.getEnumType();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return enumByNumber(p, f, type, readInteger(p, f, t, false));
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      EnumValueDescriptor v = type.findValueByName(s);
      if (v != null) return v;
      try {
        return enumByNumber(p, f, type, Long.parseLong(s));
      } catch (NumberFormatException e) {
        return null; // an unknown enum name is ignored, like an unknown field
      }
    }
    throw wrongType(p, t, "an enum (an integer or a value name of " + type.getName() + ")");
  }

  private static @Nullable EnumValueDescriptor enumByNumber(
      JsonParser p, FieldPlan f, EnumDescriptor type, long n) throws OtlpDecodeException {
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw outOfRange(p, f);
    EnumValueDescriptor v = type.findValueByNumber((int) n);
    if (v != null || type.isClosed()) return v;
    return type.findValueByNumberCreatingIfUnknown((int) n);
  }

  /** Hex (either case) to bytes; null when the text has an odd length or a non-hex character. */
  static byte @Nullable [] hexToBytes(char[] chars, int offset, int length) {
    if ((length & 1) != 0) return null;
    byte[] out = new byte[length >> 1];
    for (int i = 0, c = offset; i < out.length; i++, c += 2) {
      char hi = chars[c];
      char lo = chars[c + 1];
      if ((hi | lo) >= 128) return null;
      int h = HEX_VALUES[hi];
      int l = HEX_VALUES[lo];
      if ((h | l) < 0) return null;
      out[i] = (byte) ((h << 4) | l);
    }
    return out;
  }

  // ---------------------------------------------------------------- errors

  private static OtlpDecodeException error(JsonParser p, String what) {
    return new OtlpDecodeException("invalid OTLP/JSON at " + path(p) + ": " + what);
  }

  private static OtlpDecodeException wrongType(JsonParser p, JsonToken t, String expected)
      throws IOException {
    return error(p, "expected " + expected + ", got " + describe(p, t));
  }

  private static OtlpDecodeException outOfRange(JsonParser p, FieldPlan f) {
    String text;
    try {
      text = abbreviate(p.getText());
    } catch (IOException e) {
      text = "?";
    }
    return error(p, "value out of range for " + typeName(f) + ": " + text);
  }

  private static String integerExpectation(FieldPlan f) {
    return typeName(f) + " (a JSON number or a decimal string)";
  }

  private static String typeName(FieldPlan f) {
    return f.fd.getType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String describe(JsonParser p, @Nullable JsonToken t) throws IOException {
    if (t == null) return "end of input";
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "string \"" + abbreviate(p.getText()) + "\"";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + abbreviate(p.getText());
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /**
   * The location of the parser as a path like {@code resourceSpans[0].scopeSpans[0].spans[2].name},
   * from Jackson's own context stack: nothing is tracked on the happy path.
   */
  static String path(JsonParser p) {
    JsonStreamContext ctx = p.getParsingContext();
    JsonToken t = p.currentToken();
    if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && ctx.getParent() != null) {
      ctx = ctx.getParent(); // the container just opened: report where it sits
    }
    List<JsonStreamContext> chain = new ArrayList<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) chain.add(c);
    StringBuilder sb = new StringBuilder();
    for (int i = chain.size() - 1; i >= 0; i--) {
      JsonStreamContext c = chain.get(i);
      if (c.inObject() && c.getCurrentName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(c.getCurrentName());
      } else if (c.inArray() && c.getCurrentIndex() >= 0) {
        sb.append('[').append(c.getCurrentIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "<root>" : sb.toString();
  }

  // ---------------------------------------------------------------- plans

  private enum Kind {
    STRING,
    BOOL,
    INT32,
    UINT32,
    INT64,
    UINT64,
    DOUBLE,
    FLOAT,
    BYTES,
    HEX_ID,
    ENUM,
    MESSAGE
  }

  /** The fields of one message type by JSON name and by proto name. Immutable once published. */
  private static final class MessagePlan {
    final Message prototype;
    final Map<String, FieldPlan> fields = new HashMap<>();

    MessagePlan(Message prototype) {
      this.prototype = prototype;
    }
  }

  private static final class FieldPlan {
    final FieldDescriptor fd;
    final Kind kind;
    final boolean repeated;
    @Nullable MessagePlan nested;

    FieldPlan(FieldDescriptor fd, Kind kind) {
      this.fd = fd;
      this.kind = kind;
      this.repeated = fd.isRepeated();
    }

    MessagePlan nested() {
      MessagePlan n = nested;
      if (n == null) throw new IllegalStateException("no plan for " + fd.getFullName());
      return n;
    }
  }

  private static MessagePlan planFor(Message prototype) {
    MessagePlan plan = PLANS.get(prototype.getDescriptorForType());
    if (plan != null) return plan;
    synchronized (PLANS) {
      plan = PLANS.get(prototype.getDescriptorForType());
      if (plan == null) {
        plan = buildPlan(prototype, new HashMap<>());
        PLANS.put(prototype.getDescriptorForType(), plan);
      }
      return plan;
    }
  }

  /** Builds the plan graph reachable from {@code prototype}; {@code done} breaks cycles. */
  private static MessagePlan buildPlan(Message prototype, Map<Descriptor, MessagePlan> done) {
    Descriptor type = prototype.getDescriptorForType();
    MessagePlan plan = new MessagePlan(prototype);
    done.put(type, plan);
    for (FieldDescriptor fd : type.getFields()) {
      if (fd.isMapField()) {
        throw new IllegalArgumentException("map fields are not supported: " + fd.getFullName());
      }
      FieldPlan f = new FieldPlan(fd, kindOf(fd));
      if (f.kind == Kind.MESSAGE) {
        Message nestedPrototype =
            prototype.newBuilderForType().newBuilderForField(fd).getDefaultInstanceForType();
        MessagePlan nested = done.get(fd.getMessageType());
        f.nested = nested != null ? nested : buildPlan(nestedPrototype, done);
      }
      plan.fields.put(fd.getJsonName(), f);
      plan.fields.put(fd.getName(), f);
    }
    return plan;
  }

  private static Kind kindOf(FieldDescriptor fd) {
    return switch (fd.getType()) {
      case STRING -> Kind.STRING;
      case BOOL -> Kind.BOOL;
      case INT32, SINT32, SFIXED32 -> Kind.INT32;
      case UINT32, FIXED32 -> Kind.UINT32;
      case INT64, SINT64, SFIXED64 -> Kind.INT64;
      case UINT64, FIXED64 -> Kind.UINT64;
      case DOUBLE -> Kind.DOUBLE;
      case FLOAT -> Kind.FLOAT;
      case BYTES -> OtlpJson.isHexIdField(fd) ? Kind.HEX_ID : Kind.BYTES;
      case ENUM -> Kind.ENUM;
      case MESSAGE -> Kind.MESSAGE;
      case GROUP -> throw new IllegalArgumentException("groups are not supported: " + fd);
    };
  }
}
