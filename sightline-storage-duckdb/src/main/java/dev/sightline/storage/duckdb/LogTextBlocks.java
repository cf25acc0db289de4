package dev.sightline.storage.duckdb;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.duckdb.DuckDBAppender;

/**
 * Builds the rows of {@code log_blocks}: the logs of a commit group, per tenant and in event-time
 * order, cut into blocks of at most {@link #MAX_LOGS} logs (and at gaps over a minute), each with
 * its event-time range and a Bloom filter of the {@link LogTextKeys} of its bodies. A filter is
 * split into 1–16 pages by the top bits of a key's hash (one row each), so a search reads only the
 * pages of its keys. A block with a body that cannot be indexed gets one row without a filter
 * (always scanned). Runs on the writer thread, appended in the transaction of the logs.
 */
final class LogTextBlocks {
  /** Logs per block at most. */
  static final int MAX_LOGS = 2048;

  /** A gap in event time that starts a new block, so a late log does not widen a block's range. */
  static final long MAX_GAP_NANOS = 60_000_000_000L;

  /** Bits per distinct key: about 1 % false positives with {@link #PROBES} probes. */
  private static final int BITS_PER_KEY = 10;

  static final int PROBES = 5;

  /** The slot of a block's row without a filter. */
  static final short UNINDEXED = -1;

  /** One log's part: event time, keys, whether indexable. */
  record Entry(long eventNanos, long[] keys, boolean indexable) {}

  private final Map<String, List<Entry>> byTenant = new HashMap<>();

  private @org.jspecify.annotations.Nullable String lastTenant;
  private @org.jspecify.annotations.Nullable List<Entry> lastEntries;

  void add(String tenant, Entry e) {
    if (!tenant.equals(lastTenant) || lastEntries == null) {
      lastTenant = tenant;
      lastEntries = byTenant.computeIfAbsent(tenant, t -> new ArrayList<>());
    }
    lastEntries.add(e);
  }

  boolean isEmpty() {
    return byTenant.isEmpty();
  }

  /** Appends the blocks, in the order of {@link Schema}'s {@code log_blocks}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<String, List<Entry>> t : byTenant.entrySet()) {
      List<Entry> entries = t.getValue();
      entries.sort(Comparator.comparingLong(Entry::eventNanos));
      int from = 0;
      for (int i = 1; i <= entries.size(); i++) {
        if (i == entries.size()
            || i - from >= MAX_LOGS
            || entries.get(i).eventNanos() - entries.get(i - 1).eventNanos() > MAX_GAP_NANOS) {
          appendBlock(a, t.getKey(), entries.subList(from, i));
          from = i;
        }
      }
    }
  }

  static void appendBlock(DuckDBAppender a, String tenant, List<Entry> block) throws SQLException {
    long id = ThreadLocalRandom.current().nextLong();
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    int total = 0;
    boolean indexable = true;
    for (Entry e : block) {
      min = Math.min(min, e.eventNanos());
      max = Math.max(max, e.eventNanos());
      total += e.keys().length;
      indexable &= e.indexable();
    }
    if (!indexable) {
      row(a, tenant, id, min, max, block.size(), UNINDEXED, new byte[0]);
      return;
    }
    // the distinct keys, by open addressing (a sort of every key cost a third of the writer's time)
    int capacity = Integer.highestOneBit(Math.max(16, total * 2 - 1)) << 1;
    long[] table = new long[capacity];
    boolean zero = false;
    int distinct = 0;
    for (Entry e : block) {
      for (long k : e.keys()) {
        if (k == 0) {
          if (!zero) distinct++;
          zero = true;
          continue;
        }
        int i = (int) (k ^ (k >>> 32)) & (capacity - 1);
        while (table[i] != 0 && table[i] != k) i = (i + 1) & (capacity - 1);
        if (table[i] == 0) {
          table[i] = k;
          distinct++;
        }
      }
    }
    int pages = 1;
    while (pages < 16 && (long) distinct * BITS_PER_KEY / pages > 8_192) pages <<= 1;
    int pageBits = 64;
    while (pageBits < 1 << 20 && pageBits < (long) distinct * BITS_PER_KEY / pages) pageBits <<= 1;
    byte[][] bits = new byte[pages][pageBits / 8];
    for (long k : table) {
      if (k != 0) set(bits[page(k, pages)], k, pageBits);
    }
    if (zero) set(bits[page(0, pages)], 0, pageBits);
    for (int p = 0; p < pages; p++) {
      row(a, tenant, id, min, max, block.size(), slot(pages, p), bits[p]);
    }
  }

  private static void row(
      DuckDBAppender a,
      String tenant,
      long id,
      long min,
      long max,
      int logs,
      short slot,
      byte[] bits)
      throws SQLException {
    a.beginRow();
    a.append(tenant);
    a.append(id);
    a.append(min);
    a.append(max);
    a.append(logs);
    a.append(slot);
    a.append(bits);
    a.endRow();
  }

  /** The page of a key in a filter of {@code pages} pages. */
  static int page(long key, int pages) {
    return (int) (key >>> 60) & (pages - 1);
  }

  /** A page of a filter with its page count, as stored: {@code pages * 16 + page}. */
  static short slot(int pages, int page) {
    return (short) (pages * 16 + page);
  }

  private static void set(byte[] page, long key, int pageBits) {
    int h1 = (int) key;
    int h2 = (int) (key >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (h1 + i * h2) & (pageBits - 1);
      page[bit >>> 3] |= (byte) (1 << (bit & 7));
    }
  }

  /** Whether a page (as stored) may hold the key. */
  static boolean mayContain(byte[] page, long key) {
    int pageBits = page.length * 8;
    int h1 = (int) key;
    int h2 = (int) (key >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (h1 + i * h2) & (pageBits - 1);
      if ((page[bit >>> 3] & (1 << (bit & 7))) == 0) return false;
    }
    return true;
  }
}
