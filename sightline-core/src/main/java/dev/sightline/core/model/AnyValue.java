package dev.sightline.core.model;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An OTLP {@code AnyValue}: the value of an attribute or a log body. {@link #asString()} renders
 * any value as text the way attribute filters compare it.
 */
public sealed interface AnyValue {

  /** Renders the value as text: strings verbatim, numbers and booleans as in JSON. */
  String asString();

  /** An unset {@code AnyValue} (OTLP allows a key without a value). */
  record EmptyValue() implements AnyValue {
    public static final EmptyValue INSTANCE = new EmptyValue();

    @Override
    public String asString() {
      return "";
    }
  }

  record StringValue(String value) implements AnyValue {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String asString() {
      return value;
    }
  }

  record BooleanValue(boolean value) implements AnyValue {
    @Override
    public String asString() {
      return Boolean.toString(value);
    }
  }

  record LongValue(long value) implements AnyValue {
    @Override
    public String asString() {
      return Long.toString(value);
    }
  }

  record DoubleValue(double value) implements AnyValue {
    @Override
    public String asString() {
      return Double.toString(value);
    }
  }

  /** Raw bytes; rendered as base64, as OTLP/JSON does. */
  record BytesValue(byte[] value) implements AnyValue {
    public BytesValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String asString() {
      return Base64.getEncoder().encodeToString(value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesValue b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BytesValue[" + asString() + "]";
    }
  }

  record ArrayValue(List<AnyValue> values) implements AnyValue {
    public ArrayValue {
      values = List.copyOf(values);
    }

    @Override
    public String asString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) sb.append(',');
        sb.append(values.get(i).asString());
      }
      return sb.append(']').toString();
    }
  }

  /** A nested list of key/value pairs ({@code kvlist_value}). */
  record KeyValueList(Attributes values) implements AnyValue {
    public KeyValueList {
      Objects.requireNonNull(values, "values");
    }

    @Override
    public String asString() {
      return values.toString();
    }
  }

  static AnyValue of(String value) {
    return new StringValue(value);
  }

  static AnyValue of(long value) {
    return new LongValue(value);
  }

  static AnyValue of(double value) {
    return new DoubleValue(value);
  }

  static AnyValue of(boolean value) {
    return new BooleanValue(value);
  }
}
