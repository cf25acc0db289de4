package dev.sightline.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The server's settings, fully resolved. Build it with {@link ConfigLoader}, which applies, from
 * lowest to highest precedence: defaults, the YAML config file, {@code SIGHTLINE_*} environment
 * variables, command-line flags.
 */
public record ServerConfig(
    Path dataDir,
    ListenAddress otlpGrpc,
    ListenAddress otlpHttp,
    ListenAddress http,
    Duration retention,
    long maxRequestBytes,
    long maxInFlightBytes,
    int writeQueueItems,
    StorageConfig storage,
    boolean benchDiscardEndpoint,
    @Nullable Path sloDir,
    Duration sloEvalInterval,
    List<String> notifyTargets,
    List<String> notifyAllowedHosts,
    @Nullable String externalUrl,
    Duration incidentWindowBefore,
    Duration incidentWindowAfter,
    Duration incidentBaseline,
    Duration verifyPeriod,
    Duration incidentNotifyWait,
    Duration incidentRetention,
    SecurityConfig security) {

  /** The largest default of {@code --write-queue-items}. */
  public static final int MAX_DEFAULT_WRITE_QUEUE_ITEMS = 200_000;

  /**
   * Heap an item waiting for storage holds, about (span with 10 attributes, decoded and mapped).
   */
  static final long QUEUED_ITEM_BYTES = 2_560;

  /**
   * The default {@code --write-queue-items} for a heap of {@code maxHeapBytes}: 200,000, or fewer
   * so that a full queue holds at most a quarter of the heap (10,000 at least). The overload run
   * (issue 13, bench/README.md) filled the 200,000-item queue on a 1 GB heap: the heap reached its
   * maximum with seven full GCs, and a queued span waited 25 s — longer than an OTLP exporter's
   * default 10 s timeout.
   */
  public static int defaultWriteQueueItems(long maxHeapBytes) {
    long items = maxHeapBytes / 4 / QUEUED_ITEM_BYTES;
    return (int) Math.max(10_000, Math.min(MAX_DEFAULT_WRITE_QUEUE_ITEMS, items));
  }

  public ServerConfig {
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(otlpGrpc, "otlpGrpc");
    Objects.requireNonNull(otlpHttp, "otlpHttp");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative())
      throw new IllegalArgumentException("retention must not be negative");
    if (maxRequestBytes <= 0)
      throw new IllegalArgumentException("max-request-bytes must be positive");
    if (maxInFlightBytes < maxRequestBytes) {
      throw new IllegalArgumentException("max-inflight-bytes must be at least max-request-bytes");
    }
    if (writeQueueItems <= 0)
      throw new IllegalArgumentException("write-queue-items must be positive");
    Objects.requireNonNull(sloEvalInterval, "sloEvalInterval");
    if (sloEvalInterval.compareTo(Duration.ofSeconds(1)) < 0)
      throw new IllegalArgumentException("slo-eval-interval must be at least 1s");
    notifyTargets = List.copyOf(notifyTargets);
    notifyAllowedHosts = List.copyOf(notifyAllowedHosts);
    Objects.requireNonNull(storage, "storage");
    for (Duration d :
        List.of(incidentWindowBefore, incidentWindowAfter, incidentBaseline, verifyPeriod)) {
      if (d.isZero() || d.isNegative())
        throw new IllegalArgumentException(
            "incident-window-before, incident-window-after, incident-baseline and verify-period"
                + " must be positive");
    }
    Objects.requireNonNull(incidentNotifyWait, "incidentNotifyWait");
    if (incidentNotifyWait.isNegative())
      throw new IllegalArgumentException("incident-notify-wait must not be negative");
    Objects.requireNonNull(incidentRetention, "incidentRetention");
    if (incidentRetention.isNegative())
      throw new IllegalArgumentException("incident-retention must not be negative");
  }

  /** Same settings with every listener on 127.0.0.1 and an ephemeral port (tests, embedding). */
  public ServerConfig withEphemeralLoopbackPorts() {
    ListenAddress any = new ListenAddress("127.0.0.1", 0);
    return new ServerConfig(
        dataDir,
        any,
        any,
        any,
        retention,
        maxRequestBytes,
        maxInFlightBytes,
        writeQueueItems,
        storage,
        benchDiscardEndpoint,
        sloDir,
        sloEvalInterval,
        notifyTargets,
        notifyAllowedHosts,
        externalUrl,
        incidentWindowBefore,
        incidentWindowAfter,
        incidentBaseline,
        verifyPeriod,
        incidentNotifyWait,
        incidentRetention,
        security);
  }
}
