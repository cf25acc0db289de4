package dev.sightline.core.storage;

import dev.sightline.core.model.MetricPoint;
import java.util.List;

/** Reads metric points. Methods block; call them off event-loop threads. */
public interface MetricReader {

  /**
   * Points matching the query, ordered by series (name, service, attributes) then time, at most
   * {@code query.limit()} points.
   */
  List<MetricPoint> searchPoints(MetricQuery query);

  /** Distinct metric names with points in [startUnixNano, endUnixNano), sorted. */
  List<String> metricNames(String tenant, long startUnixNano, long endUnixNano);
}
