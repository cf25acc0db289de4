package dev.sightline.kit.logs;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Log sampling for hot paths (seed 004 §3.5): every WARN-or-higher record is kept, every record of
 * a span that ends in error is kept, and records below WARN on a named hot path (a logger-name
 * prefix or a span name) are kept at a ratio. Everything else passes through.
 *
 * <p>A record is usually logged before its span knows whether it will fail, so hot-path records
 * emitted inside a recording span are held until that span ends: if it ended with status {@code
 * ERROR} they are all exported, otherwise they are kept or dropped together by a trace-ID-based
 * ratio decision, so the records of one trace survive or go as a whole. The buffer is bounded
 * ({@link Builder#maxBufferedSpans}, {@link Builder#maxRecordsPerSpan}); past the bounds, and for
 * records outside a recording span, the ratio decision is taken at once.
 *
 * <p>The sampler is also a {@link SpanProcessor}: register it on the tracer provider (to learn when
 * spans end) and wrap the exporting log processor with {@link #wrap(LogRecordProcessor)}.
 *
 * <pre>{@code
 * LogSampler sampler = LogSampler.builder().hotLogger("com.acme.search", 0.01).build();
 * tracerProviderBuilder.addSpanProcessor(sampler);
 * loggerProviderBuilder.addLogRecordProcessor(sampler.wrap(batchLogRecordProcessor));
 * }</pre>
 */
public final class LogSampler implements SpanProcessor {
  private static final int WARN = Severity.WARN.getSeverityNumber();

  private final Map<String, Double> hotLoggers;
  private final Map<String, Double> hotSpans;
  private final int maxBufferedSpans;
  private final int maxRecordsPerSpan;
  private final List<Sampling> processors = new CopyOnWriteArrayList<>();

  private LogSampler(Builder builder) {
    this.hotLoggers = new LinkedHashMap<>(builder.hotLoggers);
    this.hotSpans = Map.copyOf(builder.hotSpans);
    this.maxBufferedSpans = builder.maxBufferedSpans;
    this.maxRecordsPerSpan = builder.maxRecordsPerSpan;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns {@code delegate} wrapped so that it only receives the records this sampler keeps. */
  public LogRecordProcessor wrap(LogRecordProcessor delegate) {
    Sampling sampling = new Sampling(requireNonNull(delegate, "delegate"));
    processors.add(sampling);
    return sampling;
  }

  /** Records dropped so far by all processors this sampler wrapped. */
  public long droppedRecords() {
    long total = 0;
    for (Sampling s : processors) {
      total += s.dropped.get();
    }
    return total;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    for (Sampling s : processors) {
      s.spanEnded(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** The hot-path ratio for a record, or -1 when the record is not on a hot path. */
  private double hotRatio(String loggerName, @Nullable ReadableSpan span) {
    double ratio = -1;
    if (span != null && !hotSpans.isEmpty()) {
      Double r = hotSpans.get(span.getName());
      if (r != null) {
        ratio = r;
      }
    }
    for (Map.Entry<String, Double> e : hotLoggers.entrySet()) {
      String prefix = e.getKey();
      if (loggerName.startsWith(prefix)
          && (loggerName.length() == prefix.length()
              || loggerName.charAt(prefix.length()) == '.')) {
        ratio = Math.max(ratio, e.getValue());
      }
    }
    return ratio;
  }

  /** Trace-ID-based keep decision, consistent for all records of a trace. */
  static boolean keepByTraceId(SpanContext spanContext, double ratio, AtomicLong counter) {
    if (ratio >= 1.0) {
      return true;
    }
    if (ratio <= 0.0) {
      return false;
    }
    if (spanContext.isValid()) {
      String traceId = spanContext.getTraceId();
      long random = Long.parseUnsignedLong(traceId.substring(16), 16) >>> 1;
      return random < (long) (ratio * Long.MAX_VALUE);
    }
    long every = Math.max(1, Math.round(1.0 / ratio));
    return counter.getAndIncrement() % every == 0;
  }

  private static final class Pending {
    final List<Context> contexts = new ArrayList<>();
    final List<LogRecordData> records = new ArrayList<>();
    double ratio;
    boolean settled;
  }

  private final class Sampling implements LogRecordProcessor {
    private final LogRecordProcessor delegate;
    private final Map<ReadableSpan, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger pendingSpans = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong untracedCounter = new AtomicLong();

    Sampling(LogRecordProcessor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onEmit(Context context, ReadWriteLogRecord logRecord) {
      if (logRecord.getSeverity().getSeverityNumber() >= WARN) {
        delegate.onEmit(context, logRecord);
        return;
      }
      Span span = Span.fromContext(context);
      ReadableSpan readable =
          span instanceof ReadableSpan && span.isRecording() ? (ReadableSpan) span : null;
      double ratio = hotRatio(logRecord.getInstrumentationScopeInfo().getName(), readable);
      if (ratio < 0) {
        delegate.onEmit(context, logRecord);
        return;
      }
      if (readable != null && !readable.hasEnded() && buffer(readable, context, logRecord, ratio)) {
        return;
      }
      if (keepByTraceId(logRecord.getSpanContext(), ratio, untracedCounter)) {
        delegate.onEmit(context, logRecord);
      } else {
        dropped.incrementAndGet();
      }
    }

    private boolean buffer(
        ReadableSpan span, Context context, ReadWriteLogRecord logRecord, double ratio) {
      Pending p = pending.get(span);
      if (p == null) {
        if (pendingSpans.get() >= maxBufferedSpans) {
          return false;
        }
        Pending created = new Pending();
        p = pending.putIfAbsent(span, created);
        if (p == null) {
          p = created;
          pendingSpans.incrementAndGet();
        }
      }
      synchronized (p) {
        if (p.settled || p.records.size() >= maxRecordsPerSpan) {
          return false;
        }
        p.contexts.add(context);
        p.records.add(logRecord.toLogRecordData());
        p.ratio = Math.max(p.ratio, ratio);
      }
      if (span.hasEnded()) {
        // The span ended while we were buffering: settle now rather than wait for a flush.
        spanEnded(span);
      }
      return true;
    }

    void spanEnded(ReadableSpan span) {
      Pending p = pending.remove(span);
      if (p == null) {
        return;
      }
      pendingSpans.decrementAndGet();
      boolean error = span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR;
      settle(p, error, span.getSpanContext());
    }

    private void settle(Pending p, boolean error, SpanContext spanContext) {
      synchronized (p) {
        p.settled = true;
        if (error || keepByTraceId(spanContext, p.ratio, untracedCounter)) {
          for (int i = 0; i < p.records.size(); i++) {
            delegate.onEmit(p.contexts.get(i), new SnapshotLogRecord(p.records.get(i)));
          }
        } else {
          dropped.addAndGet(p.records.size());
        }
        p.records.clear();
        p.contexts.clear();
      }
    }

    /** Settles every buffered span as if it ended now without error. */
    private void settleAll() {
      for (ReadableSpan span : new ArrayList<>(pending.keySet())) {
        Pending p = pending.remove(span);
        if (p != null) {
          pendingSpans.decrementAndGet();
          settle(p, false, span.getSpanContext());
        }
      }
    }

    @Override
    public CompletableResultCode forceFlush() {
      settleAll();
      return delegate.forceFlush();
    }

    @Override
    public CompletableResultCode shutdown() {
      settleAll();
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "LogSampler{hotLoggers=" + hotLoggers + ", hotSpans=" + hotSpans + "}";
    }
  }

  /** Validating builder for {@link LogSampler}. */
  public static final class Builder {
    private final Map<String, Double> hotLoggers = new LinkedHashMap<>();
    private final Map<String, Double> hotSpans = new LinkedHashMap<>();
    private int maxBufferedSpans = 2048;
    private int maxRecordsPerSpan = 64;

    private Builder() {}

    /** Keeps records below WARN from loggers under {@code loggerPrefix} at {@code ratio}. */
    public Builder hotLogger(String loggerPrefix, double ratio) {
      hotLoggers.put(requireNonNull(loggerPrefix, "loggerPrefix"), checkRatio(ratio));
      return this;
    }

    /** Keeps records below WARN emitted inside spans named {@code spanName} at {@code ratio}. */
    public Builder hotSpan(String spanName, double ratio) {
      hotSpans.put(requireNonNull(spanName, "spanName"), checkRatio(ratio));
      return this;
    }

    /** Spans whose records may be held at once; default 2048. */
    public Builder maxBufferedSpans(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxBufferedSpans must be non-negative: " + max);
      }
      this.maxBufferedSpans = max;
      return this;
    }

    /** Records held per span; default 64. */
    public Builder maxRecordsPerSpan(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRecordsPerSpan must be non-negative: " + max);
      }
      this.maxRecordsPerSpan = max;
      return this;
    }

    public LogSampler build() {
      return new LogSampler(this);
    }

    private static double checkRatio(double ratio) {
      if (!(ratio >= 0.0 && ratio <= 1.0)) {
        throw new IllegalArgumentException("ratio must be in [0, 1]: " + ratio);
      }
      return ratio;
    }
  }
}
