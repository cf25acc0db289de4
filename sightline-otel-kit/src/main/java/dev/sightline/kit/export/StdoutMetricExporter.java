package dev.sightline.kit.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.io.PrintStream;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Prints metric points to standard output (cumulative), one line per point, preceded by their
 * resource.
 *
 * <pre>{@code
 * metric dice.rolls {roll} LONG_SUM scope=rolldice {roll.value=4} 9
 * metric http.server.request.duration s HISTOGRAM scope=... {http.route="/rolldice"} count=27 sum=0.0021
 * }</pre>
 */
public final class StdoutMetricExporter implements MetricExporter {
  private final Supplier<PrintStream> out;

  private StdoutMetricExporter(Supplier<PrintStream> out) {
    this.out = out;
  }

  /** Prints to {@link System#out} as it is at export time. */
  public static StdoutMetricExporter create() {
    return new StdoutMetricExporter(() -> System.out);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    StringBuilder text = new StringBuilder();
    Resource last = null;
    for (MetricData metric : metrics) {
      if (!metric.getResource().equals(last)) {
        last = metric.getResource();
        text.append(StdoutFormat.resource(last)).append('\n');
      }
      for (PointData point : metric.getData().getPoints()) {
        text.append("metric ")
            .append(metric.getName())
            .append(' ')
            .append(metric.getUnit().isEmpty() ? "1" : metric.getUnit())
            .append(' ')
            .append(metric.getType())
            .append(" scope=")
            .append(metric.getInstrumentationScopeInfo().getName())
            .append(' ')
            .append(StdoutFormat.attributes(point.getAttributes()))
            .append(' ')
            .append(value(point))
            .append('\n');
      }
    }
    StdoutFormat.print(out, text);
    return CompletableResultCode.ofSuccess();
  }

  private static String value(PointData point) {
    if (point instanceof HistogramPointData) {
      HistogramPointData h = (HistogramPointData) point;
      return "count=" + h.getCount() + " sum=" + h.getSum();
    }
    if (point instanceof LongPointData) {
      return Long.toString(((LongPointData) point).getValue());
    }
    if (point instanceof DoublePointData) {
      return Double.toString(((DoublePointData) point).getValue());
    }
    return point.toString();
  }

  @Override
  public CompletableResultCode flush() {
    out.get().flush();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return flush();
  }

  @Override
  public String toString() {
    return "StdoutMetricExporter{}";
  }
}
