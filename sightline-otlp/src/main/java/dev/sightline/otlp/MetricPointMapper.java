package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpCommon.attributes;
import static dev.sightline.otlp.OtlpCommon.hexOrEmpty;

import dev.sightline.core.model.AggregationTemporality;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Exemplar;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.MetricType;
import dev.sightline.core.model.PointValue;
import dev.sightline.core.model.Resource;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validates the data points of an OTLP metrics export request and maps the valid ones to {@link
 * MetricPoint}, one per data point.
 *
 * <p>Rejections count data points ({@code rejected_data_points}):
 *
 * <ul>
 *   <li>a metric with an empty name: all its data points;
 *   <li>a data point whose {@code timeUnixNano} is not positive;
 *   <li>a number data point with no value ({@code asDouble}/{@code asInt} unset), unless it is
 *       flagged {@code NO_RECORDED_VALUE}: that one is kept with the value NaN (a staleness
 *       marker);
 *   <li>a histogram data point whose {@code bucketCounts} is non-empty but does not have {@code
 *       explicitBounds} size + 1 entries, or whose {@code explicitBounds} are not strictly
 *       increasing.
 * </ul>
 *
 * <p>A metric without data (the {@code data} oneof unset) has no data points: it stores nothing and
 * rejects nothing. An exemplar with an invalid trace id (not 16 bytes, all zeros, or not hex) loses
 * both its ids and an invalid span id loses only the span id; the exemplar and its data point are
 * kept, because the measurement is still right. Metric {@code metadata} is not mapped.
 */
public final class MetricPointMapper {
  private MetricPointMapper() {}

