package dev.sightline.core.selftelemetry;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.TelemetryWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Span RED metrics (rate, errors, duration) in a {@link SelfTelemetry} registry, for Prometheus
 * users: {@value #REQUESTS} (a counter with {@code status_code} {@code ERROR}, {@code OK} or {@code
 * UNSET}) and {@value #DURATION} (a histogram with the {@link DurationHistogram} bounds, 0.1 ms to
 * 100 s), both labelled {@code service}, {@code operation} (the span name), {@code span_kind} and
 * {@code status_code}, over all tenants.
 *
 * <p>Cardinality is capped: once {@code maxSeries} distinct label sets exist, spans of a new label
 * set count under {@code operation="__other__"} of their service, kind and status, and in {@value
 * #FOLDED}. Those overflow series are not capped (at most one per service, kind and status).
 */
public final class SpanRedMetrics {
  /** The span counter. */
  public static final String REQUESTS = "sightline_span_requests_total";

  /** The span duration histogram. */
  public static final String DURATION = "sightline_span_duration_seconds";

  /** Spans counted under {@link #OVERFLOW_OPERATION} because the series cap was reached. */
  public static final String FOLDED = "sightline_span_red_folded_spans_total";

  /** The operation label value spans of new series get once the cap is reached. */
  public static final String OVERFLOW_OPERATION = "__other__";

  /** Default cap on distinct label sets. */
  public static final int DEFAULT_MAX_SERIES = 10_000;

  /** Label names, in the order of the series' label values. */
  public static final List<String> LABELS =
      List.of("service", "operation", "span_kind", "status_code");

  private static final double[] BUCKETS_SECONDS = bucketsSeconds();

  private final SelfTelemetry.Counter requests;
  private final SelfTelemetry.Histogram duration;
  private final LongAdder folded;
  private final int maxSeries;
  private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();
  private final AtomicInteger cappedSeries = new AtomicInteger();

  SpanRedMetrics(SelfTelemetry telemetry, int maxSeries) {
    String[] labels = LABELS.toArray(String[]::new);
    this.requests =
        telemetry.counter(REQUESTS, "Spans durably stored, by service and operation.", labels);
    this.duration =
        telemetry.histogram(
            DURATION, "Duration of the spans durably stored.", BUCKETS_SECONDS, labels);
    this.folded =
        telemetry
            .counter(
                FOLDED,
                "Spans counted under operation=\"__other__\" because the RED series cap was"
                    + " reached.")
            .labels();
    this.maxSeries = maxSeries;
    telemetry.gauge(
        "sightline_span_red_series", "Distinct label sets of the span RED metrics.", series::size);
  }

  public static SpanRedMetricsBuilder builder() {
    return new SpanRedMetricsBuilder();
  }

  /** The histogram's upper bounds in seconds, as rendered in {@code le}. */
  public static double[] bucketsSeconds() {
    double[] bounds = new double[DurationHistogram.BUCKETS - 1];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = DurationHistogram.upperBoundNanos(i) / 1e9;
    }
    return bounds;
  }

  /** Counts {@code spans}; call only once they are durably stored. */
  public void record(List<Span> spans) {
    for (int i = 0, n = spans.size(); i < n; i++) {
      Span span = spans.get(i);
      Series s = series(span.serviceName(), span.name(), span.kind(), span.statusCode());
      s.requests.increment();
      s.duration.observeNanos(Math.max(0, span.endTimeUnixNano() - span.startTimeUnixNano()));
    }
  }

  /** Distinct label sets so far, overflow series included. */
  public int seriesCount() {
    return series.size();
  }

  /**
   * A writer that passes every call to {@code writer} and records the spans of each batch once its
   * future completes normally, i.e. once they are durable, and before the returned future
   * completes; failed batches are not counted.
   */
  public TelemetryWriter decorate(TelemetryWriter writer) {
    return new TelemetryWriter() {
      @Override
      public CompletableFuture<Void> writeSpans(List<Span> spans) {
        // counted before the caller sees completion, so an acknowledged batch is already counted;
        // the storage's exception is passed on unchanged
        CompletableFuture<Void> result = new CompletableFuture<>();
        writer
            .writeSpans(spans)
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    result.completeExceptionally(error);
                    return;
                  }
                  try {
                    record(spans);
                  } finally {
                    result.complete(ok);
                  }
                });
        return result;
      }

      @Override
      public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
        return writer.writeLogs(logs);
      }

      @Override
      public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
        return writer.writeMetrics(points);
      }

      @Override
      public long queuedItems() {
        return writer.queuedItems();
      }
    };
  }

  private Series series(String service, String operation, SpanKind kind, StatusCode status) {
    SeriesKey key = new SeriesKey(service, operation, kind, status);
    Series s = series.get(key);
    if (s != null) return s;
    if (cappedSeries.incrementAndGet() > maxSeries) {
      cappedSeries.decrementAndGet();
      folded.increment();
      return series.computeIfAbsent(
          new SeriesKey(service, OVERFLOW_OPERATION, kind, status), this::newSeries);
    }
    Series[] created = {null};
    s =
        series.computeIfAbsent(
            key,
            k -> {
              created[0] = newSeries(k);
              return created[0];
            });
    if (created[0] == null) cappedSeries.decrementAndGet(); // another thread created it
    return s;
  }

  private Series newSeries(SeriesKey k) {
    String[] values = {k.service(), k.operation(), k.kind().name(), k.status().name()};
    return new Series(requests.labels(values), duration.labels(values));
  }

  private record SeriesKey(String service, String operation, SpanKind kind, StatusCode status) {}

  private record Series(LongAdder requests, SelfTelemetry.HistogramSeries duration) {}
}
