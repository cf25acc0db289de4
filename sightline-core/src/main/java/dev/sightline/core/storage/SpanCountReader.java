package dev.sightline.core.storage;

import java.util.List;

/**
 * Counts stored spans (not RED buckets) at query time. Optional: a backend offers it with {@link
 * StorageCapability#SPAN_COUNTS} ({@link StorageComponent#spanCountReader()}). Methods block; call
 * them off event-loop threads.
 */
public interface SpanCountReader {

  /**
   * Counts stored spans (not RED buckets) matching {@code query}, per step ({@code start + k ×
   * step}; one point at {@code start} when the step is 0): for what the buckets do not keep, such
   * as span attributes, or status and duration together. Only steps with at least one matching span
   * are returned, ordered by time; nothing matching yields an empty list, not an error. Like RED, a
   * span written twice (a retried export) counts twice.
   *
   * <p>Backends compute this at query time: its cost grows with the spans of the service in the
   * range.
   */
  List<SpanCountPoint> countSpans(SpanCountQuery query);
}
