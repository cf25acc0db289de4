package dev.sightline.server.storage;

import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.server.config.ServerConfig;
import dev.sightline.server.config.StorageConfig;
import dev.sightline.storage.clickhouse.ClickHouseStorage;
import dev.sightline.storage.clickhouse.ClickHouseStorageBuilder;
import dev.sightline.storage.duckdb.DuckDbStorage;
import dev.sightline.storage.duckdb.DuckDbStorageBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the storage backend of {@link ServerConfig#storage()}: the one place that knows each
 * backend's builder, so the rest of the server sees only {@link StorageComponent} and its declared
 * capabilities.
 */
public final class StorageBackends {

  /**
   * An open backend and how to name it in logs.
   *
   * @param description e.g. {@code ClickHouse 23.8.1 at http://ch:8123, database sightline}: never
   *     a password
   */
  public record Opened(StorageComponent storage, String description) {
    public Opened {
      Objects.requireNonNull(storage, "storage");
      Objects.requireNonNull(description, "description");
    }
  }

  private StorageBackends() {}

  /**
   * Opens the configured backend; its backend-specific gauges go to {@code telemetry}.
   *
   * @throws IllegalStateException when the backend cannot be opened (ClickHouse unreachable, the
   *     data folder locked), with the reason
   */
  public static Opened open(ServerConfig config, SelfTelemetry telemetry) {
    StorageConfig storage = config.storage();
    if (storage instanceof StorageConfig.DuckDb duck) {
      DuckDbStorageBuilder builder =
          DuckDbStorage.builder()
              .dataDir(config.dataDir())
              .queueCapacity(config.writeQueueItems())
              .memoryLimit(duck.memoryLimit());
      if (duck.threads() > 0) builder.threads(duck.threads());
      builder.indexedAttributes(duck.indexedAttributes());
      DuckDbStorage duckDb = builder.build();
      edgePairingGauges(duckDb, telemetry);
      return new Opened(duckDb, "DuckDB in " + config.dataDir().toAbsolutePath().normalize());
    }
    StorageConfig.ClickHouse ch = (StorageConfig.ClickHouse) storage;
    ClickHouseStorageBuilder builder =
        ClickHouseStorage.builder()
            .url(ch.url().toString())
            .database(ch.database())
            .queueCapacity(config.writeQueueItems())
            .traceLookups(ch.traceLookups())
            .maxBatchDelay(ch.batchDelay())
            .serviceMapInterval(ch.serviceMapInterval());
    if (ch.indexedAttributes() != null) builder.indexedAttributes(ch.indexedAttributes());
    if (ch.user() != null) builder.user(ch.user());
    if (ch.password() != null) builder.password(ch.password());
    if (ch.cluster() != null) {
      builder
          .cluster(ch.cluster())
          .replicated(ch.replicated())
          .clusterNodes(ch.clusterNodes().stream().map(java.net.URI::toString).toList());
    }
    ClickHouseStorage clickHouse = builder.build();
    return new Opened(
        clickHouse, "ClickHouse " + clickHouse.serverVersion() + " at " + ch.describe());
  }

  /**
   * One line per capability {@code storage} lacks, naming what is off because of it; empty when it
   * offers them all.
   *
   * @throws IllegalStateException when a core reader (writer, traces, logs, metrics) is missing
   */
  public static List<String> featuresOff(StorageComponent storage) {
    String backend = storage.getClass().getSimpleName();
    Objects.requireNonNull(storage.writer(), backend + " has no writer");
    Objects.requireNonNull(storage.traceReader(), backend + " has no trace reader");
    Objects.requireNonNull(storage.logReader(), backend + " has no log reader");
    Objects.requireNonNull(storage.metricReader(), backend + " has no metric reader");
    List<String> off = new ArrayList<>();
    for (StorageCapability c : StorageCapability.values()) {
      if (c.isOfferedBy(storage)) continue;
      String consequence =
          switch (c) {
            case SPAN_METRICS ->
                "RED metrics and the service map answer 501, SLO evaluation, alerts and"
                    + " incidents are off";
            case SPAN_COUNTS ->
                "SLIs with span attribute filters or a latency threshold report" + " 'unsupported'";
            case SERVICE_VERSIONS ->
                "deployments are not listed and incidents do not name recent changes";
            case COUNTER_INCREASE -> "metric SLIs over OTLP counters report 'unsupported'";
          };
      off.add(c.missingIn(storage) + ": " + consequence);
    }
    return off;
  }

  /** In-memory pairing of DuckDB's service-graph edges: entries held, and evicted unpaired. */
  private static void edgePairingGauges(DuckDbStorage duckDb, SelfTelemetry telemetry) {
    telemetry.gauge(
        "sightline_service_edge_pairing_callers",
        "CLIENT/PRODUCER spans held for service-graph children that arrive later.",
        () -> duckDb.edgePairingStats().recentCallers());
    telemetry.gauge(
        "sightline_service_edge_pairing_waiting_children",
        "Spans held waiting for their parent span to pair a service-graph edge.",
        () -> duckDb.edgePairingStats().waitingChildren());
    telemetry.gauge(
        "sightline_service_edge_pairing_evicted_callers",
        "CLIENT/PRODUCER spans dropped from the edge pairing (window or cap) since start.",
        () -> duckDb.edgePairingStats().evictedCallers());
    telemetry.gauge(
        "sightline_service_edge_pairing_evicted_waiting_children",
        "Spans dropped from the edge pairing before their parent arrived, since start: an upper"
            + " bound of the service-graph calls not counted.",
        () -> duckDb.edgePairingStats().evictedWaitingChildren());
  }
}
