package dev.sightline.core.storage.json;

/**
 * JSON string literals written straight into a {@link StringBuilder}, escaped exactly as {@link
 * TypedJson}'s Jackson generator escapes them (its defaults): {@code "} and {@code \} with a
 * backslash, the control characters {@code \b \t \n \f \r} by their short forms and every other one
 * below U+0020 as {@code \}{@code u00XX} (upper-case hex); everything else, non-ASCII and
 * surrogates included, as is.
 *
 * <p>Why not Jackson: the storage encodes every span's attributes as a JSON object on the ingest
 * path, and a generator writing into a {@code StringWriter} (buffer, copies, {@code toString}) took
 * 1.5 times as long for the harness's 10-attribute spans ({@code json.AttributeTextBenchmark},
 * bench/README.md "Other benchmarks here"). Pure and allocation-free but for the builder's growth.
 */
public final class JsonStrings {
  private JsonStrings() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Appends {@code s} as a quoted, escaped JSON string. */
  public static StringBuilder appendQuoted(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    int from = 0; // the start of the run of characters copied as they are
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out.append(s, from, i);
      from = i + 1;
      out.append('\\');
      switch (c) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '\b' -> out.append('b');
        case '\t' -> out.append('t');
        case '\n' -> out.append('n');
        case '\f' -> out.append('f');
        case '\r' -> out.append('r');
        default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.append(s, from, n).append('"');
  }
}
