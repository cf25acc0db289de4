package dev.sightline.storage.duckdb;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Configures and opens a {@link DuckDbStorage}. Each setter validates its argument at once. */
public final class DuckDbStorageBuilder {
  static final int DEFAULT_QUEUE_CAPACITY = 100_000;
  static final int DEFAULT_MAX_BATCH_ITEMS = 20_000;
  static final int DEFAULT_OVERLAP_ITEMS = 8_192;
  static final int DEFAULT_READER_CONNECTIONS = 4;
  static final String DEFAULT_CHECKPOINT_THRESHOLD = "256MB";
  private static final String SIZE =
      "(?i)\\s*\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\\s*";

  @Nullable Path dataDir;
  int queueCapacity = DEFAULT_QUEUE_CAPACITY;
  int maxBatchItems = DEFAULT_MAX_BATCH_ITEMS;
  int overlapItems = DEFAULT_OVERLAP_ITEMS;
  int readerConnections = DEFAULT_READER_CONNECTIONS;
  @Nullable String memoryLimit;
  int threads;
  String checkpointThreshold = DEFAULT_CHECKPOINT_THRESHOLD;

  /**
   * The default cap of each edge-pairing map: 1,000,000, or fewer on a smaller heap, so that both
   * maps full (about 150 bytes an entry) take at most a tenth of the maximum heap; 10,000 at least.
   */
  static final int DEFAULT_EDGE_PAIRING_CAP =
      (int) Math.max(10_000, Math.min(1_000_000, Runtime.getRuntime().maxMemory() / 10 / 2 / 150));

  static final java.time.Duration DEFAULT_EDGE_PAIRING_WINDOW = java.time.Duration.ofMinutes(5);
  boolean serviceEdgesAtIngest = true;
  int edgePairingMaxCallers = DEFAULT_EDGE_PAIRING_CAP;
  int edgePairingMaxWaitingChildren = DEFAULT_EDGE_PAIRING_CAP;
  java.time.Duration edgePairingWindow = DEFAULT_EDGE_PAIRING_WINDOW;
  java.time.Duration compactionInterval = java.time.Duration.ofMinutes(1);
  java.util.Set<String> indexedAttributes = java.util.Set.copyOf(DEFAULT_INDEXED_ATTRIBUTES);

  /**
   * Attribute keys whose values identify few traces (a user, a session, an order, a request), so
   * that searching by one should not read every span of the range: see {@link #indexedAttributes}.
   */
  public static final java.util.List<String> DEFAULT_INDEXED_ATTRIBUTES =
      java.util.List.of(
          "enduser.id",
          "user.id",
          "session.id",
          "customer.id",
          "order.id",
          "request.id",
          "messaging.message.id");

  /** At most this many indexed keys; each costs a pass over the spans when the set changes. */
  public static final int MAX_INDEXED_ATTRIBUTES = 32;

  DuckDbStorageBuilder() {}

  /**
   * Attribute keys indexed by value (default {@link #DEFAULT_INDEXED_ATTRIBUTES}; empty: none). A
   * trace search filtering on one of them reads the traces holding the value from the index and
   * checks only their spans, instead of reading the attributes of every span of the range, which
   * costs seconds at 10 M spans for a value held by few traces. Each commit adds a row per trace
   * and value of these keys. Changing the set rebuilds the index from the stored spans at the next
   * open (one pass per key).
   */
  public DuckDbStorageBuilder indexedAttributes(java.util.Collection<String> keys) {
    java.util.Set<String> set = new java.util.LinkedHashSet<>();
    for (String key : requireNonNull(keys, "keys")) {
      if (key == null || key.isBlank() || key.length() > 256) {
        throw new IllegalArgumentException(
            "indexed attribute keys must be non-blank and at most 256 characters: '" + key + "'");
      }
      set.add(key);
    }
    if (set.size() > MAX_INDEXED_ATTRIBUTES) {
      throw new IllegalArgumentException(
          "at most " + MAX_INDEXED_ATTRIBUTES + " indexed attribute keys, not " + set.size());
    }
    this.indexedAttributes = java.util.Set.copyOf(set);
    return this;
  }

  /** The folder holding the database; created if missing. The database file is inside it. */
  public DuckDbStorageBuilder dataDir(Path dataDir) {
    this.dataDir = requireNonNull(dataDir, "dataDir");
    return this;
  }

  /**
   * Items (spans, log records or metric points) accepted but not yet durable before writes are
   * refused with {@code StorageOverloadedException}. Default {@value #DEFAULT_QUEUE_CAPACITY}.
   */
  public DuckDbStorageBuilder queueCapacity(int queueCapacity) {
    if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be positive");
    this.queueCapacity = queueCapacity;
    return this;
  }

