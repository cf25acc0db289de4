package dev.sightline.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where telemetry is stored ({@code --storage}) and that backend's own settings. The data folder
 * ({@link ServerConfig#dataDir()}) is not part of it: it holds SLO specs, alert state and incidents
 * with every backend.
 */
public sealed interface StorageConfig {

  /** The backend's name as {@code --storage} takes it. */
  StorageKind kind();

  /**
   * The embedded DuckDB database in the data folder (the default).
   *
   * @param memoryLimit DuckDB {@code memory_limit}, such as {@code 4GB}
   * @param threads worker threads; 0: one fewer than the cores, at least 1
   * @param indexedAttributes attribute keys indexed by value
   */
  record DuckDb(String memoryLimit, int threads, List<String> indexedAttributes)
      implements StorageConfig {
    public DuckDb {
      Objects.requireNonNull(memoryLimit, "memoryLimit");
      if (threads < 0) throw new IllegalArgumentException("storage-threads must not be negative");
      indexedAttributes = List.copyOf(indexedAttributes);
      if (indexedAttributes.size()
          > dev.sightline.storage.duckdb.DuckDbStorageBuilder.MAX_INDEXED_ATTRIBUTES) {
        throw new IllegalArgumentException(
            "indexed-attributes: at most "
                + dev.sightline.storage.duckdb.DuckDbStorageBuilder.MAX_INDEXED_ATTRIBUTES
                + " keys");
      }
    }

    @Override
    public StorageKind kind() {
      return StorageKind.DUCKDB;
    }
  }

  /**
   * A ClickHouse server, spoken to over its HTTP interface.
   *
   * @param url {@code http://HOST:8123} or {@code https://…}, without user information
   * @param database letters, digits and underscores
   * @param user HTTP basic user; null: the server's {@code default} user
   * @param password null: none; never printed ({@link #toString()} masks it)
   */
  record ClickHouse(
      URI url,
      String database,
      @Nullable String user,
      @Nullable String password,
      @Nullable String cluster,
      List<URI> clusterNodes,
      boolean replicated,
      boolean traceLookups,
      @Nullable List<String> indexedAttributes,
      Duration batchDelay,
      Duration serviceMapInterval)
      implements StorageConfig {
    /** {@code --clickhouse-map-interval}'s default: the storage's. */
    public static final Duration DEFAULT_SERVICE_MAP_INTERVAL = Duration.ofMinutes(1);

    /** {@code --clickhouse-batch-delay}'s default: the writer's (ClickHouseStorageBuilder). */
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(200);

    /** The longest {@code --clickhouse-batch-delay}. */
    public static final Duration MAX_BATCH_DELAY = Duration.ofSeconds(10);

    public ClickHouse {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(batchDelay, "batchDelay");
      Objects.requireNonNull(serviceMapInterval, "serviceMapInterval");
      if (serviceMapInterval.isNegative()
          || (!serviceMapInterval.isZero() && serviceMapInterval.toMillis() < 1000)) {
        throw new IllegalArgumentException(
            "serviceMapInterval must be 0 or at least 1s: " + serviceMapInterval);
      }
      if (batchDelay.isNegative() || batchDelay.compareTo(MAX_BATCH_DELAY) > 0) {
        throw new IllegalArgumentException("batchDelay must be between 0 and 10s: " + batchDelay);
      }
      clusterNodes = List.copyOf(clusterNodes);
      if (indexedAttributes != null) indexedAttributes = List.copyOf(indexedAttributes);
    }

    /** With the lookup tables kept for every attribute key (the defaults). */
    public ClickHouse(
        URI url,
        String database,
        @Nullable String user,
        @Nullable String password,
        @Nullable String cluster,
        List<URI> clusterNodes,
        boolean replicated) {
      this(
          url,
          database,
          user,
          password,
          cluster,
          clusterNodes,
          replicated,
          true,
          null,
          DEFAULT_BATCH_DELAY,
          DEFAULT_SERVICE_MAP_INTERVAL);
    }

    /** One node: no cluster. */
    public ClickHouse(URI url, String database, @Nullable String user, @Nullable String password) {
      this(url, database, user, password, null, List.of(), false);
    }

    @Override
    public StorageKind kind() {
      return StorageKind.CLICKHOUSE;
    }

    /** The URL, database and user, for logs: never the password. */
    public String describe() {
      return url
          + ", database "
          + database
          + (user == null ? "" : ", user " + user)
          + (cluster == null ? "" : ", cluster " + cluster + (replicated ? " (replicated)" : ""))
          + (traceLookups ? "" : ", without trace lookup tables")
          + (!traceLookups || indexedAttributes == null
              ? ""
              : ", attributes indexed: " + String.join(", ", indexedAttributes));
    }

    @Override
    public String toString() {
      return "ClickHouse[" + describe() + (password == null ? "" : ", password ****") + "]";
    }
  }
}
