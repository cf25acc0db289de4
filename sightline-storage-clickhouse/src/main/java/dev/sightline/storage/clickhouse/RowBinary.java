package dev.sightline.storage.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * ClickHouse's {@code RowBinary} input format, written into a growing byte array: fixed-width
 * integers little-endian, {@code Date} as the unsigned day number (2 bytes), {@code String} as its
 * UTF-8 length (unsigned LEB128) then its bytes, {@code Array(T)} as its length (LEB128) then each
 * element. The same on 18.16 and current versions; {@code LowCardinality(String)} columns take a
 * plain {@code String}. Strings are bytes, so nothing is escaped (quotes, backslashes, control
 * characters and NUL go in as they are).
 *
 * <p>A final class over a byte array rather than a {@code ByteBuffer}/stream: it runs once per
 * column of every stored span, on the ingest path.
 */
final class RowBinary {
  private byte[] buf;
  private int size;

  RowBinary(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** The bytes written since {@code from} (a {@link #size()} taken earlier). */
  byte[] copyFrom(int from) {
    return Arrays.copyOfRange(buf, from, size);
  }

  /** Appends bytes as they are (a copy of earlier output). */
  void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
  }

  void uint8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
  }

  /** {@code Date}: days since 1970-01-01, unsigned 16 bits. */
  void date(long epochDay) {
    if (epochDay < 0 || epochDay > 0xFFFF) {
      throw new IllegalArgumentException("day out of Date range: " + epochDay);
    }
    ensure(2);
    buf[size++] = (byte) epochDay;
    buf[size++] = (byte) (epochDay >>> 8);
  }

  /** {@code UInt32} (an int's 32 bits, read as unsigned) or {@code Int32}. */
  void int32(int v) {
    ensure(4);
    buf[size++] = (byte) v;
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 24);
  }

  /** {@code UInt64} or {@code Int64}. */
  void int64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[size++] = (byte) v;
      v >>>= 8;
    }
  }

  void string(String s) {
    int n = s.length();
    int start = size;
    // ASCII, the usual case: one byte per char, no intermediate array
    varUInt(n);
    ensure(n);
    byte[] b = buf;
    int p = size;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        size = start;
        utf8(s);
        return;
      }
      b[p++] = (byte) c;
    }
    size = p;
  }

  private void utf8(String s) {
    // the same bytes as the JDK's UTF-8 encoder (an unpaired surrogate becomes '?')
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    varUInt(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
  }

  void stringArray(Collection<String> values) {
    varUInt(values.size());
    for (String v : values) string(v);
  }

  /** Unsigned LEB128, as ClickHouse's {@code writeVarUInt}. */
  void varUInt(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
