package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The attribute keys {@code attr_index} holds: every key (the default), or a given set (searches
 * filtering on none of them scan {@code spans}, exactly as before the index). Recorded with the
 * lookup tables' state ({@link TraceLookups#apply}) as a JSON array, or {@code "*"} for every key.
 *
 * @param keys the keys, or null for every key
 */
record IndexedKeys(@Nullable Set<String> keys) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final IndexedKeys ALL = new IndexedKeys(null);

  IndexedKeys {
    if (keys != null) keys = Set.copyOf(new TreeSet<>(keys));
  }

  static IndexedKeys of(Collection<String> keys) {
    for (String k : keys) {
      if (k == null || k.isEmpty()) throw new IllegalArgumentException("empty attribute key");
    }
    return new IndexedKeys(new TreeSet<>(keys));
  }

  boolean all() {
    return keys == null;
  }

  boolean contains(String key) {
    return keys == null || keys.contains(key);
  }

  /** {@code "*"}, or the sorted keys as a JSON array: what {@link #parse} reads back. */
  String encode() {
    if (keys == null) return "*";
    try {
      return JSON.writeValueAsString(new ArrayList<>(new TreeSet<>(keys)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static IndexedKeys parse(String text) {
    if (text.equals("*")) return ALL;
    try {
      List<String> keys = List.of(JSON.readValue(text, String[].class));
      return new IndexedKeys(new TreeSet<>(keys));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable indexed keys " + text, e);
    }
  }

  /** An SQL condition on {@code column} holding a key: true for every key, else {@code IN}. */
  String condition(String column) {
    if (keys == null) return "";
    if (keys.isEmpty()) return "0";
    return column + " IN (" + Sql.literals(new ArrayList<>(new TreeSet<>(keys))) + ")";
  }
}
