package dev.sightline.otlp;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the messages of {@code common.proto} and {@code resource.proto} (KeyValue, AnyValue,
 * ArrayValue, KeyValueList, Resource, InstrumentationScope, EntityRef) from the wire straight into
 * the core model, for {@link ProtobufSpanDecoder}. Each method is called right after its field's
 * tag and reads the whole message.
 *
 * <p>Repeated elements are complete when their message ends, so they are mapped at once. A singular
 * message field can arrive more than once and protobuf-java then merges the occurrences; the
 * callers keep the parts that can still change ({@link ResourceParts}, {@link ScopeParts}, a key's
 * value) until the enclosing message ends. In particular {@code AnyValue}'s oneof is merged as
 * protobuf-java's builder does: each of {@code array_value} and {@code kvlist_value} gets one
 * nested builder per {@code AnyValue} the first time it arrives, and a later occurrence appends to
 * that builder even when another member of the oneof was set in between.
 */
final class WireValues {
  private final WireReader r;

  /** One reusable AnyValue state per nesting depth (at most one is open per depth at a time). */
  private ValueState[] states = new ValueState[12];

  WireValues(WireReader r) {
    this.r = r;
  }

  /** The parts of a {@code Resource} that later occurrences of the field merge into. */
  static final class ResourceParts {
    Attributes.@Nullable Builder attributes;
    int droppedAttributesCount;
  }

  /** The parts of an {@code InstrumentationScope} that later occurrences merge into. */
  static final class ScopeParts {
    String name = "";
    String version = "";
    Attributes.@Nullable Builder attributes;
    int droppedAttributesCount;
  }

  static Attributes build(Attributes.@Nullable Builder attributes) {
    return attributes == null ? Attributes.empty() : attributes.build();
  }

  /**
   * Reads one {@code KeyValue} and puts it into {@code into} (created when null, so that a message
   * without attributes allocates nothing); a repeated key keeps its last value, in first position,
   * as {@code OtlpCommon.attributes} does.
   */
  Attributes.Builder keyValue(Attributes.@Nullable Builder into) throws IOException {
    int limit = r.beginMessage();
    ValueState value = state(r.depth() + 1);
    String key = "";
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10 -> key = r.readKey();
        case 18 -> anyValue(value);
        case 24 -> r.readVarint32(); // key_strindex: profiles only, not mapped
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
    Attributes.Builder attributes = into == null ? Attributes.builder() : into;
    attributes.put(key, value.toAnyValue());
    return attributes;
  }

  /** Reads a {@code resource} field, merging into {@code into}. */
  void resource(ResourceParts into) throws IOException {
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10 -> into.attributes = keyValue(into.attributes);
        case 16 -> into.droppedAttributesCount = r.readVarint32();
        case 26 -> entityRef();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  /** Reads a {@code scope} field, merging into {@code into}. */
  void scope(ScopeParts into) throws IOException {
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10 -> into.name = r.readString();
        case 18 -> into.version = r.readString();
        case 26 -> into.attributes = keyValue(into.attributes);
        case 32 -> into.droppedAttributesCount = r.readVarint32();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  /** {@code Resource.entity_refs} is not mapped, but its strings are checked as the parser does. */
  private void entityRef() throws IOException {
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10, 18, 26, 34 -> r.readString(); // schema_url, type, id_keys, description_keys
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  /** Reads one occurrence of an {@code AnyValue} field, merging into {@code v}. */
  private void anyValue(ValueState v) throws IOException {
    int limit = r.beginMessage();
    int tag;
    while ((tag = r.readTag()) != 0) {
      switch (tag) {
        case 10 -> v.set(ValueState.STRING).string = r.readString();
        case 16 -> v.set(ValueState.BOOL).bool = r.readBool();
        case 24 -> v.set(ValueState.INT).longValue = r.readInt64();
        case 33 -> v.set(ValueState.DOUBLE).doubleValue = r.readDouble();
        case 42 -> arrayValue(v);
        case 50 -> kvlistValue(v);
        case 58 -> v.set(ValueState.BYTES).bytes = r.readBytes();
        case 64 -> v.set(ValueState.STRINDEX).longValue = r.readVarint32();
        default -> r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  private void arrayValue(ValueState v) throws IOException {
    int limit = r.beginMessage();
    if (v.array == null) v.array = new ArrayList<>();
    v.set(ValueState.ARRAY);
    ValueState element = state(r.depth() + 1);
    int tag;
    while ((tag = r.readTag()) != 0) {
      if (tag == 10) {
        element.reset();
        anyValue(element);
        v.array.add(element.toAnyValue());
      } else {
        r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  private void kvlistValue(ValueState v) throws IOException {
    int limit = r.beginMessage();
    if (v.kvlist == null) v.kvlist = Attributes.builder();
    v.set(ValueState.KVLIST);
    int tag;
    while ((tag = r.readTag()) != 0) {
      if (tag == 10) {
        keyValue(v.kvlist);
      } else {
        r.skipUnknown(tag);
      }
    }
    r.endMessage(limit);
  }

  /** The cleared state for the AnyValue message at {@code depth}. */
  private ValueState state(int depth) {
    if (depth >= states.length)
      states = Arrays.copyOf(states, Math.max(depth + 1, states.length * 2));
    ValueState s = states[depth];
    if (s == null) states[depth] = s = new ValueState();
    return s.reset();
  }

  /**
   * An {@code AnyValue} being read: which oneof member is set, its value, and the nested builders
   * of {@code array_value} and {@code kvlist_value} once created (they outlive a switch to another
   * member, as in protobuf-java).
   */
  private static final class ValueState {
    static final int NONE = 0;
    static final int STRING = 1;
    static final int BOOL = 2;
    static final int INT = 3;
    static final int DOUBLE = 4;
    static final int ARRAY = 5;
    static final int KVLIST = 6;
    static final int BYTES = 7;
    static final int STRINDEX = 8;

    int kind;
    @Nullable String string;
    boolean bool;
    long longValue;
    double doubleValue;
    byte @Nullable [] bytes;
    @Nullable List<AnyValue> array;
    Attributes.@Nullable Builder kvlist;

    ValueState reset() {
      kind = NONE;
      string = null;
      bytes = null;
      array = null;
      kvlist = null;
      return this;
    }

    ValueState set(int kind) {
      this.kind = kind;
      return this;
    }

    /**
     * As {@code OtlpCommon.anyValue}: unset and {@code string_value_strindex} are empty. The
     * member's field is non-null whenever {@code kind} says it is set.
     */
    AnyValue toAnyValue() {
      return switch (kind) {
        case STRING -> new AnyValue.StringValue(string);
        case BOOL -> new AnyValue.BooleanValue(bool);
        case INT -> new AnyValue.LongValue(longValue);
        case DOUBLE -> new AnyValue.DoubleValue(doubleValue);
        case BYTES -> new AnyValue.BytesValue(bytes);
        case ARRAY -> new AnyValue.ArrayValue(array);
        case KVLIST -> new AnyValue.KeyValueList(kvlist.build());
        default -> AnyValue.EmptyValue.INSTANCE;
      };
    }
  }
}
