package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte layout of {@link RowBinary}, as ClickHouse's RowBinary format defines it. */
class RowBinaryTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
    return b;
  }

  @Test
  void integers_areLittleEndian() {
    RowBinary out = new RowBinary(0);
    out.uint8(0xAB);
    out.int32(0x01020304);
    out.int64(-2L);
    out.date(19_000);
    assertThat(out.toByteArray())
        .isEqualTo(
            bytes(
                0xAB,
                4,
                3,
                2,
                1,
                0xFE,
                0xFF,
                0xFF,
                0xFF,
                0xFF,
                0xFF,
                0xFF,
                0xFF,
                19_000 & 0xFF,
                19_000 >>> 8));
  }

  @Test
  void lengths_areUnsignedLeb128() {
    RowBinary out = new RowBinary(0);
    out.varUInt(0);
    out.varUInt(127);
    out.varUInt(128);
    out.varUInt(300);
    out.varUInt(16_384);
    assertThat(out.toByteArray())
        .isEqualTo(bytes(0, 0x7F, 0x80, 0x01, 0xAC, 0x02, 0x80, 0x80, 0x01));
  }

  @Test
  void strings_areUtf8WithTheirByteLength() {
    for (String s :
        List.of("", "abc", "é", "a中b", "🚀", "\u0000'\"\\\n", "x".repeat(200), "é".repeat(100))) {
      RowBinary out = new RowBinary(0);
      out.string(s);
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      RowBinary expected = new RowBinary(0);
      expected.varUInt(utf8.length);
      byte[] prefix = expected.toByteArray();
      byte[] all = new byte[prefix.length + utf8.length];
      System.arraycopy(prefix, 0, all, 0, prefix.length);
      System.arraycopy(utf8, 0, all, prefix.length, utf8.length);
      assertThat(out.toByteArray()).as(s).isEqualTo(all);
    }
  }

  @Test
  void arrays_areCountThenElements_andTheBufferGrows() {
    RowBinary out = new RowBinary(1);
    out.stringArray(List.of("a", "bc"));
    out.string("z".repeat(1_000));
    byte[] b = out.toByteArray();
    assertThat(b).startsWith(bytes(2, 1, 'a', 2, 'b', 'c', 0xE8, 0x07));
    assertThat(b).hasSize(8 + 1_000);
    assertThat(out.size()).isEqualTo(b.length);
  }

  @Test
  void dates_outsideTheRange_areRefused() {
    assertThatThrownBy(() -> new RowBinary(0).date(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RowBinary(0).date(70_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
