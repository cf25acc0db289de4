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
import java.util.Optional;

/**
 * Storage on a ClickHouse server over its HTTP interface. Build with {@link #builder()}; the
 * builder checks the server, detects its version and creates the schema. Writes are acknowledged
 * once ClickHouse acknowledged the INSERT holding them; readers query the server directly, so any
 * number of Sightline servers can share one ClickHouse.
 */
public final class ClickHouseStorage implements StorageComponent {
  private final ClickHouseHttp http;
  private final ClickHouseSchema schema;
  private final ClickHouseWriter writer;
  private final ClickHouseTraceReader traceReader;
  private final ClickHouseLogReader logReader;
  private final ClickHouseMetricReader metricReader;
  private final ClickHouseSpanMetricsReader spanMetricsReader;
  private final Retention retention;
  private volatile boolean closed;

  ClickHouseStorage(
      ClickHouseHttp http,
      ClickHouseSchema schema,
      ClickHouseWriter writer,
      Retention retention,
      boolean traceLookups,
      int maxIndexCandidates,
      IndexedKeys indexedKeys) {
    this.http = http;
    this.schema = schema;
    this.writer = writer;
    this.traceReader =
        new ClickHouseTraceReader(
            http, traceLookups, maxIndexCandidates, indexedKeys, schema.hourlySince());
    this.logReader = new ClickHouseLogReader(http);
    this.metricReader = new ClickHouseMetricReader(http);
    this.spanMetricsReader = new ClickHouseSpanMetricsReader(http, schema.hourlySince());
    this.retention = retention;
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

  /** Offered: RED from a materialized view, the service map joined at query time. */
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
    writer.close();
  }
}
