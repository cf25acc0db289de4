package dev.sightline.storage.duckdb;

import java.util.Arrays;

/**
 * The keys of the log text index: the tokens of a body, each cut to its first {@link #PREFIX}
 * characters, hashed. A token is a maximal run of ASCII letters and digits in the lower-cased text;
 * everything else separates tokens.
 *
 * <p>Text search is a case-insensitive <em>substring</em> match ({@code contains(lower(body_text),
 * lower(q))}), so the index can only rule out bodies that cannot contain {@code q}. Inside {@code
 * q}, a token with a separator on both sides is a whole token of any matching body, and one with a
 * separator before it starts a token of the body (it may continue there). Either way the body has a
 * token whose key is the key of {@code q}'s token: the token itself when shorter than {@link
 * #PREFIX}, else its first {@link #PREFIX} characters (which needs {@code q}'s token to be at least
 * that long when only its start is bounded). Tokens at the very start of {@code q} may be the end
 * of a longer body token and give no key; a {@code q} without a usable token is answered by the
 * scan.
 *
 * <p>Why that equals DuckDB's {@code lower()}: only A–Z, U+0130 (İ, simple lower case {@code i})
 * and U+212A (Kelvin sign, {@code k}) lower-case into ASCII letters; every other non-ASCII code
 * point stays non-ASCII, a separator on both sides. Bodies holding U+0130 or U+212A are therefore
 * not indexed ({@link #indexable}); the blocks holding them are always scanned.
 */
final class LogTextKeys {
  private LogTextKeys() {}

  /** Characters of a token kept in its key. */
  static final int PREFIX = 6;

  /**
   * Tokens shorter than this are not indexed ({@code in}, {@code ms}, {@code 35}: in nearly every
   * block, so useless for ruling blocks out, and a third of the keys of a typical log line); a
   * query token that short gives no key either.
   */
  static final int MIN_LENGTH = 3;

  private static final long[] NONE = new long[0];

  /** False when the body holds a code point whose lower case is ASCII but which is not ASCII. */
  static boolean indexable(String body) {
    return body.indexOf('\u0130') < 0 && body.indexOf('\u212A') < 0;
  }

  /** The distinct keys of a body's tokens (unsorted; empty for a body without tokens). */
  static long[] ofBody(String body) {
    long[] keys = null;
    int n = 0;
    int length = body.length();
    int i = 0;
    while (i < length) {
      while (i < length && !tokenChar(body.charAt(i))) i++;
      if (i >= length) break;
      long packed = 0;
      int taken = 0;
      while (i < length && tokenChar(body.charAt(i))) {
        if (taken < PREFIX) {
          packed = (packed << 8) | lower(body.charAt(i));
          taken++;
        }
        i++;
      }
      if (taken < MIN_LENGTH) continue;
      if (keys == null) keys = new long[8];
      else if (n == keys.length) keys = Arrays.copyOf(keys, n * 2);
      keys[n++] = hash(packed, taken);
    }
    return keys == null ? NONE : Arrays.copyOf(keys, n);
  }

  /**
   * The keys every body containing {@code lowerQuery} (already lower-cased as the search passes it
   * to DuckDB) has; empty when the query has no token the index can vouch for.
   */
  static long[] ofQuery(String lowerQuery) {
    long[] keys = new long[lowerQuery.length()];
    int n = 0;
    int length = lowerQuery.length();
    int i = 0;
    while (i < length) {
      boolean separatorBefore = false;
      while (i < length && !tokenChar(lowerQuery.charAt(i))) {
        i++;
        separatorBefore = true;
      }
      if (i >= length) break;
      long packed = 0;
      int taken = 0;
      int tokenLength = 0;
      while (i < length && tokenChar(lowerQuery.charAt(i))) {
        if (taken < PREFIX) {
          packed = (packed << 8) | lower(lowerQuery.charAt(i));
          taken++;
        }
        tokenLength++;
        i++;
      }
      boolean separatorAfter = i < length;
      if (separatorBefore
          && tokenLength >= MIN_LENGTH
          && (separatorAfter || tokenLength >= PREFIX)) {
        keys[n++] = hash(packed, taken);
      }
    }
    return Arrays.copyOf(keys, n);
  }

  private static boolean tokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** A fixed hash of up to 6 ASCII characters (the format is stored: never change it). */
  private static long hash(long packed, int length) {
    long h = packed | ((long) length << 56);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
