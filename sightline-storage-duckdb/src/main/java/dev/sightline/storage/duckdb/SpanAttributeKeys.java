package dev.sightline.storage.duckdb;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;

/**
 * The keys of the span block index ({@code span_blocks}): a 64-bit hash of each (attribute key,
 * text value) pair a trace search filter can match on a span. A filter compares {@code
 * coalesce(span attribute, resource attribute)} as text ({@link AnyValue#asString()}, what {@link
 * AttributeColumns} stores), so a span's pairs are its own attributes and those of its resource
 * whose key the span does not have.
 *
 * <p>A span with more than {@link #MAX_PAIRS} pairs, or with a key or value whose text might not
 * come back from DuckDB as the same Java string (a NUL character or an unpaired surrogate, which
 * the UTF-8 conversion alters), is not indexable: its block is always read.
 */
final class SpanAttributeKeys {
  private SpanAttributeKeys() {}

  /** Pairs per span at most (span and resource together); the benchmark's spans have ~10. */
  static final int MAX_PAIRS = 64;

  /** A resource's pairs, hashed once per resource and batch. */
  record ResourcePairs(String[] keys, long[] hashes, boolean indexable) {
    static ResourcePairs of(Attributes attributes) {
      int n = attributes.size();
      String[] keys = new String[n];
      long[] hashes = new long[n];
      boolean indexable = n <= MAX_PAIRS;
      for (int i = 0; i < n; i++) {
        String key = attributes.keyAt(i);
        String value = attributes.valueAt(i).asString();
        indexable &= safe(key) && safe(value);
        keys[i] = key;
        hashes[i] = hash(key, value);
      }
      return new ResourcePairs(keys, hashes, indexable);
    }
  }

  /** The span's pairs' hashes (not deduplicated), or null when the span is not indexable. */
  static long @org.jspecify.annotations.Nullable [] ofSpan(
      Attributes attributes, ResourcePairs resource) {
    if (!resource.indexable()) return null;
    int n = attributes.size();
    if (n > MAX_PAIRS) return null;
    long[] out = new long[Math.min(MAX_PAIRS + 1, n + resource.keys().length)];
    int i = 0;
    for (; i < n; i++) {
      String key = attributes.keyAt(i);
      String value = attributes.valueAt(i).asString();
      if (!safe(key) || !safe(value)) return null;
      out[i] = hash(key, value);
    }
    String[] keys = resource.keys();
    for (int r = 0; r < keys.length; r++) {
      if (n > 0 && attributes.get(keys[r]) != null) continue; // the span's value wins
      if (i == MAX_PAIRS) return null;
      out[i++] = resource.hashes()[r];
    }
    return i == out.length ? out : java.util.Arrays.copyOf(out, i);
  }

  /**
   * Whether the text round-trips through DuckDB unchanged: no NUL and no unpaired surrogate.
   * Anything else is compared as the same Java string by the filter and by the index.
   */
  static boolean safe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return false;
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The hash of a pair: FNV-1a over the key's and the value's UTF-16 units, the lengths mixed in so
   * that no two pairs share their input, then MurmurHash3's finalizer (the Bloom filter takes its
   * probes from both halves and its page from the top bits). Stored: never change it without a new
   * {@link SpanBlockIndex#SINCE_KEY}.
   */
  static long hash(String key, String value) {
    long h = 0xcbf29ce484222325L ^ key.length();
    for (int i = 0; i < key.length(); i++) h = (h ^ key.charAt(i)) * 0x100000001b3L;
    h = (h ^ 0x1_0000L ^ value.length()) * 0x100000001b3L;
    for (int i = 0; i < value.length(); i++) h = (h ^ value.charAt(i)) * 0x100000001b3L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
