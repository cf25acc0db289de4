package dev.sightline.core.storage;

import java.util.Optional;
import java.util.function.Function;

/**
 * An optional feature of a storage backend, each one reader reached through an {@code Optional}
 * accessor of {@link StorageComponent}. A backend declares a capability by returning the reader;
 * {@link StorageComponent#capabilities()} lists what it returns. The core readers (writer, traces,
 * logs, metric points) are not capabilities: every backend has them.
 */
public enum StorageCapability {
  /** RED in 10-second buckets and the service map: {@link StorageComponent#spanMetricsReader()}. */
  SPAN_METRICS(StorageComponent::spanMetricsReader),
  /** Counts of stored spans by attribute, status and duration: {@link SpanCountReader}. */
  SPAN_COUNTS(StorageComponent::spanCountReader),
  /** The {@code service.version}s services ran (deployments): {@link ServiceVersionReader}. */
  SERVICE_VERSIONS(StorageComponent::serviceVersionReader),
  /** Increases of OTLP counters (metric SLIs): {@link CounterIncreaseReader}. */
  COUNTER_INCREASE(StorageComponent::counterIncreaseReader);

  private final Function<StorageComponent, Optional<?>> reader;

  StorageCapability(Function<StorageComponent, Optional<?>> reader) {
    this.reader = reader;
  }

  /** Whether {@code storage} offers this capability: its accessor returns a reader. */
  public boolean isOfferedBy(StorageComponent storage) {
    return reader.apply(storage).isPresent();
  }

  /**
   * What a caller says when {@code storage} lacks this capability, naming the backend: {@code
   * "MyStorage does not offer SPAN_COUNTS (counts of stored spans)"}.
   */
  public String missingIn(StorageComponent storage) {
    return storage.getClass().getSimpleName() + " does not offer " + this + " (" + what() + ")";
  }

  private String what() {
    return switch (this) {
      case SPAN_METRICS -> "span metrics: RED and the service map";
      case SPAN_COUNTS -> "counts of stored spans";
      case SERVICE_VERSIONS -> "service versions";
      case COUNTER_INCREASE -> "counter increases";
    };
  }
}
