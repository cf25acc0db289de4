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

  DuckDbStorageBuilder() {}

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
