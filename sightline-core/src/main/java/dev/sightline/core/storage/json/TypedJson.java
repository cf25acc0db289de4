package dev.sightline.core.storage.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lossless JSON for {@link AnyValue} and {@link Attributes}, written and read with jackson-core's
 * streaming API. The JSON token type carries the value kind wherever JSON can: string, boolean,
 * null (empty value), integer (long: written without a dot), float (double: Java's {@link
 * Double#toString}, which always has a dot or exponent and round-trips exactly) and array. Kinds
 * JSON cannot express are one-key objects: {@code {"b":"<base64>"}} bytes, {@code {"d":"NaN"}}
 * non-finite doubles, {@code {"kv":{...}}} key/value lists. Attributes are a plain object, in
 * insertion order.
 */
public final class TypedJson {
  public static final JsonFactory FACTORY = JsonFactory.builder().build();

  private TypedJson() {}

  /** Streams one JSON document into a string. */
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  public static String write(Body body) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public static String attributes(Attributes attributes) {
    return write(g -> writeAttributes(g, attributes));
  }

  public static String value(AnyValue value) {
    return write(g -> writeValue(g, value));
  }

  public static void writeAttributes(JsonGenerator g, Attributes attributes) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < attributes.size(); i++) {
      g.writeFieldName(attributes.keyAt(i));
      writeValue(g, attributes.valueAt(i));
    }
    g.writeEndObject();
  }

  public static void writeValue(JsonGenerator g, AnyValue value) throws IOException {
    if (value instanceof AnyValue.StringValue s) {
      g.writeString(s.value());
    } else if (value instanceof AnyValue.LongValue l) {
      g.writeNumber(l.value());
    } else if (value instanceof AnyValue.DoubleValue d) {
      writeDouble(g, d.value());
    } else if (value instanceof AnyValue.BooleanValue b) {
      g.writeBoolean(b.value());
    } else if (value instanceof AnyValue.EmptyValue) {
      g.writeNull();
    } else if (value instanceof AnyValue.BytesValue b) {
      g.writeStartObject();
      g.writeStringField("b", Base64.getEncoder().encodeToString(b.value()));
      g.writeEndObject();
    } else if (value instanceof AnyValue.ArrayValue a) {
      g.writeStartArray();
      for (AnyValue v : a.values()) writeValue(g, v);
      g.writeEndArray();
    } else if (value instanceof AnyValue.KeyValueList kv) {
      g.writeStartObject();
      g.writeFieldName("kv");
      writeAttributes(g, kv.values());
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("unknown value kind: " + value);
    }
  }

  /** Writes a double as a JSON float, or {@code {"d":"NaN"}} when JSON has no literal for it. */
  public static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isFinite(d)) {
      g.writeNumber(d);
    } else {
      g.writeStartObject();
      g.writeStringField("d", Double.toString(d));
      g.writeEndObject();
    }
  }

  public static JsonParser parser(String json) {
    try {
      JsonParser p = FACTORY.createParser(json);
      p.nextToken();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Attributes readAttributes(String json) {
    try (JsonParser p = parser(json)) {
      return readAttributes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AnyValue readValue(String json) {
    try (JsonParser p = parser(json)) {
      return readValue(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an attributes object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
  public static Attributes readAttributes(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    if (p.nextToken() == JsonToken.END_OBJECT) return Attributes.empty();
    Map<String, AnyValue> values = new LinkedHashMap<>();
    do {
      String key = p.currentName();
      p.nextToken();
      values.put(key, readValue(p));
    } while (p.nextToken() == JsonToken.FIELD_NAME);
    return Attributes.of(values);
  }

  /** Reads one value; the parser is on its first token and ends on its last. */
  public static AnyValue readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case VALUE_STRING:
        return new AnyValue.StringValue(p.getText());
      case VALUE_NUMBER_INT:
        return new AnyValue.LongValue(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        return new AnyValue.DoubleValue(p.getDoubleValue());
      case VALUE_TRUE:
        return new AnyValue.BooleanValue(true);
      case VALUE_FALSE:
        return new AnyValue.BooleanValue(false);
      case VALUE_NULL:
        return AnyValue.EmptyValue.INSTANCE;
      case START_ARRAY:
        List<AnyValue> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) values.add(readValue(p));
        return new AnyValue.ArrayValue(values);
      case START_OBJECT:
        String tag = p.nextFieldName();
        p.nextToken();
        AnyValue result;
        if ("b".equals(tag)) {
          result = new AnyValue.BytesValue(Base64.getDecoder().decode(p.getText()));
        } else if ("d".equals(tag)) {
          result = new AnyValue.DoubleValue(Double.parseDouble(p.getText()));
        } else if ("kv".equals(tag)) {
          result = new AnyValue.KeyValueList(readAttributes(p));
        } else {
          throw new IOException("unknown value tag: " + tag);
        }
        expect(p.nextToken(), JsonToken.END_OBJECT);
        return result;
      default:
        throw new IOException("unexpected token " + t);
    }
  }

  /** Reads a double written by {@link #writeDouble}. */
  public static double readDouble(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      p.nextFieldName();
      p.nextToken();
      double d = Double.parseDouble(p.getText());
      expect(p.nextToken(), JsonToken.END_OBJECT);
      return d;
    }
    return p.getDoubleValue();
  }

  public static void expect(JsonParser p, JsonToken token) throws IOException {
    expect(p.currentToken(), token);
  }

  public static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) throw new IOException("expected " + expected + " but was " + actual);
  }
}
