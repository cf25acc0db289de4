package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.storage.json.TypedJson;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attributes that queries filter on (span and resource attributes of spans, point attributes of
 * metrics), stored as parallel columns so that SQL compares the text form ({@link
 * AnyValue#asString()}) directly while the value kind still round-trips, on every ClickHouse
 * version (18.16 has no {@code Map}):
 *
 * <ul>
 *   <li>{@code <prefix>_keys Array(String)} and {@code <prefix>_values Array(String)}: keys and
 *       text forms in insertion order; {@code <prefix>_values[indexOf(<prefix>_keys, 'k')]} is the
 *       text the filters compare with.
 *   <li>{@code <prefix>_types String}: one character per entry: {@code s}tring, {@code b}oolean,
 *       {@code i}nteger (long), {@code d}ouble, b{@code y}tes, {@code e}mpty, {@code a}rray, {@code
 *       k}vlist. The text form of the scalar kinds parses back exactly.
 *   <li>{@code <prefix>_nested String}: {@link TypedJson} of the array and kvlist entries only
 *       (their text form is lossy); empty when there are none, which is almost always.
 * </ul>
 */
final class AttributeArrays {
  private AttributeArrays() {}

  /** Writes the four fields {@code <prefix>_keys/_values/_types/_nested} of one JSON row. */
  static void write(JsonGenerator g, String prefix, Attributes attributes) throws IOException {
    StringBuilder types = new StringBuilder(attributes.size());
    boolean nested = false;
    g.writeArrayFieldStart(prefix + "_keys");
    for (int i = 0; i < attributes.size(); i++) g.writeString(attributes.keyAt(i));
    g.writeEndArray();
    g.writeArrayFieldStart(prefix + "_values");
    for (int i = 0; i < attributes.size(); i++) {
      AnyValue v = attributes.valueAt(i);
      char type = type(v);
      types.append(type);
      nested |= type == 'a' || type == 'k';
      g.writeString(v.asString());
    }
    g.writeEndArray();
    g.writeStringField(prefix + "_types", types.toString());
    g.writeStringField(prefix + "_nested", nested ? nestedJson(attributes) : "");
  }

  /** {@link TypedJson} of the array and kvlist entries of {@code attributes}. */
  static String nestedJson(Attributes attributes) {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          for (int i = 0; i < attributes.size(); i++) {
            AnyValue value = attributes.valueAt(i);
            if (value instanceof AnyValue.ArrayValue || value instanceof AnyValue.KeyValueList) {
              g.writeFieldName(attributes.keyAt(i));
              TypedJson.writeValue(g, value);
            }
          }
          g.writeEndObject();
        });
  }

  /** The one-character kind of {@code v} in {@code <prefix>_types}. */
  static char type(AnyValue v) {
    if (v instanceof AnyValue.StringValue) return 's';
    if (v instanceof AnyValue.BooleanValue) return 'b';
    if (v instanceof AnyValue.LongValue) return 'i';
    if (v instanceof AnyValue.DoubleValue) return 'd';
    if (v instanceof AnyValue.BytesValue) return 'y';
    if (v instanceof AnyValue.EmptyValue) return 'e';
    if (v instanceof AnyValue.ArrayValue) return 'a';
    if (v instanceof AnyValue.KeyValueList) return 'k';
    throw new IllegalArgumentException("unknown value kind: " + v);
  }

  /** Reads the four fields written by {@link #write} from a result row. */
  static Attributes read(JsonNode row, String prefix) {
    String types = row.get(prefix + "_types").asText();
    if (types.isEmpty()) return Attributes.empty();
    JsonNode keys = row.get(prefix + "_keys");
    JsonNode values = row.get(prefix + "_values");
    String nestedJson = row.get(prefix + "_nested").asText();
    Attributes nested =
        nestedJson.isEmpty() ? Attributes.empty() : TypedJson.readAttributes(nestedJson);
    Map<String, AnyValue> out = new LinkedHashMap<>();
    for (int i = 0; i < types.length(); i++) {
      String key = keys.get(i).asText();
      String s = values.get(i).asText();
      AnyValue value =
          switch (types.charAt(i)) {
            case 's' -> new AnyValue.StringValue(s);
            case 'b' -> new AnyValue.BooleanValue(Boolean.parseBoolean(s));
            case 'i' -> new AnyValue.LongValue(Long.parseLong(s));
            case 'd' -> new AnyValue.DoubleValue(Double.parseDouble(s));
            case 'y' -> new AnyValue.BytesValue(Base64.getDecoder().decode(s));
            case 'e' -> AnyValue.EmptyValue.INSTANCE;
            case 'a', 'k' -> {
              AnyValue v = nested.get(key);
              if (v == null) throw new IllegalStateException("nested value missing for " + key);
              yield v;
            }
            default -> throw new IllegalStateException("unknown attribute type in " + types);
          };
      out.put(key, value);
    }
    return Attributes.of(out);
  }

  /** The column names of one attribute set, for a SELECT list. */
  static String columns(String prefix) {
    return prefix + "_keys, " + prefix + "_values, " + prefix + "_types, " + prefix + "_nested";
  }

  /**
   * SQL that is true when the attribute {@code key} (of the span, or failing that of its resource,
   * when {@code fallback} is given) has the text form {@code value}.
   */
  static String matches(String prefix, String fallback, String key, String value) {
    String k = Sql.literal(key);
    String v = Sql.literal(value);
    String own = "has(" + prefix + "_keys, " + k + ")";
    return "(("
        + own
        + " AND "
        + prefix
        + "_values[indexOf("
        + prefix
        + "_keys, "
        + k
        + ")] = "
        + v
        + ") OR (NOT "
        + own
        + " AND has("
        + fallback
        + "_keys, "
        + k
        + ") AND "
        + fallback
        + "_values[indexOf("
        + fallback
        + "_keys, "
        + k
        + ")] = "
        + v
        + "))";
  }

  /** SQL that is true when the attribute {@code key} has the text form {@code value}. */
  static String matches(String prefix, String key, String value) {
    String k = Sql.literal(key);
    return "(has("
        + prefix
        + "_keys, "
        + k
        + ") AND "
        + prefix
        + "_values[indexOf("
        + prefix
        + "_keys, "
        + k
        + ")] = "
        + Sql.literal(value)
        + ")";
  }
}
