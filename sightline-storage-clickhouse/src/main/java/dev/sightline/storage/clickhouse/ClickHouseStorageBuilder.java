package dev.sightline.storage.clickhouse;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Builds a {@link ClickHouseStorage}; each setter validates its argument at once. */
public final class ClickHouseStorageBuilder {
  private @Nullable URI url;
  private String database = "sightline";
  private @Nullable String user;
  private @Nullable String password;
  private int queueCapacity = 100_000;
  private int maxBatchItems = 10_000;

  private int maxAttempts = 5;
  private Duration initialBackoff = Duration.ofMillis(100);
  private Duration maxBatchDelay = DEFAULT_MAX_BATCH_DELAY;

  /** See {@link #maxBatchDelay}. */
  static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofMillis(200);

  private Duration requestTimeout = Duration.ofSeconds(60);
  private @Nullable String cluster;
  private List<URI> clusterNodes = List.of();
  private boolean replicated;
  private boolean traceLookups = true;
  private boolean scanReads;
  private IndexedKeys indexedKeys = IndexedKeys.ALL;
  private int maxIndexCandidates = IndexedTraceRanking.MAX_CANDIDATES;
  private Duration serviceMapInterval = DEFAULT_SERVICE_MAP_INTERVAL;

  /**
   * How often the service map's closed hours are computed by default ({@link ServiceEdgeRollup}).
   */
  static final Duration DEFAULT_SERVICE_MAP_INTERVAL = Duration.ofMinutes(1);

  ClickHouseStorageBuilder() {}

  /** The HTTP interface, e.g. {@code http://clickhouse:8123}. Required. */
  public ClickHouseStorageBuilder url(String url) {
    Objects.requireNonNull(url, "url");
    this.url = httpUri(url);
    return this;
  }

