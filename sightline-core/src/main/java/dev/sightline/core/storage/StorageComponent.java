package dev.sightline.core.storage;

import java.io.Closeable;

/**
 * A storage backend. Obtain one through the backend's builder; it opens its I/O lazily or in its
 * builder and releases everything in {@link #close()}, after completing every write it already
 * accepted.
 */
public interface StorageComponent extends Closeable {

  /** Health as data: never throws. */
  CheckResult check();

  /** The durable writer for all signals. */
  TelemetryWriter writer();

  TraceReader traceReader();

  LogReader logReader();

  MetricReader metricReader();

  /**
   * Span metrics (RED) derived from stored spans. Backends that do not derive them keep this
   * default, which throws.
   *
   * @throws UnsupportedOperationException when the backend does not derive span metrics
   */
  default SpanMetricsReader spanMetricsReader() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not derive span metrics (RED)");
  }

  /**
   * Deletes telemetry whose event time is before {@code cutoffUnixNano}, for every tenant.
   * Blocking. Backends that expire data by themselves (for example with a table TTL) may do nothing
   * here.
   *
   * @return the number of rows removed, or -1 when the backend does not count them
   */
  long deleteBefore(long cutoffUnixNano);

  /** Completes accepted writes, then releases resources. Idempotent. */
  @Override
  void close();
}
