package dev.sightline.storage.duckdb;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Small helpers the readers share: binding parameters, reading arrays, time-range arithmetic. */
final class Sql {
  private Sql() {}

  /** Binds {@code params} (Long, Integer or String) to {@code ps} in order. */
  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) ps.setLong(i + 1, l);
      else if (p instanceof Integer n) ps.setInt(i + 1, n);
      else ps.setString(i + 1, (String) p);
    }
  }

  /** A {@code VARCHAR[]} as a sorted list. */
  static List<String> strings(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) out.add((String) v);
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** {@code a - b}, clamped to the long range (a range widened by a slack near its limits). */
  static long saturatedSubtract(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  /** {@code a + b}, clamped to the long range. */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }
}
