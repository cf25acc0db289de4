package dev.sightline.storage.duckdb;

import java.math.BigInteger;

/**
 * Trace and span ids as stored: a trace id is a {@code HUGEINT} (its 128 bits, high half signed), a
 * span id a {@code BIGINT}; 16 and 8 bytes instead of 32 and 16 characters, which keeps the ART
 * index and the scans small.
 */
final class HexIds {
  private static final BigInteger MASK_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private HexIds() {}

  static boolean isHex(String s, int length) {
    if (s.length() != length) return false;
    for (int i = 0; i < length; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) return false;
    }
    return true;
  }

  static long traceIdHigh(String traceId) {
    return Long.parseUnsignedLong(traceId, 0, 16, 16);
  }

  static long traceIdLow(String traceId) {
    return Long.parseUnsignedLong(traceId, 16, 32, 16);
  }

  /** The trace id as a decimal {@code HUGEINT} literal, for binding as {@code ?::HUGEINT}. */
  static String traceIdParameter(String traceId) {
    return BigInteger.valueOf(traceIdHigh(traceId))
        .shiftLeft(64)
        .add(new BigInteger(Long.toUnsignedString(traceIdLow(traceId))))
        .toString();
  }

  static String traceIdHex(Object hugeint) {
    BigInteger value = hugeint instanceof BigInteger b ? b : new BigInteger(hugeint.toString());
    String hex = value.and(MASK_128).toString(16);
    return hex.length() == 32 ? hex : "0".repeat(32 - hex.length()) + hex;
  }

  static long spanId(String spanId) {
    return Long.parseUnsignedLong(spanId, 16);
  }

  static String spanIdHex(long spanId) {
    String hex = Long.toHexString(spanId);
    return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
  }
}
