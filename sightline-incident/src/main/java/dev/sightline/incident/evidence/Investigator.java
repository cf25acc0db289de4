package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.incident.TimeWindow;
import dev.sightline.incident.analysis.logs.LogPatternComparison;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeComparison;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.CriticalPathComparison;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.ErrorGrouping;
import dev.sightline.incident.analysis.traces.OperationDelta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the evidence of one incident from storage: the scope's bad traces in the incident window
 * (failing ones, and the slowest: over the latency threshold, or over the baseline's p99 for an
 * availability SLO) and good ones from the baseline window, then their critical paths, attribute
 * differences per service, grouped errors, log patterns, version changes and RED trends.
 *
 * <p>The baseline may be shorter than configured, or empty: a zero-length baseline window ({@code
 * baseline.start().equals(baseline.end())}) means there is no healthy history before the burn (a
 * server that just started). Then nothing is read from it and the evidence says so ({@link
 * Evidence#baselineAvailable()} false): no baseline traces, no attribute differences, no log
 * pattern called new, and dependency baseline figures null rather than 0. A short baseline is used
 * as it is, its rates normalised by its actual length.
 *
 * <p>Reads are bounded: at most {@link Builder#maxBadTraces} and {@link Builder#maxBaselineTraces}
 * traces are fetched, and logs only for those traces, so the cost does not grow with the data
 * stored. Thread-safe; blocking (call it off event loops).
 *
 * <p>On a storage backend without an optional {@link StorageCapability} the sections it feeds are
 * skipped, and the investigator logs which once when built: without {@code SPAN_METRICS} no
 * dependency trends and no baseline p99 (slow traces are then those over the SLO's latency
 * threshold only); without {@code SERVICE_VERSIONS} no version changes.
 */
public final class Investigator {
  private static final long HOUR_NANOS = 3_600_000_000_000L;
  private static final Set<SpanKind> ENTRY_KINDS = Set.of(SpanKind.SERVER, SpanKind.CONSUMER);

  private static final Logger logger = LoggerFactory.getLogger(Investigator.class);

  private final StorageComponent storage;
  private final @Nullable SpanMetricsReader spanMetrics;
  private final @Nullable ServiceVersionReader versions;
  private final String tenant;
  private final int maxBadTraces;
  private final int maxBaselineTraces;
  private final int logsPerTrace;

  private Investigator(Builder b) {
    this.storage = requireNonNull(b.storage, "storage");
    this.spanMetrics = storage.spanMetricsReader().orElse(null);
    this.versions = storage.serviceVersionReader().orElse(null);
    if (spanMetrics == null) {
      logger.warn(
          "{}: incident evidence has no dependency trends and no baseline p99",
          StorageCapability.SPAN_METRICS.missingIn(storage));
    }
    if (versions == null) {
      logger.warn(
          "{}: incident evidence has no version changes",
          StorageCapability.SERVICE_VERSIONS.missingIn(storage));
    }
    this.tenant = b.tenant;
    this.maxBadTraces = b.maxBadTraces;
    this.maxBaselineTraces = b.maxBaselineTraces;
    this.logsPerTrace = b.logsPerTrace;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The traces read for an investigation, kept for cause ranking. */
  public record Traces(List<List<Span>> bad, List<List<Span>> baseline) {}

  /** The evidence and the traces it came from. */
  public record Result(Evidence evidence, Traces traces) {}

  /**
   * Gathers evidence for {@code scope} over {@code window}, compared with {@code baseline}; a
   * zero-length {@code baseline} means there is none (see the class comment).
   */
  public Result investigate(Scope scope, TimeWindow window, TimeWindow baseline) {
    boolean hasBaseline = baseline.start().isBefore(baseline.end());
    // 1. bad traces: failing, then slow
    Long slowThreshold = hasBaseline ? baselineQuantile(scope, baseline, 0.99) : null;
    if (scope.latencyThreshold() != null) slowThreshold = scope.latencyThreshold().toNanos();
    Map<String, TraceSummary> bad = new LinkedHashMap<>();
    int errorShare = scope.latencyThreshold() == null ? maxBadTraces : maxBadTraces / 2;
    if (scope.errorsAreBad() || scope.latencyThreshold() == null) {
      for (TraceSummary s : search(scope, window, true, null, null, errorShare)) {
        bad.putIfAbsent(s.traceId(), s);
      }
    }
    if (slowThreshold != null) {
      List<TraceSummary> slow = search(scope, window, false, slowThreshold + 1, null, maxBadTraces);
      slow.sort(Comparator.comparingLong(TraceSummary::durationNanos).reversed());
      for (TraceSummary s : slow) {
        if (bad.size() >= maxBadTraces) break;
        bad.putIfAbsent(s.traceId(), s);
      }
    }
    // 2. baseline traces: good ones of the scope before the incident, sampled from a few short
    // slices spread over the baseline: a trace search summarises every matching trace of its
    // range before applying the limit, so searching the whole baseline hour costs in proportion
    // to the traffic of that hour (see bench/README.md, "Incident card at 10 M spans")
    Long goodMax = scope.latencyThreshold() != null ? scope.latencyThreshold().toNanos() : null;
    List<TraceSummary> good = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (TimeWindow slice : hasBaseline ? slices(baseline) : List.<TimeWindow>of()) {
      int perSlice = (maxBaselineTraces + BASELINE_SLICES - 1) / BASELINE_SLICES;
      int taken = 0;
      for (TraceSummary s : search(scope, slice, false, null, goodMax, perSlice * 3)) {
        if (s.errorCount() == 0
            && taken < perSlice
            && good.size() < maxBaselineTraces
            && seen.add(s.traceId())) {
          good.add(s);
          taken++;
        }
      }
    }
    List<List<Span>> badTraces = fetch(bad.values());
    List<List<Span>> baselineTraces = fetch(good);
    boolean baselineAvailable = !baselineTraces.isEmpty();

    // 3. analyses
    List<OperationDelta> criticalPath = CriticalPathComparison.compare(badTraces, baselineTraces);
    List<Evidence.ServiceAttribute> attributes = attributes(badTraces, baselineTraces);
    List<Span> badSpans = flatten(badTraces);
    List<ErrorGroup> errors = ErrorGrouping.builder().build().group(badSpans);
    LogPatternComparison.Builder logComparison = LogPatternComparison.builder();
    if (!window.length().isZero()) logComparison.windows(window.length(), baseline.length());
    List<PatternChange> patterns =
        logComparison.build().compare(logs(badTraces, window), logs(baselineTraces, baseline));
    Set<String> involved = new LinkedHashSet<>();
    for (Span s : badSpans) involved.add(s.serviceName());
    List<VersionChange> changes = changes(involved, window, baseline);
    List<DependencyTrend> dependencies =
        dependencies(involved, window, hasBaseline ? baseline : null);
    Map<String, String> logQueries = new LinkedHashMap<>();
    int n = 0;
    for (TraceSummary s : bad.values()) {
      if (n++ == 5) break;
      logQueries.put("logs of trace " + s.traceId(), "/api/v1/logs?traceId=" + s.traceId());
    }
    logQueries.put(
        "warnings and errors of " + scope.service() + " in the window",
        "/api/v1/logs?service="
            + java.net.URLEncoder.encode(scope.service(), java.nio.charset.StandardCharsets.UTF_8)
            + "&severityMin=WARN&start="
            + window.start().toEpochMilli()
            + "&end="
            + window.end().toEpochMilli());

    Evidence evidence =
        new Evidence(
            refs(bad.values()),
            refs(good),
            criticalPath,
            attributes,
            errors,
            patterns,
            changes,
            dependencies,
            logQueries,
            baselineAvailable);
    return new Result(evidence, new Traces(badTraces, baselineTraces));
  }

  /** Baseline slices searched for good traces. */
  private static final int BASELINE_SLICES = 4;

  /** Length of each baseline slice, and of the baseline part compared for service-map edges. */
  private static final long SLICE_NANOS = 2 * 60_000_000_000L;

  private static final long EDGE_BASELINE_NANOS = 15 * 60_000_000_000L;

  /** {@link #BASELINE_SLICES} short windows spread evenly over {@code baseline}, latest first. */
  static List<TimeWindow> slices(TimeWindow baseline) {
    long start = baseline.startUnixNano();
    long end = baseline.endUnixNano();
    long length = end - start;
    if (length <= BASELINE_SLICES * SLICE_NANOS) return List.of(baseline);
    List<TimeWindow> out = new ArrayList<>();
    long gap = (length - SLICE_NANOS) / (BASELINE_SLICES - 1);
    for (int k = BASELINE_SLICES - 1; k >= 0; k--) {
      long from = start + k * gap;
      out.add(
          new TimeWindow(
              java.time.Instant.ofEpochSecond(0, from),
              java.time.Instant.ofEpochSecond(0, Math.min(end, from + SLICE_NANOS))));
    }
    return out;
  }

  private List<TraceSummary> search(
      Scope scope,
      TimeWindow w,
      boolean errorsOnly,
      @Nullable Long minDuration,
      @Nullable Long maxDuration,
      int limit) {
    if (limit <= 0) return new ArrayList<>();
    return new ArrayList<>(
        storage
            .traceReader()
            .searchTraces(
                new TraceQuery(
                    tenant,
                    scope.service(),
                    scope.operation(),
                    minDuration,
                    maxDuration,
                    errorsOnly,
                    scope.attributes(),
                    w.startUnixNano(),
                    w.endUnixNano(),
                    limit)));
  }

  private @Nullable Long baselineQuantile(Scope scope, TimeWindow baseline, double q) {
    if (spanMetrics == null) return null;
    DurationHistogram h = null;
    for (SpanMetricsPoint p :
        spanMetrics.query(
            new SpanMetricsQuery(
                tenant,
                scope.service(),
                scope.operation(),
                Set.of(),
                baseline.startUnixNano(),
                baseline.endUnixNano(),
                0,
                SpanMetricsQuery.GroupBy.NONE))) {
      h = h == null ? p.durations() : h.plus(p.durations());
    }
    if (h == null || h.total() == 0) return null;
    double v = h.quantileNanos(q);
    return Double.isFinite(v) ? (long) v : null;
  }

  private List<List<Span>> fetch(Iterable<TraceSummary> summaries) {
    List<List<Span>> out = new ArrayList<>();
    for (TraceSummary s : summaries) {
      List<Span> spans = storage.traceReader().getTrace(tenant, s.traceId());
      if (!spans.isEmpty()) out.add(spans);
    }
    return out;
  }

  private static List<Span> flatten(List<List<Span>> traces) {
    List<Span> out = new ArrayList<>();
    traces.forEach(out::addAll);
    return out;
  }

  private static List<Evidence.ServiceAttribute> attributes(
      List<List<Span>> bad, List<List<Span>> baseline) {
    Map<String, List<Span>> badByService = new TreeMap<>();
    Map<String, List<Span>> goodByService = new HashMap<>();
    for (Span s : flatten(bad)) {
      badByService.computeIfAbsent(s.serviceName(), k -> new ArrayList<>()).add(s);
    }
    for (Span s : flatten(baseline)) {
      goodByService.computeIfAbsent(s.serviceName(), k -> new ArrayList<>()).add(s);
    }
    AttributeComparison comparison = AttributeComparison.builder().limit(10).build();
    List<Evidence.ServiceAttribute> out = new ArrayList<>();
    badByService.forEach(
        (service, spans) -> {
          for (AttributeDifference d :
              comparison.compare(spans, goodByService.getOrDefault(service, List.of()))) {
            out.add(new Evidence.ServiceAttribute(service, d));
          }
        });
    out.sort(
        Comparator.comparingDouble((Evidence.ServiceAttribute a) -> -a.difference().score())
            .thenComparing(Evidence.ServiceAttribute::service));
    return out.size() > 40 ? new ArrayList<>(out.subList(0, 40)) : out;
  }

  private List<LogRecord> logs(List<List<Span>> traces, TimeWindow w) {
    List<LogRecord> out = new ArrayList<>();
    for (List<Span> trace : traces) {
      out.addAll(
          storage
              .logReader()
              .searchLogs(
                  new LogQuery(
                      tenant,
                      trace.get(0).traceId(),
                      null,
                      null,
                      null,
                      null,
                      w.startUnixNano() - HOUR_NANOS,
                      w.endUnixNano() + HOUR_NANOS,
                      logsPerTrace)));
    }
    return out;
  }

  private List<VersionChange> changes(
      Set<String> involved, TimeWindow window, TimeWindow baseline) {
    if (versions == null) return List.of();
    return versionChanges(
        versions.serviceVersions(tenant, baseline.startUnixNano(), window.endUnixNano()),
        involved,
        baseline.startUnixNano() + 60_000_000_000L);
  }

  /**
   * Versions of {@code involved} services first seen after {@code newAfter} while the service ran
   * another version before: deployments. Shared with verification.
   */
  public static List<VersionChange> versionChanges(
      List<ServiceVersion> versions, Set<String> involved, long newAfter) {
    Map<String, List<ServiceVersion>> byService = new LinkedHashMap<>();
    for (ServiceVersion v : versions) {
      if (involved.contains(v.service())) {
        byService.computeIfAbsent(v.service(), k -> new ArrayList<>()).add(v);
      }
    }
    List<VersionChange> out = new ArrayList<>();
    byService.forEach(
        (service, list) -> {
          for (ServiceVersion v : list) {
            if (v.firstSeenUnixNano() <= newAfter) continue;
            List<String> before = new ArrayList<>();
            for (ServiceVersion o : list) {
              if (o != v && o.firstSeenUnixNano() < v.firstSeenUnixNano()) before.add(o.version());
            }
            if (before.isEmpty()) continue;
            out.add(
                new VersionChange(
                    service, v.version(), before, v.firstSeenUnixNano(), v.spans(), null));
          }
        });
    out.sort(Comparator.comparingLong(VersionChange::firstSeenUnixNano));
    return out;
  }

  /** RED trends; {@code baseline} null when there is none (its figures are then null). */
  private List<DependencyTrend> dependencies(
      Set<String> involved, TimeWindow window, @Nullable TimeWindow baseline) {
    SpanMetricsReader spanMetrics = this.spanMetrics;
    if (spanMetrics == null) return List.of();
    Map<String, SpanMetricsPoint> during = byService(spanMetrics, window);
    Map<String, SpanMetricsPoint> before =
        baseline == null ? Map.of() : byService(spanMetrics, baseline);
    List<DependencyTrend> out = new ArrayList<>();
    for (String service : involved) {
      SpanMetricsPoint d = during.get(service);
      if (d == null) continue;
      out.add(trend(null, service, before.get(service), d, baseline, window));
    }
    // edges are joined from raw spans: compare with the end of the baseline only
    TimeWindow edgeBaseline =
        baseline == null
            ? null
            : new TimeWindow(
                java.time.Instant.ofEpochSecond(
                    0,
                    Math.max(
                        baseline.startUnixNano(), baseline.endUnixNano() - EDGE_BASELINE_NANOS)),
                baseline.end());
    Map<String, ServiceEdge> edgesBefore = new HashMap<>();
    List<ServiceEdge> edgesOfBaseline =
        edgeBaseline == null
            ? List.of()
            : spanMetrics.serviceEdges(
                tenant, edgeBaseline.startUnixNano(), edgeBaseline.endUnixNano());
    for (ServiceEdge e : edgesOfBaseline) {
      edgesBefore.put(e.client() + "\u0000" + e.server(), e);
    }
    for (ServiceEdge e :
        spanMetrics.serviceEdges(tenant, window.startUnixNano(), window.endUnixNano())) {
      if (!involved.contains(e.client()) && !involved.contains(e.server())) continue;
      ServiceEdge b = edgesBefore.get(e.client() + "\u0000" + e.server());
      out.add(
          new DependencyTrend(
              e.client(),
              e.server(),
              edgeBaseline == null ? null : b == null ? 0.0 : b.calls() / seconds(edgeBaseline),
              e.calls() / seconds(window),
              b == null || b.calls() == 0 ? null : (double) b.errors() / b.calls(),
              e.calls() == 0 ? 0 : (double) e.errors() / e.calls(),
              b == null ? null : p95(b.durations()),
              p95(e.durations())));
    }
    // largest error-ratio increase first; without a baseline ratio, the window's ratio
    out.sort(
        Comparator.comparingDouble(
                (DependencyTrend t) ->
                    -(t.errorRatio()
                        - (t.baselineErrorRatio() == null ? 0 : t.baselineErrorRatio())))
            .thenComparing(DependencyTrend::service));
    return out;
  }

  private Map<String, SpanMetricsPoint> byService(SpanMetricsReader spanMetrics, TimeWindow w) {
    Map<String, SpanMetricsPoint> out = new HashMap<>();
    for (SpanMetricsPoint p :
        spanMetrics.query(
            new SpanMetricsQuery(
                tenant,
                null,
                null,
                ENTRY_KINDS,
                w.startUnixNano(),
                w.endUnixNano(),
                0,
                SpanMetricsQuery.GroupBy.SERVICE))) {
      out.merge(
          p.service(),
          p,
          (a, b) ->
              new SpanMetricsPoint(
                  a.service(),
                  a.operation(),
                  a.spanKind(),
                  a.timeUnixNano(),
                  a.requests() + b.requests(),
                  a.errors() + b.errors(),
                  a.durationSumNanos() + b.durationSumNanos(),
                  a.durations().plus(b.durations())));
    }
    return out;
  }

  private static DependencyTrend trend(
      @Nullable String caller,
      String service,
      @Nullable SpanMetricsPoint before,
      SpanMetricsPoint during,
      @Nullable TimeWindow baseline,
      TimeWindow window) {
    return new DependencyTrend(
        caller,
        service,
        baseline == null ? null : before == null ? 0.0 : before.requests() / seconds(baseline),
        during.requests() / seconds(window),
        before == null || before.requests() == 0
            ? null
            : (double) before.errors() / before.requests(),
        during.requests() == 0 ? 0 : (double) during.errors() / during.requests(),
        before == null ? null : p95(before.durations()),
        p95(during.durations()));
  }

  /** The window's length in seconds, at least 1 (never divides by zero). */
  private static double seconds(TimeWindow w) {
    return Math.max(1, w.length().toMillis() / 1000.0);
  }

  private static @Nullable Double p95(DurationHistogram h) {
    if (h.total() == 0) return null;
    double v = h.quantileNanos(0.95);
    return Double.isFinite(v) ? v / 1e6 : null;
  }

  private static List<TraceRef> refs(Iterable<TraceSummary> summaries) {
    List<TraceRef> out = new ArrayList<>();
    for (TraceSummary s : summaries) {
      out.add(
          new TraceRef(
              s.traceId(),
              s.rootService(),
              s.rootName(),
              s.startTimeUnixNano(),
              s.durationNanos() / 1e6,
              s.spanCount(),
              s.errorCount()));
    }
    return out;
  }

  /** Builds an {@link Investigator}. */
  public static final class Builder {
    private @Nullable StorageComponent storage;
    private String tenant = dev.sightline.core.model.Tenants.DEFAULT;
    private int maxBadTraces = 40;
    private int maxBaselineTraces = 40;
    private int logsPerTrace = 200;

    private Builder() {}

    public Builder storage(StorageComponent storage) {
      this.storage = requireNonNull(storage, "storage");
      return this;
    }

    public Builder tenant(String tenant) {
      this.tenant = requireNonNull(tenant, "tenant");
      return this;
    }

    /** Bad traces fetched; 40 unless set. */
    public Builder maxBadTraces(int maxBadTraces) {
      if (maxBadTraces < 2) throw new IllegalArgumentException("maxBadTraces must be >= 2");
      this.maxBadTraces = maxBadTraces;
      return this;
    }

    /** Baseline traces fetched; 40 unless set. */
    public Builder maxBaselineTraces(int maxBaselineTraces) {
      if (maxBaselineTraces < 1)
        throw new IllegalArgumentException("maxBaselineTraces must be >= 1");
      this.maxBaselineTraces = maxBaselineTraces;
      return this;
    }

    /** Log records read per trace; 200 unless set. */
    public Builder logsPerTrace(int logsPerTrace) {
      if (logsPerTrace < 1) throw new IllegalArgumentException("logsPerTrace must be >= 1");
      this.logsPerTrace = logsPerTrace;
      return this;
    }

    public Investigator build() {
      return new Investigator(this);
    }
  }
}
