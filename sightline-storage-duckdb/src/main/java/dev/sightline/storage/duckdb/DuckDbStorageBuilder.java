package dev.sightline.storage.duckdb;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Configures and opens a {@link DuckDbStorage}. Each setter validates its argument at once. */
public final class DuckDbStorageBuilder {
  static final int DEFAULT_QUEUE_CAPACITY = 100_000;
  static final int DEFAULT_MAX_BATCH_ITEMS = 20_000;
  static final int DEFAULT_READER_CONNECTIONS = 4;
  static final String DEFAULT_CHECKPOINT_THRESHOLD = "256MB";
  private static final String SIZE =
      "(?i)\\s*\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\\s*";

  @Nullable Path dataDir;
  int queueCapacity = DEFAULT_QUEUE_CAPACITY;
  int maxBatchItems = DEFAULT_MAX_BATCH_ITEMS;
  int readerConnections = DEFAULT_READER_CONNECTIONS;
  @Nullable String memoryLimit;
  int threads;
  String checkpointThreshold = DEFAULT_CHECKPOINT_THRESHOLD;
  boolean serviceEdgesAtIngest;
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
   * Items the writer commits together at most (a single larger batch is still committed whole).
   * Default {@value #DEFAULT_MAX_BATCH_ITEMS}.
   */
  public DuckDbStorageBuilder maxBatchItems(int maxBatchItems) {
    if (maxBatchItems < 1) throw new IllegalArgumentException("maxBatchItems must be positive");
    this.maxBatchItems = maxBatchItems;
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

  /** DuckDB's worker threads for queries. Default: DuckDB's (the number of cores). */
  public DuckDbStorageBuilder threads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be positive");
    this.threads = threads;
    return this;
  }

  /**
   * <b>Experimental, not yet for production; default {@code false}.</b> Whether the writer derives
   * service-graph edges as spans are committed, into the {@code service_edges} table, so that
   * {@code serviceEdges} reads pre-aggregated buckets instead of joining stored spans at query
   * time.
   *
   * <p>Off (the default), nothing is derived at commit and {@code serviceEdges} joins the range's
   * child spans with their CLIENT/PRODUCER parents in {@code spans}; its cost grows with the spans
   * in the range.
   *
   * <p>On, every commit holding spans pairs them in SQL with the spans already stored within one
   * hour of them. DuckDB cannot probe the trace-id index for many keys at once, so that pairing
   * scans every stored span in the ±1 h window and costs write throughput that grows with the
   * stored spans: measured at about 0.68× the throughput without it at 1 M stored spans and 0.51×
   * at 3 M. That is why it is off. It becomes the default once the pairing happens in memory on the
   * writer thread (recent CLIENT/PRODUCER spans and unpaired children hashed by tenant, trace id
   * and span id, bounded by an arrival window and a size cap, the SQL join only as the fallback for
   * older counterparts and after a restart), so that a commit costs in proportion to its own spans
   * (see the module README).
   *
   * <p>Switching is safe either way. Opening with it on derives the edges of all spans already
   * stored once, at open, unless the directory's edges have been maintained since an earlier open
   * with it on; opening with it off discards the maintained edges, so a later open with it on
   * derives them afresh.
   */
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

  public DuckDbStorageBuilder serviceEdgesAtIngest(boolean serviceEdgesAtIngest) {
    this.serviceEdgesAtIngest = serviceEdgesAtIngest;
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
