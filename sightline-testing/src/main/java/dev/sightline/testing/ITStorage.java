package dev.sightline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the shared storage suites (Zipkin's {@code ITStorage} pattern). A backend runs each suite
 * unchanged as a {@code @Nested} subclass implementing {@link #newStorage()}.
 *
 * <p>Cases of an optional {@link StorageCapability} start with {@link #assumeCapability}: they are
 * skipped on a backend that does not declare it, and must pass on one that does.
 *
 * <p>Each test gets a fresh, empty storage. Tests that restart the backend call {@link #reopen()},
 * which closes the current component and asks {@link #reopenStorage()} for a new one on the same
 * data.
 */
public abstract class ITStorage {
  /** How long a write may take before a test fails. */
  protected static final long WRITE_TIMEOUT_SECONDS = 30;

  protected @Nullable StorageComponent storage;

  /** A new component on an empty data set, private to the running test. */
  protected abstract StorageComponent newStorage() throws Exception;

  /**
   * A new component on the data of the component just closed, as after a process restart. Called
   * only after the previous component was closed.
   */
  protected abstract StorageComponent reopenStorage() throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = newStorage();
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) storage.close();
    storage = null;
  }

  protected final StorageComponent storage() {
    if (storage == null) throw new IllegalStateException("storage is not open");
    return storage;
  }

  /**
   * Skips the running test unless the backend declares {@code capability} ({@link
   * StorageComponent#capabilities()}): a backend that declares it must pass the test.
   */
  protected final void assumeCapability(StorageCapability capability) {
    Assumptions.assumeTrue(
        storage().capabilities().contains(capability),
        () -> storage().getClass().getSimpleName() + " does not declare " + capability);
  }

  /** The span metrics reader; call {@link #assumeCapability} first. */
  protected final SpanMetricsReader spanMetricsReader() {
    return storage().spanMetricsReader().orElseThrow(() -> missing(StorageCapability.SPAN_METRICS));
  }

  /** The span count reader; call {@link #assumeCapability} first. */
  protected final SpanCountReader spanCountReader() {
    return storage().spanCountReader().orElseThrow(() -> missing(StorageCapability.SPAN_COUNTS));
  }

  /** The service version reader; call {@link #assumeCapability} first. */
  protected final ServiceVersionReader serviceVersionReader() {
    return storage()
        .serviceVersionReader()
        .orElseThrow(() -> missing(StorageCapability.SERVICE_VERSIONS));
  }

  /** The counter increase reader; call {@link #assumeCapability} first. */
  protected final CounterIncreaseReader counterIncreaseReader() {
    return storage()
        .counterIncreaseReader()
        .orElseThrow(() -> missing(StorageCapability.COUNTER_INCREASE));
  }

  private IllegalStateException missing(StorageCapability capability) {
    return new IllegalStateException(
        capability.missingIn(storage()) + ": the test must assume the capability first");
  }

  /** Closes the component and opens it again on the same data. */
  protected final void reopen() throws Exception {
    storage().close();
    storage = null;
    storage = reopenStorage();
  }

  /** Writes spans and waits until they are durable, failing the test on error. */
  protected final void accept(List<Span> spans) {
    await(storage().writer().writeSpans(spans));
  }

  protected final void acceptLogs(List<LogRecord> logs) {
    await(storage().writer().writeLogs(logs));
  }

  protected final void acceptMetrics(List<MetricPoint> points) {
    await(storage().writer().writeMetrics(points));
  }

  /**
   * Asserts equality field by field, for a readable difference (doubles compared as {@link
   * Double#compare}, so NaN equals NaN and -0.0 differs from 0.0, as in record equality), then as
   * values.
   */
  protected static void assertSameValue(Object actual, Object expected, String description) {
    assertThat(actual)
        .as(description)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .isEqualTo(expected);
    assertThat(actual).as(description).isEqualTo(expected);
  }

  protected static void await(CompletableFuture<Void> write) {
    try {
      write.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("write failed", e);
    }
    assertThat(write).isCompleted();
  }
}
