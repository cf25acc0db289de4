package dev.sightline.kit.metrics;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps metric cardinality bounded (seed 004 §2.3 and the pitfalls list): a view on every
 * instrument that strips known high-cardinality attribute keys (user, request, session and order
 * IDs, full URLs and paths, peer addresses and ports, user agents, query texts...) and caps the
 * number of series per instrument. Measurements past the cap are aggregated into the SDK's overflow
 * series ({@code otel.metric.overflow=true}) instead of growing memory.
 *
 * <p>Such identifiers belong on spans and log records, where this guard does not apply.
 *
 * <p>Note: a view that matches an instrument replaces the attribute advice an instrumentation
 * library gives (OpenTelemetry SDK behaviour), so the default deny-list includes the
 * semantic-convention keys that advice would have removed from HTTP metrics ({@code url.path},
 * {@code client.address}, {@code network.peer.port}, {@code user_agent.original}...).
 *
 * <pre>{@code
 * SdkMeterProvider meterProvider = MetricCardinalityGuard.builder()
 *     .maxSeriesPerInstrument(500)
 *     .build()
 *     .apply(SdkMeterProvider.builder())
 *     .build();
 * }</pre>
 */
public final class MetricCardinalityGuard {
  /** Keys removed from metric attributes unless {@link Builder#deniedKeys} replaces them. */
  public static final Set<String> DEFAULT_DENIED_KEYS =
      Set.of(
          "user.id",
          "user_id",
          "userId",
          "enduser.id",
          "customer.id",
          "request.id",
          "request_id",
          "requestId",
          "http.request.id",
          "session.id",
          "session_id",
          "sessionId",
          "order.id",
          "order_id",
          "orderId",
          "trace_id",
          "span_id",
          "trace.id",
          "span.id",
          "messaging.message.id",
          "url.full",
          "url.path",
          "url.query",
          "http.url",
          "http.target",
          "client.address",
          "client.port",
          "network.peer.address",
          "network.peer.port",
          "net.sock.peer.addr",
          "net.sock.peer.port",
          "user_agent.original",
          "http.user_agent",
          "db.query.text",
          "db.statement",
          "email",
          "phone");

  /** Series per instrument unless {@link Builder#maxSeriesPerInstrument} says otherwise. */
  public static final int DEFAULT_MAX_SERIES_PER_INSTRUMENT = 1000;

  private final Set<String> deniedKeys;
  private final int maxSeriesPerInstrument;

  private MetricCardinalityGuard(Set<String> deniedKeys, int maxSeriesPerInstrument) {
    this.deniedKeys = deniedKeys;
    this.maxSeriesPerInstrument = maxSeriesPerInstrument;
  }

  /**
   * The default guard: {@link #DEFAULT_DENIED_KEYS}, {@value #DEFAULT_MAX_SERIES_PER_INSTRUMENT}.
   */
  public static MetricCardinalityGuard defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether attribute {@code key} survives on metrics: exact match against the denied keys (it runs
   * on every measurement, so no case folding; the defaults list the common spellings).
   */
  public Predicate<String> attributeFilter() {
    Set<String> denied = deniedKeys;
    return key -> !denied.contains(key);
  }

  /** The view applied to every instrument. */
  public View view() {
    return View.builder()
        .setAttributeFilter(attributeFilter())
        .setCardinalityLimit(maxSeriesPerInstrument)
        .build();
  }

  /** Registers {@link #view()} for all instruments on {@code builder} and returns it. */
  public SdkMeterProviderBuilder apply(SdkMeterProviderBuilder builder) {
    return requireNonNull(builder, "builder")
        .registerView(InstrumentSelector.builder().setName("*").build(), view());
  }

  public int maxSeriesPerInstrument() {
    return maxSeriesPerInstrument;
  }

  public Set<String> deniedKeys() {
    return deniedKeys;
  }

  /** Validating builder for {@link MetricCardinalityGuard}. */
  public static final class Builder {
    private Set<String> deniedKeys = DEFAULT_DENIED_KEYS;
    private int maxSeriesPerInstrument = DEFAULT_MAX_SERIES_PER_INSTRUMENT;

    private Builder() {}

    /** Replaces the denied keys (matched exactly). */
    public Builder deniedKeys(Set<String> keys) {
      this.deniedKeys = Set.copyOf(requireNonNull(keys, "keys"));
      return this;
    }

    /** Caps the series (distinct attribute sets) each instrument keeps per collection. */
    public Builder maxSeriesPerInstrument(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSeriesPerInstrument must be positive: " + max);
      }
      this.maxSeriesPerInstrument = max;
      return this;
    }

    public MetricCardinalityGuard build() {
      return new MetricCardinalityGuard(deniedKeys, maxSeriesPerInstrument);
    }
  }
}
