package dev.sightline.storage.clickhouse;

import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceReader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage on a ClickHouse server over its HTTP interface. Build with {@link #builder()}; the
 * builder checks the server, detects its version and creates the schema. Writes are acknowledged
 * once ClickHouse acknowledged the INSERT holding them; readers query the server directly, so any
 * number of Sightline servers can share one ClickHouse.
 */
public final class ClickHouseStorage implements StorageComponent {
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseStorage.class);

  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final ClickHouseWriter writer;
  private final ClickHouseTraceReader traceReader;
  private final ClickHouseLogReader logReader;
  private final ClickHouseMetricReader metricReader;
  private final ClickHouseSpanMetricsReader spanMetricsReader;
  private final Retention retention;
  private final ServiceEdgeRollup serviceEdges;
  private final @Nullable ScheduledExecutorService serviceMapJob;
  private volatile boolean closed;

  ClickHouseStorage(
      ClickHouseHttp http,
      ClickHouseSchema schema,
      ClickHouseWriter writer,
      Retention retention,
      boolean traceLookups,
      int maxIndexCandidates,
      IndexedKeys indexedKeys,
      Duration serviceMapInterval) {
    this.http = http;
    this.schema = schema;
    this.writer = writer;
    this.traceReader =
        new ClickHouseTraceReader(
            http, traceLookups, maxIndexCandidates, indexedKeys, schema.hourlySince());
    this.logReader = new ClickHouseLogReader(http);
    this.metricReader = new ClickHouseMetricReader(http);
    boolean storedMap = !schema.layout().replicated();
    this.serviceEdges = new ServiceEdgeRollup(http, schema.hourlySince(), storedMap);
    this.spanMetricsReader =
        new ClickHouseSpanMetricsReader(http, schema.hourlySince(), serviceEdges);
    this.retention = retention;
    if (serviceMapInterval.isZero() || !storedMap) {
      this.serviceMapJob = null;
    } else {
      this.serviceMapJob =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "clickhouse-service-map");
                t.setDaemon(true);
                return t;
              });
      long every = serviceMapInterval.toMillis();
      serviceMapJob.scheduleWithFixedDelay(
          this::refreshServiceMap, every / 2, every, TimeUnit.MILLISECONDS);
    }
  }

  /** The service map's stored hours ({@link ServiceEdgeRollup}); tests run its job directly. */
  ServiceEdgeRollup serviceEdges() {
    return serviceEdges;
  }

  private void refreshServiceMap() {
    if (closed) return;
    try {
      int hours = serviceEdges.refresh(System.currentTimeMillis() * 1_000_000L);
      if (hours > 0) LOG.debug("service map: {} hours computed", hours);
    } catch (RuntimeException e) {
      // the next pass retries; readers join what is not stored
      LOG.warn("service map: computing closed hours failed: {}", e.getMessage());
    }
  }

  ClickHouseSchema schema() {
    return schema;
  }

  public static ClickHouseStorageBuilder builder() {
    return new ClickHouseStorageBuilder();
  }

  /** The cluster the tables are sharded over, if any. */
  public Optional<String> cluster() {
    return Optional.ofNullable(schema.layout().cluster());
  }

  /** The server's version as {@code SELECT version()} reported it at start. */
  public String serverVersion() {
    return schema.version().text();
  }

  @Override
  public CheckResult check() {
    if (closed) return CheckResult.failed("the ClickHouse storage is closed");
    return http.ping()
        ? CheckResult.ok()
        : CheckResult.failed("ClickHouse at " + http.describe() + " does not answer /ping");
  }

  @Override
  public TelemetryWriter writer() {
    return writer;
  }

  @Override
  public TraceReader traceReader() {
    return traceReader;
  }

  @Override
  public LogReader logReader() {
    return logReader;
  }

  @Override
  public MetricReader metricReader() {
    return metricReader;
  }

  /**
   * Offered: RED from a materialized view, the service map from stored hours where exact and joined
   * at query time elsewhere.
   */
  @Override
  public Optional<SpanMetricsReader> spanMetricsReader() {
    return Optional.of(spanMetricsReader);
  }

  /** Offered: counted from {@code spans} at query time. */
  @Override
  public Optional<SpanCountReader> spanCountReader() {
    return Optional.of(spanMetricsReader);
  }

  /** Offered: from the resource attribute arrays of {@code spans}. */
  @Override
  public Optional<ServiceVersionReader> serviceVersionReader() {
    return Optional.of(traceReader);
  }

  /** Offered: cumulative points differenced per series. */
  @Override
  public Optional<CounterIncreaseReader> counterIncreaseReader() {
    return Optional.of(metricReader);
  }

  /**
   * Drops the day partitions before the cutoff's day and deletes the earlier rows of that day; RED
   * buckets starting before the cutoff go with them.
   *
   * @return -1: ClickHouse does not report how many rows a partition drop or mutation removed
   */
  @Override
  public long deleteBefore(long cutoffUnixNano) {
    retention.deleteBefore(cutoffUnixNano);
    return -1;
  }

  @Override
  public void close() {
    closed = true;
    if (serviceMapJob != null) {
      serviceMapJob.shutdownNow();
      try {
        serviceMapJob.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.close();
  }
}
