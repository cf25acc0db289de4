package dev.sightline.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, insertion-ordered set of attributes. Keys are unique; when OTLP repeats a key the
 * last value wins.
 */
public final class Attributes {
  private static final Attributes EMPTY = new Attributes(Map.of());

  private final Map<String, AnyValue> values;

  private Attributes(Map<String, AnyValue> values) {
    this.values = values;
  }

  public static Attributes empty() {
    return EMPTY;
  }

  /** Copies {@code values}, keeping its iteration order. */
  public static Attributes of(Map<String, AnyValue> values) {
    Objects.requireNonNull(values, "values");
    if (values.isEmpty()) return EMPTY;
    return new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** Convenience for tests and fixtures: alternating string keys and string values. */
  public static Attributes ofStrings(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keyValues must have an even length");
    }
    Builder b = builder();
    for (int i = 0; i < keyValues.length; i += 2) b.put(keyValues[i], keyValues[i + 1]);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Map<String, AnyValue> asMap() {
    return values;
  }

  public @Nullable AnyValue get(String key) {
    return values.get(key);
  }

  /** The value of {@code key} rendered as text, or null when absent. */
  public @Nullable String getString(String key) {
    AnyValue v = values.get(key);
    return v == null ? null : v.asString();
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && values.equals(a.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  public static final class Builder {
    private final LinkedHashMap<String, AnyValue> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String key, AnyValue value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder put(String key, String value) {
      return put(key, new AnyValue.StringValue(value));
    }

    public Builder put(String key, long value) {
      return put(key, new AnyValue.LongValue(value));
    }

    public Builder put(String key, double value) {
      return put(key, new AnyValue.DoubleValue(value));
    }

    public Builder put(String key, boolean value) {
      return put(key, new AnyValue.BooleanValue(value));
    }

    public Builder putAll(Attributes other) {
      values.putAll(other.values);
      return this;
    }

    public int size() {
      return values.size();
    }

    public Attributes build() {
      if (values.isEmpty()) return EMPTY;
      return new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
