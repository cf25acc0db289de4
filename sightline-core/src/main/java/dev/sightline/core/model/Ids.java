package dev.sightline.core.model;

/** Trace and span identifiers: 16- and 8-byte values written as lowercase hex. */
public final class Ids {
  public static final int TRACE_ID_BYTES = 16;
  public static final int SPAN_ID_BYTES = 8;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  /** Lowercase hex of {@code bytes}. */
  public static String toHex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }

  /**
   * Decodes hex (either case) into bytes.
   *
   * @throws IllegalArgumentException when {@code hex} has an odd length or a non-hex character
   */
  public static byte[] fromHex(CharSequence hex) {
    int n = hex.length();
    if ((n & 1) != 0) throw new IllegalArgumentException("odd number of hex digits: " + n);
    byte[] out = new byte[n / 2];
    for (int i = 0; i < n; i += 2) {
      int hi = hexValue(hex.charAt(i));
      int lo = hexValue(hex.charAt(i + 1));
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a hex digit at offset " + (hi < 0 ? i : i + 1));
      }
      out[i / 2] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** The value of an ASCII hex digit, or -1 (unlike {@link Character#digit}, no other scripts). */
  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  /** True when {@code id} is 32 hex characters (either case) and not all zeros. */
  public static boolean isValidTraceId(CharSequence id) {
    return isValidHexId(id, TRACE_ID_BYTES * 2);
  }

  /** True when {@code id} is 16 hex characters (either case) and not all zeros. */
  public static boolean isValidSpanId(CharSequence id) {
    return isValidHexId(id, SPAN_ID_BYTES * 2);
  }

  private static boolean isValidHexId(CharSequence id, int length) {
    if (id.length() != length) return false;
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (hexValue(c) < 0) return false;
      if (c != '0') nonZero = true;
    }
    return nonZero;
  }
}
