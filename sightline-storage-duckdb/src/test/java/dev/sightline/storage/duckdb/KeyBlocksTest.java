package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyBlocks#appendBlock} reuses one hash table per thread: a block's filter must depend on
 * its own keys only, whatever blocks the thread wrote before. A key left over from an earlier block
 * would only add false positives, which no search result shows, so this is checked directly.
 */
class KeyBlocksTest {

  @Test
  void aBlocksFilter_isTheSame_afterLargerBlocksOnTheSameThread() throws Exception {
    List<KeyBlocks.Entry> small = block(5, 3, 1_000_000L);
    List<KeyBlocks.Entry> large = block(KeyBlocks.MAX_ROWS, 30, 7L);

    byte[] fresh = onNewThread(() -> bitsOf(small));
    AtomicReference<byte[]> afterLarge = new AtomicReference<>();
    onNewThread(
        () -> {
          bitsOf(large);
          bitsOf(block(700, 12, 99_000_000L));
          afterLarge.set(bitsOf(small));
          return null;
        });

    assertThat(afterLarge.get()).isEqualTo(fresh);
    assertThat(fresh).isNotEqualTo(new byte[fresh.length]); // the small block's keys are there
  }

  /**
   * {@code spans} entries of {@code keysPerSpan} distinct keys each, numbered from {@code base}.
   */
  private static List<KeyBlocks.Entry> block(int spans, int keysPerSpan, long base) {
    List<KeyBlocks.Entry> out = new ArrayList<>();
    long next = base;
    for (int s = 0; s < spans; s++) {
      long[] keys = new long[keysPerSpan];
      for (int k = 0; k < keysPerSpan; k++) keys[k] = (next++) * 0x9E3779B97F4A7C15L;
      out.add(new KeyBlocks.Entry(1_000L + s, keys, true));
    }
    return out;
  }

  /** The filter pages {@link KeyBlocks#appendBlock} writes for {@code block}, concatenated. */
  private static byte[] bitsOf(List<KeyBlocks.Entry> block) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement st = c.createStatement()) {
        st.execute(Schema.SPAN_BLOCKS_DDL);
      }
      try (DuckDBAppender a =
          c.unwrap(DuckDBConnection.class).createAppender("main", "span_blocks")) {
        KeyBlocks.appendBlock(a, "t", block);
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT bits FROM span_blocks ORDER BY slot")) {
        while (rs.next()) out.write(rs.getBytes(1));
      }
      return out.toByteArray();
    }
  }

  private interface Work<T> {
    T run() throws Exception;
  }

  private static <T> T onNewThread(Work<T> work) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.set(work.run());
              } catch (Exception e) {
                failure.set(e);
              }
            });
    t.setDaemon(true);
    t.start();
    t.join(60_000);
    // a table left dirty fills up, and the open-addressing probe then never ends
    if (t.isAlive()) throw new AssertionError("appendBlock did not return within 60 s");
    if (failure.get() != null) throw failure.get();
    return result.get();
  }
}
