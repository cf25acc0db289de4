package dev.sightline.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Mapping shared by the three signals: resources, scopes, attributes, values and ids. */
final class OtlpCommon {
  private OtlpCommon() {}

  /** Built once per {@code Resource*} message and shared by all its items. */
  static Resource resource(io.opentelemetry.proto.resource.v1.Resource r, String schemaUrl) {
    return resource(attributes(r.getAttributesList()), r.getDroppedAttributesCount(), schemaUrl);
  }

  /** The same from already mapped parts (the direct protobuf decoder has no message objects). */
  static Resource resource(Attributes attributes, int droppedAttributesCount, String schemaUrl) {
    if (attributes.isEmpty() && droppedAttributesCount == 0 && schemaUrl.isEmpty()) {
      return Resource.empty();
    }
    return new Resource(attributes, droppedAttributesCount, schemaUrl);
  }

  /** Built once per {@code Scope*} message and shared by all its items. */
  static InstrumentationScope scope(
      io.opentelemetry.proto.common.v1.InstrumentationScope s, String schemaUrl) {
    return scope(
        s.getName(),
        s.getVersion(),
        attributes(s.getAttributesList()),
        s.getDroppedAttributesCount(),
        schemaUrl);
  }

  /** The same from already mapped parts (the direct protobuf decoder has no message objects). */
  static InstrumentationScope scope(
      String name,
      String version,
      Attributes attributes,
      int droppedAttributesCount,
      String schemaUrl) {
    if (name.isEmpty()
        && version.isEmpty()
        && attributes.isEmpty()
        && droppedAttributesCount == 0
        && schemaUrl.isEmpty()) {
      return InstrumentationScope.empty();
    }
    return new InstrumentationScope(name, version, attributes, droppedAttributesCount, schemaUrl);
  }

  /** Keys keep their order; a repeated key keeps its last value. */
  static Attributes attributes(List<KeyValue> keyValues) {
    int n = keyValues.size();
    if (n == 0) return Attributes.empty();
    Attributes.Builder b = Attributes.builder();
    for (int i = 0; i < n; i++) {
      KeyValue kv = keyValues.get(i);
      b.put(kv.getKey(), anyValue(kv.getValue()));
    }
    return b.build();
  }

  /**
   * An unset value maps to {@link AnyValue.EmptyValue}, and so does {@code string_value_strindex}
   * (a profiles-only reference into a dictionary other signals do not have).
   */
  static AnyValue anyValue(io.opentelemetry.proto.common.v1.AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return new AnyValue.StringValue(v.getStringValue());
      case BOOL_VALUE:
        return new AnyValue.BooleanValue(v.getBoolValue());
      case INT_VALUE:
        return new AnyValue.LongValue(v.getIntValue());
      case DOUBLE_VALUE:
        return new AnyValue.DoubleValue(v.getDoubleValue());
      case BYTES_VALUE:
        return new AnyValue.BytesValue(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        {
          ArrayValue array = v.getArrayValue();
          int n = array.getValuesCount();
          List<AnyValue> values = new ArrayList<>(n);
          for (int i = 0; i < n; i++) values.add(anyValue(array.getValues(i)));
          return new AnyValue.ArrayValue(values);
        }
      case KVLIST_VALUE:
        return new AnyValue.KeyValueList(attributes(v.getKvlistValue().getValuesList()));
      default:
        return AnyValue.EmptyValue.INSTANCE;
    }
  }

  // ---------------------------------------------------------------- ids

  static boolean isZero(ByteString id) {
    for (int i = 0, n = id.size(); i < n; i++) {
      if (id.byteAt(i) != 0) return false;
    }
    return true;
  }

  /** True when {@code id} has {@code size} bytes and is not all zeros. */
  static boolean isValid(ByteString id, int size) {
    return id.size() == size && !isZero(id);
  }

  static String hex(ByteString id) {
    return Ids.toHex(id.toByteArray());
  }

  /** Lowercase hex of a valid id; empty for an absent, all-zero or malformed one. */
  static String hexOrEmpty(ByteString id, int size) {
    return isValid(id, size) ? hex(id) : "";
  }

  /** Why a required id is unacceptable, or null when it has {@code size} bytes and is non-zero. */
  static @Nullable String requiredIdProblem(
      MessageOrBuilder holder, String jsonName, ByteString id, int size) {
    if (isValid(id, size)) return null;
    return invalidRequiredId(jsonName, id.size(), size, InvalidIds.find(holder, jsonName));
  }

  /**
   * Why a required id that is not valid (not {@code size} non-zero bytes) is unacceptable; {@code
   * notHex} is the OTLP/JSON text recorded by {@link InvalidIds}, if any.
   */
  static String invalidRequiredId(String jsonName, int got, int size, @Nullable String notHex) {
    if (notHex != null) return notHexProblem(jsonName, notHex);
    if (got == 0) return jsonName + " is missing";
    if (got != size) return sizeProblem(jsonName, size, got);
    return jsonName + " must not be all zeros";
  }

  /**
   * Why an optional id is unacceptable, or null when it is absent or has {@code size} bytes. The
   * caller treats an all-zero id as absent, as the OpenTelemetry Collector does.
   */
  static @Nullable String optionalIdProblem(
      MessageOrBuilder holder, String jsonName, ByteString id, int size) {
    if (id.size() == size) return null;
    String notHex = id.isEmpty() ? InvalidIds.find(holder, jsonName) : null;
    return invalidOptionalId(jsonName, id.size(), size, notHex);
  }

  /**
   * Why an optional id of {@code got} bytes (not {@code size}) is unacceptable, or null when it is
   * absent; {@code notHex} as for {@link #invalidRequiredId}, looked up only for an absent id.
   */
  static @Nullable String invalidOptionalId(
      String jsonName, int got, int size, @Nullable String notHex) {
    if (got == 0) return notHex == null ? null : notHexProblem(jsonName, notHex);
    return sizeProblem(jsonName, size, got);
  }

  private static String sizeProblem(String jsonName, int size, int got) {
    return jsonName
        + " must be "
        + size
        + " bytes / "
        + (size * 2)
        + " hex characters (got "
        + got
        + (got == 1 ? " byte)" : " bytes)");
  }

  private static String notHexProblem(String jsonName, String original) {
    return jsonName
        + " is not hex: \""
        + original
        + "\" (OTLP/JSON trace and span ids are hex strings, not base64)";
  }
}
