package dev.sightline.core.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, insertion-ordered set of attributes. Keys are unique; when OTLP repeats a key the
 * last value wins, at the position of its first occurrence.
 *
 * <p>Held as two parallel arrays, not a map: a decoded span carries one of these, and a {@code
 * LinkedHashMap} (an entry object per attribute, then a copy at {@link Builder#build}) was ~30 % of
 * everything the server allocated while ingesting. Lookups scan the keys (hash first) while there
 * are few; past {@link #SCAN_MAX} through an index built with the set. {@link #asMap()} is a
 * read-only view with {@link Map}'s equality, which {@link #equals} keeps too.
 */
public final class Attributes {
  /** Up to this many keys, lookups scan; beyond, they use an index built once. */
  static final int SCAN_MAX = 16;

  private static final String[] NO_KEYS = new String[0];
  private static final AnyValue[] NO_VALUES = new AnyValue[0];
  private static final Attributes EMPTY = new Attributes(NO_KEYS, NO_VALUES, null);

  private final String[] keys;
  private final AnyValue[] values;

  /**
   * Positions by key when there are more than {@link #SCAN_MAX} keys, else null. Built with the
   * set, not lazily: every field stays final (field-by-field comparisons in tests see only state).
   */
  private final @Nullable Map<String, Integer> index;

  private Attributes(String[] keys, AnyValue[] values, @Nullable Map<String, Integer> index) {
    this.keys = keys;
    this.values = values;
    this.index = index;
  }

  public static Attributes empty() {
    return EMPTY;
  }

  /** Copies {@code values}, keeping its iteration order. */
  public static Attributes of(Map<String, AnyValue> values) {
    Objects.requireNonNull(values, "values");
    if (values.isEmpty()) return EMPTY;
    Builder b = new Builder(values.size());
    values.forEach(b::put);
    return b.build();
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
    return new Builder(8);
  }

  /** A read-only view, in insertion order. Prefer {@link #keyAt}/{@link #valueAt} on hot paths. */
  public Map<String, AnyValue> asMap() {
    return new View();
  }

  /** The key at {@code i}, in insertion order ({@code 0 <= i < size()}). */
  public String keyAt(int i) {
    Objects.checkIndex(i, keys.length);
    return keys[i];
  }

  /** The value at {@code i}, in insertion order ({@code 0 <= i < size()}). */
  public AnyValue valueAt(int i) {
    Objects.checkIndex(i, values.length);
    return values[i];
  }

  /** Each key and value, in insertion order. */
  public void forEach(BiConsumer<String, AnyValue> action) {
    for (int i = 0; i < keys.length; i++) action.accept(keys[i], values[i]);
  }

  public @Nullable AnyValue get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  /** The value of {@code key} rendered as text, or null when absent. */
  public @Nullable String getString(String key) {
    AnyValue v = get(key);
    return v == null ? null : v.asString();
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  private int indexOf(@Nullable Object key) {
    if (!(key instanceof String k)) return -1;
    if (index == null) return scan(keys, keys.length, k);
    Integer i = index.get(k);
    return i == null ? -1 : i;
  }

  private static int scan(String[] keys, int n, String key) {
    int h = key.hashCode();
    for (int i = 0; i < n; i++) {
      String k = keys[i];
      if (k == key || (k.hashCode() == h && k.equals(key))) return i;
    }
    return -1;
  }

  /** Map equality: the same keys with equal values, in any order. */
  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof Attributes a) || a.keys.length != keys.length) return false;
    for (int i = 0; i < keys.length; i++) {
      if (!values[i].equals(a.get(keys[i]))) return false;
    }
    return true;
  }

  /** {@link Map#hashCode()} of the same entries. */
  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < keys.length; i++) h += keys[i].hashCode() ^ values[i].hashCode();
    return h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append('{');
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) b.append(", ");
      b.append(keys[i]).append('=').append(values[i]);
    }
    return b.append('}').toString();
  }

  /** {@link #asMap()}: entries made on iteration, lookups by {@link #indexOf}. */
  private final class View extends AbstractMap<String, AnyValue> {
    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public @Nullable AnyValue get(Object key) {
      int i = indexOf(key);
      return i < 0 ? null : values[i];
    }

    @Override
    public Set<Entry<String, AnyValue>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return keys.length;
        }

        @Override
        public Iterator<Entry<String, AnyValue>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keys.length;
            }

            @Override
            public Entry<String, AnyValue> next() {
              if (next >= keys.length) throw new NoSuchElementException();
              int i = next++;
              return new SimpleImmutableEntry<>(keys[i], values[i]);
            }
          };
        }
      };
    }
  }

  public static final class Builder {
    private String[] keys;
    private AnyValue[] values;
    private int size;

    /** Positions by key once the builder holds more than {@link #SCAN_MAX} keys. */
    private @Nullable HashMap<String, Integer> index;

    private Builder(int capacity) {
      keys = new String[Math.max(capacity, 1)];
      values = new AnyValue[keys.length];
    }

    public Builder put(String key, AnyValue value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      int at = find(key);
      if (at >= 0) {
        values[at] = value; // a repeated key keeps its first position, as LinkedHashMap did
        return this;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      if (index != null) {
        index.put(key, size);
      } else if (size == SCAN_MAX) {
        index = new HashMap<>(64);
        for (int i = 0; i <= size; i++) index.put(keys[i], i);
      }
      size++;
      return this;
    }

    private int find(String key) {
      if (index != null) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
      }
      return scan(keys, size, key);
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
      for (int i = 0; i < other.keys.length; i++) put(other.keys[i], other.values[i]);
      return this;
    }

    public int size() {
      return size;
    }

    public Attributes build() {
      if (size == 0) return EMPTY;
      return new Attributes(
          Arrays.copyOf(keys, size),
          Arrays.copyOf(values, size),
          index == null ? null : Map.copyOf(index));
    }
  }
}