  /**
   * Queued items from which the writer appends the next group while the previous one commits
   * (default {@value #DEFAULT_OVERLAP_ITEMS}); below it, the writer waits for the commit and forms
   * one larger group. 1: always overlap; {@link Integer#MAX_VALUE}: never.
   */
  public DuckDbStorageBuilder overlapItems(int overlapItems) {
    if (overlapItems < 1) throw new IllegalArgumentException("overlapItems must be positive");
    this.overlapItems = overlapItems;
    return this;
  }

  /**
   * Items the writer commits together at most (a single larger batch is still committed whole).
   * Default {@value #DEFAULT_MAX_BATCH_ITEMS}.
   */
  public DuckDbStorageBuilder maxBatchItems(int maxBatchItems) {
    if (maxBatchItems < 1) throw new IllegalArgumentException("maxBatchItems must be positive");
    this.maxBatchItems = maxBatchItems;
    return this;
  }

  /** Default of {@link #derivedFlushInterval}. */
  static final java.time.Duration DEFAULT_DERIVED_FLUSH_INTERVAL = java.time.Duration.ofSeconds(1);

  /** Default of {@link #derivedFlushSpans}. */
  static final int DEFAULT_DERIVED_FLUSH_SPANS = 65_536;

  java.time.Duration derivedFlushInterval = DEFAULT_DERIVED_FLUSH_INTERVAL;
  int derivedFlushSpans = DEFAULT_DERIVED_FLUSH_SPANS;