  public static MappedBatch<MetricPoint> map(ExportMetricsServiceRequest request, String tenant) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(tenant, "tenant");
    Walk w = new Walk(tenant, countPoints(request));
    for (w.r = 0; w.r < request.getResourceMetricsCount(); w.r++) {
      ResourceMetrics rm = request.getResourceMetrics(w.r);
      w.resource = OtlpCommon.resource(rm.getResource(), rm.getSchemaUrl());
      for (w.s = 0; w.s < rm.getScopeMetricsCount(); w.s++) {
        ScopeMetrics sm = rm.getScopeMetrics(w.s);
        w.scope = OtlpCommon.scope(sm.getScope(), sm.getSchemaUrl());
        for (w.m = 0; w.m < sm.getMetricsCount(); w.m++) {
          w.metric(sm.getMetrics(w.m));
        }
      }
    }
    return new MappedBatch<>(w.out, w.rejections.count(), w.rejections.message());
  }

  private static int countPoints(ExportMetricsServiceRequest request) {
    int n = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) n += pointCount(m);
      }
    }
    return n;
  }

  private static int pointCount(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  private static String dataField(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> "gauge";
      case SUM -> "sum";
      case HISTOGRAM -> "histogram";
      case EXPONENTIAL_HISTOGRAM -> "exponentialHistogram";
      case SUMMARY -> "summary";
      case DATA_NOT_SET -> "";
    };
  }

  /** Traversal state: the current resource, scope, metric, and their indexes for locations. */
  private static final class Walk {
    final String tenant;
    final List<MetricPoint> out;
    final Rejections rejections = new Rejections("data point", "data points");
    Resource resource = Resource.empty();
    InstrumentationScope scope = InstrumentationScope.empty();
    int r;
    int s;
    int m;

    // the metric being mapped
    Metric metric = Metric.getDefaultInstance();
    MetricType type = MetricType.GAUGE;
    AggregationTemporality temporality = AggregationTemporality.UNSPECIFIED;
    boolean monotonic;

    Walk(String tenant, int expectedPoints) {
      this.tenant = tenant;
      this.out = new ArrayList<>(expectedPoints);
    }

    void metric(Metric metric) {
      this.metric = metric;
      int points = pointCount(metric);
      if (points == 0) return;
      if (metric.getName().isEmpty()) {
        int fr = r;
        int fs = s;
        int fm = m;
        rejections.reject(
            points,
            () -> "resourceMetrics[" + fr + "].scopeMetrics[" + fs + "].metrics[" + fm + "]",
            "metric name must not be empty (" + points + " data points)");
        return;
      }
      switch (metric.getDataCase()) {
        case GAUGE -> {
          start(MetricType.GAUGE, AggregationTemporality.UNSPECIFIED, false);
          numbers(metric.getGauge().getDataPointsList());
        }
        case SUM -> {
          var sum = metric.getSum();
          start(
              MetricType.SUM,
              AggregationTemporality.fromNumber(sum.getAggregationTemporalityValue()),
              sum.getIsMonotonic());
          numbers(sum.getDataPointsList());
        }
        case HISTOGRAM -> {
          var h = metric.getHistogram();
          start(
              MetricType.HISTOGRAM,
              AggregationTemporality.fromNumber(h.getAggregationTemporalityValue()),
              false);
          histograms(h.getDataPointsList());
        }
        case EXPONENTIAL_HISTOGRAM -> {
          var h = metric.getExponentialHistogram();
          start(
              MetricType.EXPONENTIAL_HISTOGRAM,
              AggregationTemporality.fromNumber(h.getAggregationTemporalityValue()),
              false);
          exponentialHistograms(h.getDataPointsList());
        }
        case SUMMARY -> {
          start(MetricType.SUMMARY, AggregationTemporality.UNSPECIFIED, false);
          summaries(metric.getSummary().getDataPointsList());
        }
        case DATA_NOT_SET -> {}
      }
    }

    private void start(MetricType type, AggregationTemporality temporality, boolean monotonic) {
      this.type = type;
      this.temporality = temporality;
      this.monotonic = monotonic;
    }

    private void numbers(List<NumberDataPoint> points) {
      for (int p = 0; p < points.size(); p++) {
        NumberDataPoint dp = points.get(p);
        PointValue.NumberValue value;
        switch (dp.getValueCase()) {
          case AS_INT -> value = PointValue.NumberValue.ofLong(dp.getAsInt());
          case AS_DOUBLE -> value = PointValue.NumberValue.ofDouble(dp.getAsDouble());
          default -> {
            if (noRecordedValue(dp.getFlags())) {
              value = PointValue.NumberValue.ofDouble(Double.NaN);
            } else {
              reject(p, "value must be set (asDouble or asInt)");
              continue;
            }
          }
        }
        if (checkTime(p, dp.getTimeUnixNano())) {
          emit(
              dp.getAttributesList(),
              dp.getStartTimeUnixNano(),
              dp.getTimeUnixNano(),
              dp.getFlags(),
              value,
              exemplars(dp.getExemplarsList()));
        }
      }
    }

    private void histograms(List<HistogramDataPoint> points) {
      for (int p = 0; p < points.size(); p++) {
        HistogramDataPoint dp = points.get(p);
        if (!checkTime(p, dp.getTimeUnixNano())) continue;
        String problem = histogramProblem(dp);
        if (problem != null) {
          reject(p, problem);
          continue;
        }
        emit(
            dp.getAttributesList(),
            dp.getStartTimeUnixNano(),
            dp.getTimeUnixNano(),
            dp.getFlags(),
            new PointValue.HistogramValue(
                dp.getCount(),
                dp.hasSum() ? dp.getSum() : null,
                dp.hasMin() ? dp.getMin() : null,
                dp.hasMax() ? dp.getMax() : null,
                dp.getBucketCountsList(),
                dp.getExplicitBoundsList()),
            exemplars(dp.getExemplarsList()));
      }
    }

    private void exponentialHistograms(List<ExponentialHistogramDataPoint> points) {
      for (int p = 0; p < points.size(); p++) {
        ExponentialHistogramDataPoint dp = points.get(p);
        if (!checkTime(p, dp.getTimeUnixNano())) continue;
        var positive = dp.getPositive();
        var negative = dp.getNegative();
        emit(
            dp.getAttributesList(),
            dp.getStartTimeUnixNano(),
            dp.getTimeUnixNano(),
            dp.getFlags(),
            new PointValue.ExponentialHistogramValue(
                dp.getCount(),
                dp.hasSum() ? dp.getSum() : null,
                dp.hasMin() ? dp.getMin() : null,
                dp.hasMax() ? dp.getMax() : null,
                dp.getScale(),
                dp.getZeroCount(),
                dp.getZeroThreshold(),
                positive.getOffset(),
                positive.getBucketCountsList(),
                negative.getOffset(),
                negative.getBucketCountsList()),
            exemplars(dp.getExemplarsList()));
      }
    }

    private void summaries(List<SummaryDataPoint> points) {
      for (int p = 0; p < points.size(); p++) {
        SummaryDataPoint dp = points.get(p);
        if (!checkTime(p, dp.getTimeUnixNano())) continue;
        List<PointValue.Quantile> quantiles = new ArrayList<>(dp.getQuantileValuesCount());
        for (var q : dp.getQuantileValuesList()) {
          quantiles.add(new PointValue.Quantile(q.getQuantile(), q.getValue()));
        }
        emit(
            dp.getAttributesList(),
            dp.getStartTimeUnixNano(),
            dp.getTimeUnixNano(),
            dp.getFlags(),
            new PointValue.SummaryValue(dp.getCount(), dp.getSum(), quantiles),
            List.of());
      }
    }

    private void emit(
        List<io.opentelemetry.proto.common.v1.KeyValue> attributes,
        long startTimeUnixNano,
        long timeUnixNano,
        int flags,
        PointValue value,
        List<Exemplar> exemplars) {
      Attributes attrs = attributes(attributes);
      out.add(
          new MetricPoint(
              tenant,
              metric.getName(),
              metric.getDescription(),
              metric.getUnit(),
              type,
              temporality,
              monotonic,
              attrs,
              startTimeUnixNano,
              timeUnixNano,
              flags,
              value,
              exemplars,
              resource,
              scope));
    }

    private boolean checkTime(int p, long timeUnixNano) {
      if (timeUnixNano > 0) return true;
      reject(
          p,
          timeUnixNano == 0
              ? "timeUnixNano must be set"
              : "timeUnixNano is out of range: " + Long.toUnsignedString(timeUnixNano));
      return false;
    }

    private void reject(int p, String problem) {
      int fr = r;
      int fs = s;
      int fm = m;
      String data = dataField(metric);
      rejections.reject(
          1,
          () ->
              "resourceMetrics["
                  + fr
                  + "].scopeMetrics["
                  + fs
                  + "].metrics["
                  + fm
                  + "]."
                  + data
                  + ".dataPoints["
                  + p
                  + "]",
          problem);
    }
  }

  private static boolean noRecordedValue(int flags) {
    return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
  }

  /** Why a histogram point is inconsistent, or null. */
  static @Nullable String histogramProblem(HistogramDataPoint dp) {
    int buckets = dp.getBucketCountsCount();
    int bounds = dp.getExplicitBoundsCount();
    if (buckets != 0 && buckets != bounds + 1) {
      return "bucketCounts has "
          + buckets
          + " entries but explicitBounds has "
          + bounds
          + " (expected "
          + (bounds + 1)
          + " bucket counts)";
    }
    for (int i = 1; i < bounds; i++) {
      if (!(dp.getExplicitBounds(i) > dp.getExplicitBounds(i - 1))) {
        return "explicitBounds must be strictly increasing (index " + i + ")";
      }
    }
    return null;
  }

  private static List<Exemplar> exemplars(List<io.opentelemetry.proto.metrics.v1.Exemplar> in) {
    int n = in.size();
    if (n == 0) return List.of();
    List<Exemplar> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      io.opentelemetry.proto.metrics.v1.Exemplar e = in.get(i);
      String traceId = hexOrEmpty(e.getTraceId(), Ids.TRACE_ID_BYTES);
      String spanId = traceId.isEmpty() ? "" : hexOrEmpty(e.getSpanId(), Ids.SPAN_ID_BYTES);
      boolean isLong =
          e.getValueCase() == io.opentelemetry.proto.metrics.v1.Exemplar.ValueCase.AS_INT;
      out.add(
          new Exemplar(
              e.getTimeUnixNano(),
              isLong,
              isLong ? 0 : e.getAsDouble(),
              isLong ? e.getAsInt() : 0,
              traceId,
              spanId,
              attributes(e.getFilteredAttributesList())));
    }
    return out;
  }
}
