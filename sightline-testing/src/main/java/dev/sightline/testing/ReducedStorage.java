package dev.sightline.testing;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceReader;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A real backend with some of its optional {@link StorageCapability capabilities} hidden: for tests
 * of what callers do on a backend that lacks them (API answers, SLI results, evidence sections),
 * and of the shared suites' skipping, without writing a fake backend. Closing it closes the
 * backend.
 */
public final class ReducedStorage implements StorageComponent {
  private final StorageComponent delegate;
  private final Set<StorageCapability> hidden;

  private ReducedStorage(StorageComponent delegate, Set<StorageCapability> hidden) {
    this.delegate = delegate;
    this.hidden = hidden;
  }

  /** {@code delegate} with the mandatory readers only: it declares no capability. */
  public static StorageComponent coreOnly(StorageComponent delegate) {
    return new ReducedStorage(
        requireNonNull(delegate, "delegate"), EnumSet.allOf(StorageCapability.class));
  }

  /** {@code delegate} without {@code hidden}, with its other capabilities. */
  public static StorageComponent without(
      StorageComponent delegate, StorageCapability first, StorageCapability... more) {
    return new ReducedStorage(
        requireNonNull(delegate, "delegate"), EnumSet.of(requireNonNull(first, "first"), more));
  }

  private <T> Optional<T> unless(StorageCapability c, Optional<T> reader) {
    return hidden.contains(c) ? Optional.empty() : reader;
  }

  @Override
  public Optional<SpanMetricsReader> spanMetricsReader() {
    return unless(StorageCapability.SPAN_METRICS, delegate.spanMetricsReader());
  }

  @Override
  public Optional<SpanCountReader> spanCountReader() {
    return unless(StorageCapability.SPAN_COUNTS, delegate.spanCountReader());
  }

  @Override
  public Optional<ServiceVersionReader> serviceVersionReader() {
    return unless(StorageCapability.SERVICE_VERSIONS, delegate.serviceVersionReader());
  }

  @Override
  public Optional<CounterIncreaseReader> counterIncreaseReader() {
    return unless(StorageCapability.COUNTER_INCREASE, delegate.counterIncreaseReader());
  }

  @Override
  public CheckResult check() {
    return delegate.check();
  }

  @Override
  public TelemetryWriter writer() {
    return delegate.writer();
  }

  @Override
  public TraceReader traceReader() {
    return delegate.traceReader();
  }

  @Override
  public LogReader logReader() {
    return delegate.logReader();
  }

  @Override
  public MetricReader metricReader() {
    return delegate.metricReader();
  }

  @Override
  public long deleteBefore(long cutoffUnixNano) {
    return delegate.deleteBefore(cutoffUnixNano);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "ReducedStorage(" + hidden + " hidden, " + delegate + ")";
  }
}