  /**
   * How long the rows derived from committed spans (RED, trace summaries, service operations, the
   * attribute and span block indexes) may wait in memory before they are written (default 1 s; a
   * reader of them never waits that long: it has them written first). {@link
   * java.time.Duration#ZERO}: with every commit group, as before version 3. See {@code
   * DerivedBacklog}.
   */
  public DuckDbStorageBuilder derivedFlushInterval(java.time.Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("derivedFlushInterval must not be negative");
    }
    this.derivedFlushInterval = interval;
    return this;
  }

  /** Spans whose derived rows may wait at most (default {@value #DEFAULT_DERIVED_FLUSH_SPANS}). */
  public DuckDbStorageBuilder derivedFlushSpans(int spans) {
    if (spans < 1) throw new IllegalArgumentException("derivedFlushSpans must be positive");
    this.derivedFlushSpans = spans;
    return this;
  }

  /** Idle reader connections kept for reuse. Default {@value #DEFAULT_READER_CONNECTIONS}. */
  public DuckDbStorageBuilder readerConnections(int readerConnections) {
    if (readerConnections < 1) {
      throw new IllegalArgumentException("readerConnections must be positive");
    }
    this.readerConnections = readerConnections;
    return this;
  }

  /** DuckDB's {@code memory_limit}, for example {@code "2GB"}. Default: DuckDB's (80% of RAM). */
  public DuckDbStorageBuilder memoryLimit(String memoryLimit) {
    requireNonNull(memoryLimit, "memoryLimit");
    if (!memoryLimit.matches(SIZE)) {
      throw new IllegalArgumentException("memoryLimit must look like 512MB or 2GB: " + memoryLimit);
    }
    this.memoryLimit = memoryLimit.trim();
    return this;
  }

  /**
   * WAL size at which DuckDB checkpoints (DuckDB's {@code checkpoint_threshold}), for example
   * {@code "256MB"}. The checkpoint runs inside the commit that crosses it and stalls the writer
   * meanwhile, so a larger value means fewer, longer stalls and a longer WAL replay at start-up.
   * Default {@value #DEFAULT_CHECKPOINT_THRESHOLD} (DuckDB's own is 16MB, which costs about half of
   * the write throughput here).
   */
  public DuckDbStorageBuilder checkpointThreshold(String checkpointThreshold) {
    requireNonNull(checkpointThreshold, "checkpointThreshold");
    if (!checkpointThreshold.matches(SIZE)) {
      throw new IllegalArgumentException(
          "checkpointThreshold must look like 256MB or 1GB: " + checkpointThreshold);
    }
    this.checkpointThreshold = checkpointThreshold.trim();
    return this;
  }

  /**
   * DuckDB's worker threads. Default {@link #defaultThreads()}: one core fewer than the machine
   * has, at least one.
   */
  public DuckDbStorageBuilder threads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be positive");
    this.threads = threads;
    return this;
  }

  /**
   * The default of {@link #threads}: the available cores minus one, at least one. DuckDB's own
   * default (every core) measured worse on both sides on 2 cores (module README "DuckDB's worker
   * threads"): each statement and appender flush of the writer hands work to the pool and waits, ~5
   * µs of CPU per stored span went to that coordination, and with the OTLP decoding on the same
   * cores the parallel scans gained nothing either: ingest +15 %, every query's p50 equal or lower
   * with one thread. The core left over serves the decoding threads.
   */
  static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  /**
   * How often the RED rows of each series are merged across commit groups ({@link
   * DuckDbStorage#compactSpanMetrics}): every minute unless set; {@code Duration.ZERO} never (tests
   * that count rows). Each pass merges the buckets up to 30 s ago, from an hour before the previous
   * pass's end (late spans), the first pass everything.
   */
  public DuckDbStorageBuilder compactionInterval(java.time.Duration compactionInterval) {
    if (compactionInterval.isNegative()) {
      throw new IllegalArgumentException("compactionInterval must be >= 0");
    }
    this.compactionInterval = compactionInterval;
    return this;
  }

  /**
   * Whether the writer derives service-graph edges as spans are committed, into the {@code
   * service_edges} table, so that {@code serviceEdges} sums pre-aggregated 10 s buckets instead of
   * joining stored spans at query time. Default {@code true}.
   *
   * <p>On, the writer thread pairs each span with its parent or children in memory ({@link
   * ServiceEdgePairer}: recent CLIENT/PRODUCER spans and children still waiting for their parent,
   * hashed by tenant, trace id and span id, bounded by {@link #edgePairingWindow} and the caps
   * {@link #edgePairingMaxCallers} and {@link #edgePairingMaxWaitingChildren}), so a commit costs
   * in proportion to its own spans. A pair whose two spans arrive further apart than the window (or
   * while the caps evict) is not counted; {@link DuckDbStorage#serviceEdgeStats()} counts the
   * evictions.
   *
   * <p>Off, nothing is derived at commit and {@code serviceEdges} joins the range's child spans
   * with their CLIENT/PRODUCER parents in {@code spans} at query time: exact whatever the arrival
   * order, but its cost grows with the spans in the range.
   *
   * <p>Switching is safe either way. Opening with it on derives the edges of all spans already
   * stored once, at open, unless the directory's edges have been maintained since an earlier open
   * with it on; opening with it off discards the maintained edges, so a later open with it on
   * derives them afresh.
   */
  public DuckDbStorageBuilder serviceEdgesAtIngest(boolean serviceEdgesAtIngest) {
    this.serviceEdgesAtIngest = serviceEdgesAtIngest;
    return this;
  }

  /**
   * How long (arrival time) the edge pairer keeps a CLIENT/PRODUCER span for children that arrive
   * later, and a child for its parent. Default 5 minutes. At open, the stored spans starting within
   * this long of the newest stored start are read back into the pairer.
   */
  public DuckDbStorageBuilder edgePairingWindow(java.time.Duration edgePairingWindow) {
    if (edgePairingWindow.isNegative() || edgePairingWindow.isZero()) {
      throw new IllegalArgumentException("edgePairingWindow must be positive");
    }
    this.edgePairingWindow = edgePairingWindow;
    return this;
  }

  /**
   * Recent CLIENT/PRODUCER spans the edge pairer keeps at most (the oldest go first); about 100
   * bytes each, plus about 50 per child paired with it. Default 1,000,000 (fewer on a heap under
   * about 3 GB: both maps full take at most a tenth of the maximum heap).
   */
  public DuckDbStorageBuilder edgePairingMaxCallers(int edgePairingMaxCallers) {
    if (edgePairingMaxCallers < 1) {
      throw new IllegalArgumentException("edgePairingMaxCallers must be positive");
    }
    this.edgePairingMaxCallers = edgePairingMaxCallers;
    return this;
  }

  /**
   * Children waiting for their parent that the edge pairer keeps at most (the oldest go first);
   * about 130 bytes each. Default 1,000,000 (fewer on a heap under about 3 GB: both maps full take
   * at most a tenth of the maximum heap).
   */
  public DuckDbStorageBuilder edgePairingMaxWaitingChildren(int edgePairingMaxWaitingChildren) {
    if (edgePairingMaxWaitingChildren < 1) {
      throw new IllegalArgumentException("edgePairingMaxWaitingChildren must be positive");
    }
    this.edgePairingMaxWaitingChildren = edgePairingMaxWaitingChildren;
    return this;
  }

  /**
   * Opens (or creates) the database and starts the writer thread.
   *
   * @throws IllegalStateException when no data directory was set
   * @throws StorageException when DuckDB cannot open the database
   */
  public DuckDbStorage build() {
    if (dataDir == null) throw new IllegalStateException("dataDir is required");
    return DuckDbStorage.open(this);
  }
}
