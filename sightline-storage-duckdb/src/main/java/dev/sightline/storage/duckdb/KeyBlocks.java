package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * Blocks of rows with a Bloom filter of 64-bit keys, the format of {@code log_blocks} (keys: the
 * {@link LogTextKeys} of the bodies, time: event time) and {@code span_blocks} (keys: the {@link
 * SpanAttributeKeys} of the attributes, time: span start), which have the same columns: the rows of
 * a commit group, per tenant and in time order, cut into blocks of at most {@link #MAX_ROWS} rows
 * (and at gaps over a minute), each with its time range and a Bloom filter of its rows' keys. A
 * filter is split into 1–16 pages by the top bits of a key's hash (one row each), so a search reads
 * only the pages of its keys ({@link #candidateRanges}). A block with a row that cannot be indexed
 * gets one row without a filter (always read). Built on the writer thread; log blocks are appended
 * in the transaction of the rows they index, span blocks with the {@link DerivedBacklog}.
 */
final class KeyBlocks {
  /** Rows per block at most. */
  static final int MAX_ROWS = 2048;

  /** A gap in time that starts a new block, so a late row does not widen a block's range. */
  static final long MAX_GAP_NANOS = 60_000_000_000L;

  /** Bits per distinct key: about 1 % false positives with {@link #PROBES} probes. */
  private static final int BITS_PER_KEY = 10;

  /**
   * Each writing thread's hash table of distinct keys ({@link #appendBlock}), all zero between
   * calls; as large as the largest block it held (≤ 2 × {@link #MAX_ROWS} × keys per span longs).
   */
  private static final ThreadLocal<long[]> TABLES = ThreadLocal.withInitial(() -> new long[0]);

  static final int PROBES = 5;

  /** The slot of a block's row without a filter. */
  static final short UNINDEXED = -1;

  /** One row's part: its time (event time, span start), keys, whether indexable. */
  record Entry(long timeNanos, long[] keys, boolean indexable) {}

  private final Map<String, List<Entry>> byTenant = new HashMap<>();

  private @Nullable String lastTenant;
  private @Nullable List<Entry> lastEntries;

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

  /** Adds the entries of {@code other} (left as it was; the entries are shared, not copied). */
  void addAll(KeyBlocks other) {
    for (Map.Entry<String, List<Entry>> t : other.byTenant.entrySet()) {
      byTenant.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).addAll(t.getValue());
    }
    lastTenant = null;
    lastEntries = null;
  }

  /** Appends the blocks, in the column order of {@code log_blocks} and {@code span_blocks}. */
  void appendTo(DuckDBAppender a) throws SQLException {
    for (Map.Entry<String, List<Entry>> t : byTenant.entrySet()) {
      List<Entry> entries = t.getValue();
      entries.sort(Comparator.comparingLong(Entry::timeNanos));
      int from = 0;
      for (int i = 1; i <= entries.size(); i++) {
        if (i == entries.size()
            || i - from >= MAX_ROWS
            || entries.get(i).timeNanos() - entries.get(i - 1).timeNanos() > MAX_GAP_NANOS) {
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
      min = Math.min(min, e.timeNanos());
      max = Math.max(max, e.timeNanos());
      total += e.keys().length;
      indexable &= e.indexable();
    }
    if (!indexable) {
      row(a, tenant, id, min, max, block.size(), UNINDEXED, new byte[0]);
      return;
    }
    // the distinct keys, by open addressing (a sort of every key cost a third of the writer's time)
    // in this thread's table, zero on its first `capacity` slots and zeroed again below: a block
    // of 2,048 spans with ~30 keys each wants 1 MB, which a new array made a humongous allocation
    // per block (~30 a second at 60 k spans/s, each starting a concurrent GC cycle)
    int capacity = Integer.highestOneBit(Math.max(16, total * 2 - 1)) << 1;
    long[] table = TABLES.get();
    if (table.length < capacity) {
      table = new long[capacity];
      TABLES.set(table);
    }
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
    for (int i = 0; i < capacity; i++) {
      long k = table[i];
      if (k != 0) {
        set(bits[page(k, pages)], k, pageBits);
        table[i] = 0;
      }
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
      int rows,
      short slot,
      byte[] bits)
      throws SQLException {
    a.beginRow();
    a.append(tenant);
    a.append(id);
    a.append(min);
    a.append(max);
    a.append(rows);
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

  /**
   * The time ranges [from, to), disjoint, sorted and within [start, end), that hold every row of
   * the tenant whose block in {@code table} may hold all these keys (not empty): the ranges of
   * those blocks and of the blocks without a filter, merged; null when there are more than {@code
   * maxRanges} (the caller reads the whole range instead).
   */
  static @Nullable List<long[]> candidateRanges(
      Connection c, String table, String tenant, long start, long end, long[] keys, int maxRanges)
      throws SQLException {
    // the rows needed: for every page count, the pages of the keys
    List<Short> slots = new ArrayList<>();
    for (int pages = 1; pages <= 16; pages <<= 1) {
      for (long k : keys) {
        short slot = slot(pages, page(k, pages));
        if (!slots.contains(slot)) slots.add(slot);
      }
    }
    slots.add(UNINDEXED);
    StringBuilder in = new StringBuilder();
    for (Short s : slots) in.append(in.length() == 0 ? "" : ", ").append(s);
    record Block(long min, long max, int[] found) {}
    Map<Long, Block> blocks = new HashMap<>();
    List<long[]> ranges = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT block, min_ns, max_ns, slot, bits FROM "
                + table
                + " WHERE tenant = ? AND max_ns >= ? AND min_ns < ? AND slot IN ("
                + in
                + ")")) {
      ps.setString(1, tenant);
      ps.setLong(2, start);
      ps.setLong(3, end);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long min = rs.getLong(2);
          long max = rs.getLong(3);
          short slot = rs.getShort(4);
          if (slot == UNINDEXED) {
            ranges.add(new long[] {min, max});
            continue;
          }
          int pages = slot / 16;
          int page = slot % 16;
          byte[] bits = rs.getBytes(5);
          Block b = blocks.computeIfAbsent(rs.getLong(1), id -> new Block(min, max, new int[1]));
          for (long k : keys) {
            if (page(k, pages) == page && mayContain(bits, k)) {
              b.found()[0]++;
            }
          }
        }
      }
    }
    for (Block b : blocks.values()) {
      if (b.found()[0] == keys.length) ranges.add(new long[] {b.min(), b.max()});
    }
    // to [from, to) within [start, end), sorted and merged
    List<long[]> clipped = new ArrayList<>(ranges.size());
    for (long[] r : ranges) {
      long from = Math.max(r[0], start);
      long to = r[1] == Long.MAX_VALUE ? Long.MAX_VALUE : r[1] + 1;
      to = Math.min(to, end);
      if (from < to) clipped.add(new long[] {from, to});
    }
    clipped.sort((x, y) -> Long.compare(x[0], y[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] r : clipped) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.add(r);
      if (merged.size() > maxRanges) return null;
    }
    return merged;
  }
}
