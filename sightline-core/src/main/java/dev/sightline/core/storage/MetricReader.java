package dev.sightline.core.storage;

import dev.sightline.core.model.MetricPoint;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads metric points. Methods block; call them off event-loop threads. Counter increases, which a
 * backend may lack, are a separate {@link CounterIncreaseReader}.
 */
public interface MetricReader {

  /**
   * Points matching the query, ordered by series (name, service, attributes) then time, at most
   * {@code query.limit()} points.
   */
  List<MetricPoint> searchPoints(MetricQuery query);

  /** Distinct metric names with points in [startUnixNano, endUnixNano), sorted. */
  List<String> metricNames(String tenant, long startUnixNano, long endUnixNano);

  /**
   * The time of the oldest stored point of the metric named {@code metric} of {@code tenant}, or
   * empty when none is stored: how far back a metric's data reaches (SLO warm-up).
   */
  OptionalLong oldestPoint(String tenant, String metric);
}
