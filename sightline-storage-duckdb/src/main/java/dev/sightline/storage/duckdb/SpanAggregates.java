package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.SpanMetricsReader;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a commit group derives from its spans by aggregation: RED by 10 s and by hour, trace
 * summaries, the attribute index, service operations. Computed per batch on the caller's thread
 * when the batch is accepted ({@link #of}), so the single writer thread — the one serial step of
 * ingest — only merges the batches' aggregates ({@link #merge}, proportional to their distinct
 * keys, not to their spans). Merging in group order gives the same rows as aggregating every span
 * of the group in order. A batch's aggregates are never modified once built: a group that fails is
 * retried batch by batch with each batch's own.
 */
final class SpanAggregates {
  final SpanMetricsRows red = new SpanMetricsRows(SpanMetricsReader.BUCKET_NANOS);
  final SpanMetricsRows redHourly = new SpanMetricsRows(SpanMetricsHourly.HOUR_NANOS);
  final TraceSummaryRows summaries = new TraceSummaryRows();
  final AttributeIndexRows index;
  final ServiceOperationRows operations = new ServiceOperationRows();

  private SpanAggregates(Set<String> indexedAttributes) {
    this.index = new AttributeIndexRows(indexedAttributes);
  }

  /**
   * Widens each range ({earliest, latest}) of {@code into} by the range of the same key in {@code
   * from}; keys only in {@code from} get a copy of its range ({@code from} is left as it was).
   */
  static <K> void mergeRanges(Map<K, long[]> into, Map<K, long[]> from) {
    for (Map.Entry<K, long[]> e : from.entrySet()) {
      long[] add = e.getValue();
      long[] range = into.get(e.getKey());
      if (range == null) {
        into.put(e.getKey(), add.clone());
      } else {
        range[0] = Math.min(range[0], add[0]);
        range[1] = Math.max(range[1], add[1]);
      }
    }
  }

  /** The aggregates of one batch's spans. */
  static SpanAggregates of(List<SpanRows.Row> rows, Set<String> indexedAttributes) {
    SpanAggregates a = new SpanAggregates(indexedAttributes);
    for (SpanRows.Row r : rows) {
      a.red.add(r);
      a.redHourly.add(r);
      a.summaries.add(r);
      a.index.add(r);
      a.operations.add(r);
    }
    return a;
  }

  /**
   * The aggregates of several batches, in their order: the batch's own when there is one (not
   * copied; callers only read it), else a new merge of them.
   */
  static SpanAggregates merge(List<SpanAggregates> batches, Set<String> indexedAttributes) {
    if (batches.size() == 1) return batches.get(0);
    SpanAggregates m = new SpanAggregates(indexedAttributes);
    for (SpanAggregates b : batches) {
      m.red.mergeFrom(b.red);
      m.redHourly.mergeFrom(b.redHourly);
      m.summaries.mergeFrom(b.summaries);
      m.index.mergeFrom(b.index);
      m.operations.mergeFrom(b.operations);
    }
    return m;
  }
}
