package dev.sightline.storage.clickhouse;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * The one place values and names enter SQL text. ClickHouse's HTTP interface has no bound
 * parameters on 18.16, so every string from a client (tenant, service, attribute keys and values)
 * is written as a quoted literal here: backslash and single quote escaped, every control character
 * as an escape, which ClickHouse's lexer reads back verbatim. Data to store never goes through SQL:
 * it is sent as a JSONEachRow body.
 */
final class Sql {
  private Sql() {}

  /** A ClickHouse string literal holding exactly {@code value}. */
  static String literal(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\0' -> sb.append("\\0");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('\'').toString();
  }

  /** A comma-separated list of literals, for {@code IN (...)}. */
  static String literals(Collection<String> values) {
    StringJoiner j = new StringJoiner(", ");
    for (String v : values) j.add(literal(v));
    return j.toString();
  }

  /**
   * An identifier (database, cluster name) quoted with backticks; only letters, digits and
   * underscores are accepted, so no quoting rules of any version matter.
   */
  static String identifier(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "not a plain identifier (letters, digits, underscore): " + name);
    }
    return "`" + name + "`";
  }
}
