package dev.sightline.core.storage;

import java.time.Duration;
import java.util.List;

/**
 * Sums the increase of OTLP counters from stored metric points. Optional: a backend offers it with
 * {@link StorageCapability#COUNTER_INCREASE} ({@link StorageComponent#counterIncreaseReader()}).
 * Methods block; call them off event-loop threads.
 */
public interface CounterIncreaseReader {

  /**
   * How far before a {@link #counterIncrease} range a cumulative series' previous point is looked
   * for: 1 hour.
   */
  Duration COUNTER_LOOKBACK = Duration.ofHours(1);

  /**
   * The summed increase over [start, end) of every counter series of {@code query.metric()} that
   * matches, per step: one point per step holding at least one counted data point, in time order;
   * empty when nothing matched.
   *
   * <p>Counted: OTLP sums that are monotonic, integer or double, of delta or cumulative
   * temporality. Non-monotonic sums, gauges and histograms (including a histogram's count) are not
   * counted. A series is the metric with one resource, scope and set of point attributes. Each data
   * point whose time is in [start, end) adds, in the step holding its time:
   *
   * <ul>
   *   <li>delta: its value;
   *   <li>cumulative: its value minus the series' previous point's, the previous point being looked
   *       for up to {@link #COUNTER_LOOKBACK} before {@code start}. A reset (a start time other
   *       than the previous point's, or a value below it) adds the new value whole. Without a
   *       previous point, the value counts whole if the point's start time is at or after {@code
   *       start} (the series began in the range), else not at all (its growth before the range is
   *       unknown).
   * </ul>
   */
  List<CounterIncreasePoint> counterIncrease(CounterIncreaseQuery query);
}
