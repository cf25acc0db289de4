package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Tenants;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SpanSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Counts the good and total events of an SLO's ratio indicator from span metrics (RED buckets), so
 * evaluation does not rescan raw spans, except for what the buckets do not keep (below).
 *
 * <p>How each {@code signal: spans} source is counted from the buckets of its service and (when
 * given) operation, over every span kind:
 *
 * <ul>
 *   <li>no {@code status}, no {@code maxDurationMs}: requests;
 *   <li>{@code status: error}: errors; {@code status: ok}: requests − errors;
 *   <li>{@code maxDurationMs}: spans lasting at most the threshold, from the duration histogram
 *       ({@link #countAtMost}): exact when the threshold is a histogram bound (1-2-5 steps from 0.1
 *       ms to 100 s, e.g. 100, 200, 500, 1000 ms), otherwise interpolated linearly inside the
 *       bucket holding it.
 * </ul>
 *
 * <p>With a {@code bad} side, good = total − bad. Indicators with a span {@code attributes} filter,
 * or {@code status} together with {@code maxDurationMs} (histograms are not split by status), are
 * counted exactly from the stored spans instead ({@link SpanCountReader#countSpans}, both sides,
 * spans starting in [start, end)): each evaluation scans the service's spans of the longest window.
 *
 * <p>{@code signal: metrics} sources count the increase of OTLP counters from the raw metric points
 * ({@link CounterIncreaseReader#counterIncrease}, with the {@link Builder#counterIncreaseReader
 * counter increase reader}): the points whose time is in the range count. Both sides of a ratio
 * must be metric sources or both span sources; otherwise the result says so ({@link
 * SliResult.Unsupported}), as it does when the storage backend lacks the reader an indicator needs
 * (the {@link dev.sightline.core.storage.StorageCapability capabilities} {@code SPAN_COUNTS},
 * {@code COUNTER_INCREASE}): the SLO is then reported unsupported, with the reason, and never
 * alerts.
 *
 * <p>Ranges are in whole 10-second buckets: those starting in [start, end) of event time count.
 * Thread-safe if the reader is; every call queries the reader (one query per distinct service and
 * operation of the indicator).
 */
public final class SliCalculator {
  /** The most steps of one stepped series read for {@link #count(Slo, SortedSet, long)}. */
  public static final int MAX_STEPS = 10_000;

  private final SpanMetricsReader reader;
  private final String tenant;
  private final RawSpanCounts rawSpans;
  private final MetricSliCounter metrics;

  private SliCalculator(Builder b, SpanMetricsReader reader) {
    this.reader = reader;
    this.tenant = b.tenant;
    this.rawSpans = new RawSpanCounts(b.spanCounts, b.noSpanCounts, b.tenant);
    this.metrics =
        new MetricSliCounter(b.metricReader, b.counterIncreases, b.noCounterIncreases, b.tenant);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Why {@code slo}'s indicator cannot be computed; empty when it can. */
  public static Optional<String> unsupportedReason(Slo slo) {
    return MetricSliCounter.mixedReason(slo.indicator().ratioMetric());
  }

  /**
   * The event time of the oldest stored event of {@code slo}'s scope: the oldest RED bucket of the
   * total side's service and operation (attribute filters aside), or the oldest point of the total
   * side's metric. Empty when nothing is stored.
   */
  public java.util.OptionalLong oldestEvent(Slo slo) {
    RatioMetric ratio = slo.indicator().ratioMetric();
    if (MetricSliCounter.counts(ratio)) return metrics.oldestEvent(ratio);
    SpanSource total = (SpanSource) ratio.total();
    return reader.oldestBucket(tenant, total.service(), total.operation());
  }

  /**
   * Good and total events of {@code slo}'s indicator in the buckets starting in [start, end), or
   * why they cannot be counted. No events yields counts of zero.
   */
  public SliResult count(Slo slo, long startUnixNano, long endUnixNano) {
    Optional<String> unsupported = unsupportedReason(slo);
    if (unsupported.isPresent()) return new SliResult.Unsupported(unsupported.get());
    if (RawSpanCounts.needed(slo)) return rawSpans.count(slo, startUnixNano, endUnixNano);
    RatioMetric ratio = slo.indicator().ratioMetric();
    if (MetricSliCounter.counts(ratio)) return metrics.count(ratio, startUnixNano, endUnixNano);
    SpanSource total = (SpanSource) ratio.total();
    SpanSource good = (SpanSource) ratio.good();
    SpanSource bad = (SpanSource) ratio.bad();
    List<SpanSource> sources = new ArrayList<>(2);
    sources.add(total);
    sources.add(good != null ? good : requireNonNull(bad));

    // one query per distinct service and operation; good and total usually share it
    Map<List<@Nullable String>, List<SpanMetricsPoint>> points =
        seriesOf(sources, startUnixNano, endUnixNano, 0);
    double totalCount = count(total, points);
    double goodCount = good != null ? count(good, points) : totalCount - count(bad, points);
    return new SliResult.Counts(goodCount, totalCount);
  }

  /**
   * The RED points of each distinct service and operation of {@code sources} over [start, end), per
   * step ({@code 0}: one point), keyed by {@link #key}: one query per key, so good and total
   * usually share one.
   */
  private Map<List<@Nullable String>, List<SpanMetricsPoint>> seriesOf(
      List<SpanSource> sources, long start, long end, long step) {
    Map<List<@Nullable String>, List<SpanMetricsPoint>> points = new LinkedHashMap<>();
    for (SpanSource s : sources) {
      points.computeIfAbsent(
          key(s),
          k ->
              reader.query(
                  new SpanMetricsQuery(
                      tenant,
                      s.service(),
                      s.operation(),
                      Set.of(),
                      start,
                      end,
                      step,
                      SpanMetricsQuery.GroupBy.NONE)));
    }
    return points;
  }

  private static double count(
      @Nullable SpanSource source, Map<List<@Nullable String>, List<SpanMetricsPoint>> points) {
    SpanSource s = requireNonNull(source);
    double n = 0;
    for (SpanMetricsPoint p : requireNonNull(points.get(key(s)))) n += count(s, p);
    return n;
  }

  private static List<@Nullable String> key(SpanSource s) {
    List<@Nullable String> key = new ArrayList<>(2);
    key.add(s.service());
    key.add(s.operation());
    return key;
  }

  private static double count(SpanSource s, SpanMetricsPoint p) {
    if (s.maxDuration() != null) return countAtMost(p.durations(), s.maxDuration().toNanos());
    if (s.status() == null) return p.requests();
    if (s.status() == SpanSource.Status.ERROR) return p.errors();
    return p.requests() - p.errors();
  }

  /**
   * Like {@link #count(Slo, long, long)} for each of {@code windows} ending at {@code end}: window
   * {@code w} counts the buckets starting in [end − w, end). When every window is a multiple of
   * their greatest common divisor, itself a multiple of 10 s, and the longest window holds at most
   * {@value #MAX_STEPS} such steps, this reads one stepped series per distinct service and
   * operation of the indicator and sums its steps per window (the same counts, fewer queries);
   * otherwise it queries each window.
   */
  public Map<Duration, SliResult> count(Slo slo, SortedSet<Duration> windows, long endUnixNano) {
    Map<Duration, SliResult> out = new TreeMap<>();
    Optional<String> unsupported = unsupportedReason(slo);
    if (unsupported.isPresent() || windows.isEmpty()) {
      for (Duration w : windows) out.put(w, new SliResult.Unsupported(unsupported.orElseThrow()));
      return out;
    }
    if (RawSpanCounts.needed(slo)) return rawSpans.count(slo, windows, endUnixNano);
    if (MetricSliCounter.counts(slo.indicator().ratioMetric())) {
      return metrics.count(slo.indicator().ratioMetric(), windows, endUnixNano);
    }
    long longest = windows.last().toNanos();
    long step = 0;
    for (Duration w : windows) step = gcd(step, w.toNanos());
    if (step % SpanMetricsReader.BUCKET_NANOS != 0 || longest / step > MAX_STEPS) {
      for (Duration w : windows) out.put(w, count(slo, endUnixNano - w.toNanos(), endUnixNano));
      return out;
    }
    RatioMetric ratio = slo.indicator().ratioMetric();
    SpanSource total = (SpanSource) ratio.total();
    SpanSource good = (SpanSource) ratio.good();
    SpanSource bad = (SpanSource) ratio.bad();
    SpanSource counted = good != null ? good : requireNonNull(bad);
    long start = endUnixNano - longest;
    Map<List<@Nullable String>, List<SpanMetricsPoint>> points =
        seriesOf(List.of(total, counted), start, endUnixNano, windows.size() == 1 ? 0 : step);
    for (Duration w : windows) {
      long from = endUnixNano - w.toNanos();
      double totalCount = 0;
      for (SpanMetricsPoint p : requireNonNull(points.get(key(total)))) {
        if (p.timeUnixNano() >= from) totalCount += count(total, p);
      }
      double countedCount = 0;
      for (SpanMetricsPoint p : requireNonNull(points.get(key(counted)))) {
        if (p.timeUnixNano() >= from) countedCount += count(counted, p);
      }
      double goodCount = good != null ? countedCount : totalCount - countedCount;
      out.put(w, new SliResult.Counts(goodCount, totalCount));
    }
    return out;
  }

  /**
   * Counts for many SLOs at once, {@code windows.get(i)} ending at {@code end} for {@code
   * slos.get(i)}: one query per distinct window over all services, grouped by operation, whatever
   * the number of SLOs. The counts equal those of {@link #count(Slo, SortedSet, long)}; SLOs that
   * cannot be counted get {@link SliResult.Unsupported} for each window. SLOs counted from stored
   * spans are not in these queries: each reads its own, as {@link #count(Slo, SortedSet, long)}.
   */
  public List<Map<Duration, SliResult>> countAll(
      List<Slo> slos, List<? extends SortedSet<Duration>> windows, long endUnixNano) {
    if (slos.size() != windows.size()) {
      throw new IllegalArgumentException("slos and windows must have the same size");
    }
    SortedSet<Duration> all = new java.util.TreeSet<>();
    // only the services the SLOs count are read: other services, and however many operations they
    // have, cost nothing
    Set<String> services = new java.util.TreeSet<>();
    for (int i = 0; i < slos.size(); i++) {
      Slo slo = slos.get(i);
      RatioMetric ratio = slo.indicator().ratioMetric();
      if (unsupportedReason(slo).isEmpty()
          && !RawSpanCounts.needed(slo)
          && !MetricSliCounter.counts(ratio)) {
        all.addAll(windows.get(i));
        for (Object source : java.util.Arrays.asList(ratio.total(), ratio.good(), ratio.bad())) {
          if (source instanceof SpanSource s && s.service() != null) services.add(s.service());
        }
      }
    }
    // per window: the points of each service, one per operation and span kind
    Map<Duration, Map<String, List<SpanMetricsPoint>>> series = new TreeMap<>();
    for (Duration w : all) {
      Map<String, List<SpanMetricsPoint>> byService = new java.util.HashMap<>();
      series.put(w, byService);
      if (services.isEmpty()) continue; // no span source names a service: nothing to count
      for (SpanMetricsPoint p :
          reader.query(
              new SpanMetricsQuery(
                  tenant,
                  null,
                  null,
                  Set.of(),
                  endUnixNano - w.toNanos(),
                  endUnixNano,
                  0,
                  SpanMetricsQuery.GroupBy.OPERATION,
                  services))) {
        byService.computeIfAbsent(p.service(), k -> new ArrayList<>()).add(p);
      }
    }
    List<Map<Duration, SliResult>> out = new ArrayList<>(slos.size());
    for (int i = 0; i < slos.size(); i++) {
      Slo slo = slos.get(i);
      Map<Duration, SliResult> counts = new TreeMap<>();
      Optional<String> unsupported = unsupportedReason(slo);
      if (unsupported.isEmpty() && RawSpanCounts.needed(slo)) {
        out.add(rawSpans.count(slo, windows.get(i), endUnixNano));
        continue;
      }
      RatioMetric ratio = slo.indicator().ratioMetric();
      if (unsupported.isEmpty() && MetricSliCounter.counts(ratio) && !windows.get(i).isEmpty()) {
        out.add(metrics.count(ratio, windows.get(i), endUnixNano)); // one stepped query per source
        continue;
      }
      for (Duration w : windows.get(i)) {
        if (unsupported.isPresent()) {
          counts.put(w, new SliResult.Unsupported(unsupported.get()));
          continue;
        }
        Map<String, List<SpanMetricsPoint>> byService = requireNonNull(series.get(w));
        double total = countIn(byService, (SpanSource) ratio.total());
        counts.put(
            w,
            ratio.good() != null
                ? new SliResult.Counts(countIn(byService, (SpanSource) ratio.good()), total)
                : new SliResult.Counts(
                    total - countIn(byService, (SpanSource) requireNonNull(ratio.bad())), total));
      }
      out.add(counts);
    }
    return out;
  }

  /** The most 10-second-aligned slots one {@link #series} call reads. */
  public static final int MAX_SERIES_SLOTS = 200_000;

  /**
   * A sliding-window series: for each {@code t = start + k × step} up to {@code end}, the good and
   * total events of the buckets starting in [t − window, t). Reads one stepped series per distinct
   * service and operation (step = gcd(window, step)) and sums it with prefix sums. Indicators
   * counted from stored spans read one stepped count of spans per distinct source instead.
   *
   * @throws IllegalArgumentException when window or step is not a positive multiple of 10 s, or the
   *     range needs more than {@link #MAX_SERIES_SLOTS} slots
   */
  public List<SeriesPoint> series(
      Slo slo, Duration window, long startUnixNano, long endUnixNano, Duration step) {
    Optional<String> unsupported = unsupportedReason(slo);
    if (unsupported.isPresent()) throw new IllegalArgumentException(unsupported.get());
    long w = window.toNanos();
    long st = step.toNanos();
    long bucket = SpanMetricsReader.BUCKET_NANOS;
    if (w <= 0 || st <= 0 || w % bucket != 0 || st % bucket != 0) {
      throw new IllegalArgumentException("window and step must be positive multiples of 10s");
    }
    if (endUnixNano < startUnixNano) throw new IllegalArgumentException("end before start");
    long slot = gcd(w, st);
    long from = startUnixNano - w;
    long slots = (endUnixNano - from) / slot + 1;
    if (slots > MAX_SERIES_SLOTS) {
      throw new IllegalArgumentException(
          "range too long for this step and window: "
              + slots
              + " slots of "
              + Duration.ofNanos(slot)
              + " (at most "
              + MAX_SERIES_SLOTS
              + ")");
    }
    RatioMetric ratio = slo.indicator().ratioMetric();
    boolean good = ratio.good() != null;
    double[] totals = new double[(int) slots];
    double[] counteds = new double[(int) slots];
    if (MetricSliCounter.counts(ratio)) {
      metrics.fill(ratio, from, endUnixNano, slot, totals, counteds);
    } else if (RawSpanCounts.needed(slo)) {
      rawSpans.fill(slo, from, endUnixNano, slot, totals, counteds);
    } else {
      SpanSource total = (SpanSource) ratio.total();
      SpanSource counted = (SpanSource) (good ? ratio.good() : requireNonNull(ratio.bad()));
      fillFromBuckets(total, counted, from, endUnixNano, slot, totals, counteds);
    }
    double[] totalSum = new double[totals.length + 1];
    double[] countedSum = new double[totals.length + 1];
    for (int i = 0; i < totals.length; i++) {
      totalSum[i + 1] = totalSum[i] + totals[i];
      countedSum[i + 1] = countedSum[i] + counteds[i];
    }
    List<SeriesPoint> out = new ArrayList<>();
    int width = (int) (w / slot);
    for (long t = startUnixNano; t <= endUnixNano; t += st) {
      int hi = (int) ((t - from) / slot); // slots before t
      int lo = Math.max(0, hi - width);
      double tot = totalSum[hi] - totalSum[lo];
      double c = countedSum[hi] - countedSum[lo];
      out.add(new SeriesPoint(t, good ? c : tot - c, tot));
    }
    return out;
  }

  private void fillFromBuckets(
      SpanSource total,
      SpanSource counted,
      long from,
      long endUnixNano,
      long slot,
      double[] totals,
      double[] counteds) {
    Map<List<@Nullable String>, List<SpanMetricsPoint>> points =
        seriesOf(List.of(total, counted), from, endUnixNano, slot);
    for (SpanMetricsPoint p : requireNonNull(points.get(key(total)))) {
      totals[(int) ((p.timeUnixNano() - from) / slot)] += count(total, p);
    }
    for (SpanMetricsPoint p : requireNonNull(points.get(key(counted)))) {
      counteds[(int) ((p.timeUnixNano() - from) / slot)] += count(counted, p);
    }
  }

  /** One point of {@link #series}: the window ending at {@code timeUnixNano}. */
  public record SeriesPoint(long timeUnixNano, double good, double total) {
    /** {@code (total − good) / total}; NaN without events. */
    public double errorRatio() {
      return total == 0 ? Double.NaN : (total - good) / total;
    }
  }

  private static double countIn(Map<String, List<SpanMetricsPoint>> byService, SpanSource s) {
    double n = 0;
    for (SpanMetricsPoint p : byService.getOrDefault(s.service(), List.of())) {
      if (s.operation() == null || s.operation().equals(p.operation())) n += count(s, p);
    }
    return n;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /**
   * The number of durations in {@code histogram} at most {@code thresholdNanos}. Buckets whose
   * upper bound is at most the threshold count whole, so the result is exact when the threshold is
   * a bound. The bucket holding the threshold, (lower, upper], counts in proportion {@code
   * (threshold − lower) / (upper − lower)} (durations assumed uniform inside it; the first bucket
   * starts at 0), as Prometheus' {@code histogram_quantile} assumes. Durations above 100 s (the
   * overflow bucket) never count as at most a threshold above 100 s.
   */
  public static double countAtMost(DurationHistogram histogram, long thresholdNanos) {
    double n = 0;
    long lower = 0;
    for (int i = 0; i < DurationHistogram.BUCKETS - 1; i++) {
      long upper = DurationHistogram.upperBoundNanos(i);
      if (thresholdNanos >= upper) {
        n += histogram.count(i);
        lower = upper;
        continue;
      }
      if (thresholdNanos > lower) {
        n += histogram.count(i) * (double) (thresholdNanos - lower) / (upper - lower);
      }
      break;
    }
    return n;
  }

  /** Builds a {@link SliCalculator}. */
  public static final class Builder {
    private @Nullable SpanMetricsReader reader;
    private @Nullable SpanCountReader spanCounts;
    private String noSpanCounts = RawSpanCounts.NO_READER;
    private @Nullable MetricReader metricReader;
    private @Nullable CounterIncreaseReader counterIncreases;
    private String noCounterIncreases = MetricSliCounter.NO_COUNTER_INCREASES;
    private String tenant = Tenants.DEFAULT;

    private Builder() {}

    /**
     * Every reader {@code storage} offers: its span metrics (required: a backend without {@link
     * StorageCapability#SPAN_METRICS} is refused), span counts, metric reader and counter
     * increases. SLIs that need a capability the backend lacks are {@link SliResult.Unsupported}
     * with a reason naming it.
     *
     * @throws IllegalArgumentException when {@code storage} has no span metrics
     */
    public Builder storage(StorageComponent storage) {
      requireNonNull(storage, "storage");
      reader(
          storage
              .spanMetricsReader()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "SLO evaluation needs span metrics: "
                              + StorageCapability.SPAN_METRICS.missingIn(storage))));
      this.spanCounts = storage.spanCountReader().orElse(null);
      this.noSpanCounts = StorageCapability.SPAN_COUNTS.missingIn(storage);
      this.metricReader = storage.metricReader();
      this.counterIncreases = storage.counterIncreaseReader().orElse(null);
      this.noCounterIncreases = StorageCapability.COUNTER_INCREASE.missingIn(storage);
      return this;
    }

    /** Where span metrics are read. Required (or set {@link #storage}). */
    public Builder reader(SpanMetricsReader reader) {
      this.reader = requireNonNull(reader, "reader");
      return this;
    }

    /**
     * Where stored spans are counted, for indicators RED buckets cannot answer (span attribute
     * filters; status with maxDurationMs). Optional: without it, their SLIs are {@link
     * SliResult.Unsupported}.
     */
    public Builder spanCountReader(SpanCountReader spanCountReader) {
      this.spanCounts = requireNonNull(spanCountReader, "spanCountReader");
      return this;
    }

    /**
     * Where the oldest point of a {@code signal: metrics} source is read (SLO warm-up). Optional:
     * without it, their SLIs are {@link SliResult.Unsupported}.
     */
    public Builder metricReader(MetricReader metricReader) {
      this.metricReader = requireNonNull(metricReader, "metricReader");
      return this;
    }

    /**
     * Where {@code signal: metrics} sources are counted ({@link
     * CounterIncreaseReader#counterIncrease}), together with the {@link #metricReader}. Optional:
     * without it, their SLIs are {@link SliResult.Unsupported}.
     */
    public Builder counterIncreaseReader(CounterIncreaseReader counterIncreaseReader) {
      this.counterIncreases = requireNonNull(counterIncreaseReader, "counterIncreaseReader");
      return this;
    }

    /** The tenant whose span metrics are read; {@link Tenants#DEFAULT} unless set. */
    public Builder tenant(String tenant) {
      requireNonNull(tenant, "tenant");
      if (tenant.isEmpty()) throw new IllegalArgumentException("tenant must not be empty");
      this.tenant = tenant;
      return this;
    }

    public SliCalculator build() {
      if (reader == null) throw new IllegalStateException("reader or storage must be set");
      return new SliCalculator(this, reader);
    }
  }
}
