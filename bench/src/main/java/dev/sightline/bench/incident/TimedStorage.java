package dev.sightline.bench.incident;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A storage decorator that times every read an incident investigation makes, by step (trace search,
 * trace by id, logs, service versions, RED queries, edges), so a slow card can be attributed. Not
 * thread-safe: one investigation at a time.
 */
final class TimedStorage implements StorageComponent {
  /** Calls and time of one step. */
  static final class Step {
    int calls;
    long nanos;
    long maxNanos;
    long rows;

    void add(long n, int rowCount) {
      calls++;
      nanos += n;
      maxNanos = Math.max(maxNanos, n);
      rows += rowCount;
    }
  }

  private final StorageComponent delegate;
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final TraceReader traces;
  private final LogReader logs;
  private final Optional<SpanMetricsReader> red;
  private final Optional<ServiceVersionReader> versions;

  TimedStorage(StorageComponent delegate) {
    this.delegate = delegate;
    TraceReader t = delegate.traceReader();
    LogReader l = delegate.logReader();
    this.traces =
        new TraceReader() {
          @Override
          public List<Span> getTrace(String tenant, String traceId) {
            return timed("getTrace", () -> t.getTrace(tenant, traceId));
          }

          @Override
          public List<TraceSummary> searchTraces(TraceQuery q) {
            String label =
                "searchTraces "
                    + (q.errorsOnly()
                        ? "errors"
                        : q.minDurationNanos() != null
                            ? "slow"
                            : q.maxDurationNanos() != null ? "good (max duration)" : "baseline");
            return timed(label, () -> t.searchTraces(q));
          }

          @Override
          public List<ServiceOperations> services(String tenant, long start, long end) {
            return timed("services", () -> t.services(tenant, start, end));
          }
        };
    this.versions =
        delegate
            .serviceVersionReader()
            .map(
                v ->
                    (ServiceVersionReader)
                        (tenant, start, end) ->
                            timed("serviceVersions", () -> v.serviceVersions(tenant, start, end)));
    this.logs = q -> timed("searchLogs (per trace)", () -> l.searchLogs(q));
    this.red = delegate.spanMetricsReader().map(this::timedRed);
  }

  private SpanMetricsReader timedRed(SpanMetricsReader r) {
    return new SpanMetricsReader() {
      @Override
      public List<SpanMetricsPoint> query(SpanMetricsQuery q) {
        String label =
            "RED query "
                + q.groupBy().name().toLowerCase(java.util.Locale.ROOT)
                + (q.stepNanos() > 0 ? " series" : "")
                + (q.service() != null ? " of " + q.service() : " all services");
        return timed(label, () -> r.query(q));
      }

      @Override
      public List<ServiceEdge> serviceEdges(String tenant, long start, long end) {
        return timed("serviceEdges", () -> r.serviceEdges(tenant, start, end));
      }

      @Override
      public java.util.OptionalLong oldestBucket(
          String tenant,
          @org.jspecify.annotations.Nullable String service,
          @org.jspecify.annotations.Nullable String operation) {
        return r.oldestBucket(tenant, service, operation);
      }
    };
  }

  private <T> List<T> timed(String step, Supplier<List<T>> call) {
    long t0 = System.nanoTime();
    List<T> out = call.get();
    steps.computeIfAbsent(step, k -> new Step()).add(System.nanoTime() - t0, out.size());
    return out;
  }

  /** The steps timed since the last call, in first-call order; resets them. */
  Map<String, Step> drain() {
    Map<String, Step> out = new LinkedHashMap<>(steps);
    steps.clear();
    return out;
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
    return traces;
  }

  @Override
  public LogReader logReader() {
    return logs;
  }

  @Override
  public MetricReader metricReader() {
    return delegate.metricReader();
  }

  @Override
  public Optional<SpanMetricsReader> spanMetricsReader() {
    return red;
  }

  @Override
  public Optional<ServiceVersionReader> serviceVersionReader() {
    return versions;
  }

  @Override
  public long deleteBefore(long cutoffUnixNano) {
    return delegate.deleteBefore(cutoffUnixNano);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
