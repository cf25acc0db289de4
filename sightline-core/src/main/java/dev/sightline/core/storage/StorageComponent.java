package dev.sightline.core.storage;

import java.io.Closeable;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A storage backend. Obtain one through the backend's builder; it opens its I/O lazily or in its
 * builder and releases everything in {@link #close()}, after completing every write it already
 * accepted.
 *
 * <p>The writer and the trace, log and metric readers are mandatory. Everything else is an optional
 * {@link StorageCapability}: an accessor returning {@code Optional}, empty by default, so a caller
 * has to decide what to do without it at compile time (see the package comment).
 */
public interface StorageComponent extends Closeable {

  /** Health as data: never throws. */
  CheckResult check();

  /** The durable writer for all signals. */
  TelemetryWriter writer();

  /** Traces by id, trace search and the services seen. */
  TraceReader traceReader();

  /** Logs. */
  LogReader logReader();

  /** Metric points and metric names. */
  MetricReader metricReader();

  /**
   * Span metrics (RED) derived from stored spans, and the service map; empty when the backend does
   * not derive them ({@link StorageCapability#SPAN_METRICS}).
   */
  default Optional<SpanMetricsReader> spanMetricsReader() {
    return Optional.empty();
  }

  /**
   * Counts of stored spans (SLIs with attribute filters); empty when the backend cannot count them
   * ({@link StorageCapability#SPAN_COUNTS}).
   */
  default Optional<SpanCountReader> spanCountReader() {
    return Optional.empty();
  }

  /**
   * The versions services ran (deployments); empty when the backend cannot list them ({@link
   * StorageCapability#SERVICE_VERSIONS}).
   */
  default Optional<ServiceVersionReader> serviceVersionReader() {
    return Optional.empty();
  }

  /**
   * Increases of OTLP counters (metric SLIs); empty when the backend cannot compute them ({@link
   * StorageCapability#COUNTER_INCREASE}).
   */
  default Optional<CounterIncreaseReader> counterIncreaseReader() {
    return Optional.empty();
  }

  /**
   * The optional features this backend offers: exactly those whose accessor returns a reader.
   * Derived from the accessors, so it cannot disagree with them (backends do not override it); the
   * shared suites skip the cases of the capabilities a backend lacks, and run (and must pass) all
   * the others.
   */
  default Set<StorageCapability> capabilities() {
    Set<StorageCapability> offered = EnumSet.noneOf(StorageCapability.class);
    for (StorageCapability c : StorageCapability.values()) {
      if (c.isOfferedBy(this)) offered.add(c);
    }
    return Collections.unmodifiableSet(offered);
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