  private static URI httpUri(String url) {
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("url must be http:// or https://, was " + url);
    }
    if (uri.getHost() == null) throw new IllegalArgumentException("url has no host: " + url);
    return uri;
  }

  /**
   * The database, created if missing; letters, digits and underscores. Default {@code sightline}.
   */
  public ClickHouseStorageBuilder database(String database) {
    Objects.requireNonNull(database, "database");
    Sql.identifier(database); // validates
    this.database = database;
    return this;
  }

  /** The user (HTTP basic authentication); unset: the server's {@code default} user. */
  public ClickHouseStorageBuilder user(String user) {
    this.user = Objects.requireNonNull(user, "user");
    return this;
  }

  public ClickHouseStorageBuilder password(String password) {
    this.password = Objects.requireNonNull(password, "password");
    return this;
  }

  /** Items accepted but not yet acknowledged by ClickHouse; beyond it writes are refused. */
  public ClickHouseStorageBuilder queueCapacity(int queueCapacity) {
    if (queueCapacity <= 0) throw new IllegalArgumentException("queueCapacity must be positive");
    this.queueCapacity = queueCapacity;
    return this;
  }

  /** Items coalesced into one INSERT per table (a bigger batch stays whole). */
  public ClickHouseStorageBuilder maxBatchItems(int maxBatchItems) {
    if (maxBatchItems <= 0) throw new IllegalArgumentException("maxBatchItems must be positive");
    this.maxBatchItems = maxBatchItems;
    return this;
  }

  /**
   * How long the writer may hold an INSERT smaller than {@link #maxBatchItems} open for more
   * batches, counted from the arrival of the oldest batch in it; it stops waiting earlier when no
   * batch arrived for a tenth of it (the senders are waiting for this insert). ClickHouse writes a
   * part per INSERT (and one per materialized view) and merges parts in the background: bigger,
   * fewer inserts cost it less per row (measured: bench/README.md, ClickHouse). Zero: insert
   * whatever is queued at once. Default 200 ms: a write is acknowledged at most that much later
   * than without.
   */
  public ClickHouseStorageBuilder maxBatchDelay(Duration maxBatchDelay) {
    Objects.requireNonNull(maxBatchDelay, "maxBatchDelay");
    if (maxBatchDelay.isNegative() || maxBatchDelay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("maxBatchDelay must be between 0 and 10 s");
    }
    this.maxBatchDelay = maxBatchDelay;
    return this;
  }

  /** Tries of one INSERT on retryable errors before its writes fail. Default 5. */
  public ClickHouseStorageBuilder maxAttempts(int maxAttempts) {
    if (maxAttempts <= 0) throw new IllegalArgumentException("maxAttempts must be positive");
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** The wait before the first retry, doubled at each (up to 2 s). Default 100 ms. */
  public ClickHouseStorageBuilder initialBackoff(Duration initialBackoff) {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("initialBackoff must be non-negative");
    }
    this.initialBackoff = initialBackoff;
    return this;
  }

  /** How long one HTTP request may take. Default 60 s. */
  public ClickHouseStorageBuilder requestTimeout(Duration requestTimeout) {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
    this.requestTimeout = requestTimeout;
    return this;
  }

  /**
   * Shards the tables over the cluster {@code name} of the servers' {@code remote_servers}: {@code
   * <table>_local} tables (and the materialized views) on every node, {@code Distributed} tables in
   * front of them sharded by trace id, so that a trace lives on one shard. Inserts go through the
   * {@code Distributed} tables synchronously ({@code insert_distributed_sync=1}: acknowledged =
   * stored on its shard). Unset: the tables of one server.
   */
  public ClickHouseStorageBuilder cluster(String name) {
    Objects.requireNonNull(name, "cluster");
    Sql.identifier(name); // validates
    this.cluster = name;
    return this;
  }

  /**
   * The HTTP interface of every node of the {@link #cluster} (each replica of each shard), to which
   * the schema and retention statements are sent. Unset: derived from {@code system.clusters} with
   * the {@link #url}'s scheme and port (every node serving HTTP on the same port).
   */
  public ClickHouseStorageBuilder clusterNodes(List<String> urls) {
    Objects.requireNonNull(urls, "clusterNodes");
    List<URI> nodes = new ArrayList<>();
    for (String u : urls) nodes.add(httpUri(Objects.requireNonNull(u, "clusterNodes element")));
    this.clusterNodes = List.copyOf(nodes);
    return this;
  }

  /**
   * Whether the local tables of the {@link #cluster} are {@code ReplicatedMergeTree} (ZooKeeper
   * configured on every node, and the macros {@code {shard}} and {@code {replica}} defined in each
   * node's config). Default false.
   */
  public ClickHouseStorageBuilder replicated(boolean replicated) {
    this.replicated = replicated;
    return this;
  }

  /**
   * Whether the lookup tables are kept ({@code spans_by_trace}, {@code attr_index}: module README,
   * Schema and Readers) and trace by id and trace search read through them. Default true.
   *
   * <p>False, for ingest-first deployments: their views are not created (dropped, with the tables,
   * when the store had them), the writer sends no index rows, and the readers scan {@code spans} as
   * before the tables existed: the same answers, slower at volume (trace by id p99 and attribute
   * search several times slower at 10 M spans), for about half of ClickHouse's CPU per stored span
   * and a third of the disk. Turning them on again for an existing store re-creates them and
   * back-fills them from the stored spans at start (like the migration from version 1). Every
   * Sightline server writing to one database must use the same setting: see the operations guide.
   */
  public ClickHouseStorageBuilder traceLookups(boolean traceLookups) {
    this.traceLookups = traceLookups;
    return this;
  }

  /**
   * Only these attribute keys go into {@code attr_index} (span and resource attributes alike): a
   * trace search filtering on none of them scans {@code spans} (the same answers, slower at
   * volume), one filtering on one of them takes its candidates from the index and checks them
   * exactly. Default: every key. Fewer keys, fewer index rows per span: less ClickHouse CPU, merge
   * work and disk per stored span (measured: module README, Performance). A changed set is rebuilt
   * from the stored spans at start (a back-fill of {@code attr_index}).
   */
  public ClickHouseStorageBuilder indexedAttributes(java.util.Collection<String> keys) {
    java.util.Objects.requireNonNull(keys, "indexedAttributes");
    for (String k : keys) {
      if (k == null || k.isEmpty()) {
        throw new IllegalArgumentException("indexedAttributes must not hold an empty key");
      }
    }
    this.indexedKeys = IndexedKeys.of(keys);
    return this;
  }

  /**
   * How often this server computes the service map's closed hours ({@link ServiceEdgeRollup}:
   * stored edges, read where still exact); default 1 minute, the first pass half of it after start.
   * {@link Duration#ZERO}: never (maps of long ranges are then joined at query time; other servers
   * of the database may still compute hours, which readers use alike).
   */
  public ClickHouseStorageBuilder serviceMapInterval(Duration interval) {
    if (interval.isNegative()
        || (!interval.isZero() && interval.compareTo(Duration.ofSeconds(1)) < 0)) {
      throw new IllegalArgumentException(
          "serviceMapInterval must be zero or at least 1s: " + interval);
    }
    this.serviceMapInterval = interval;
    return this;
  }

  /** Every attribute key goes into {@code attr_index} (the default). */
  public ClickHouseStorageBuilder indexAllAttributes() {
    this.indexedKeys = IndexedKeys.ALL;
    return this;
  }

  /**
   * Tests and benchmarks: read by scanning {@code spans} although the lookup tables are kept (the
   * schema is left as the other settings make it): to compare both read paths on one store.
   */
  ClickHouseStorageBuilder scanReads(boolean scanReads) {
    this.scanReads = scanReads;
    return this;
  }

  /** Tests: candidates of an attribute search beyond which it scans (default 20,000). */
  ClickHouseStorageBuilder maxIndexCandidates(int maxIndexCandidates) {
    if (maxIndexCandidates <= 0) {
      throw new IllegalArgumentException("maxIndexCandidates must be positive");
    }
    this.maxIndexCandidates = maxIndexCandidates;
    return this;
  }

  /**
   * Connects, detects the server version and creates the database and tables that are missing.
   *
   * @throws IllegalStateException when no url was given or ClickHouse cannot be reached
   */
  public ClickHouseStorage build() {
    if (url == null) throw new IllegalStateException("url is required");
    if (cluster == null && (replicated || !clusterNodes.isEmpty())) {
      throw new IllegalStateException("replicated and clusterNodes need a cluster");
    }
    ClickHouseHttp http = ClickHouseHttp.create(url, database, user, password, requestTimeout);
    TableLayout layout = new TableLayout(database, cluster, replicated);
    ClickHouseSchema schema;
    List<ClickHouseHttp> nodes;
    try {
      nodes = cluster == null ? List.of(http) : ClusterNodes.resolve(http, cluster, clusterNodes);
      schema = ClickHouseSchema.apply(nodes, layout, traceLookups, indexedKeys);
    } catch (ClickHouseException e) {
      throw new IllegalStateException(
          "cannot open ClickHouse storage at " + url + ": " + e.getMessage(), e);
    }
    if (cluster != null) {
      // an insert is acknowledged once stored on its shard, not when queued on this node;
      // IN (subquery) on a Distributed table reads each shard's local table: exact, since the
      // rows of one trace are on one shard
      http =
          http.withSetting("insert_distributed_sync", "1")
              .withSetting("distributed_product_mode", "local");
    }
    ClickHouseWriter writer =
        new ClickHouseWriter(
            http,
            queueCapacity,
            maxBatchItems,
            maxBatchDelay,
            maxAttempts,
            initialBackoff,
            traceLookups ? indexedKeys : null);
    return new ClickHouseStorage(
        http,
        schema,
        writer,
        new Retention(nodes, layout, traceLookups, schema.hourlySince()),
        traceLookups && !scanReads,
        maxIndexCandidates,
        indexedKeys,
        serviceMapInterval);
  }
}
