package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which attribute values are over-represented in bad spans compared with good (baseline) spans,
 * after Honeycomb's BubbleUp: for every resource and span attribute key and value, the share of bad
 * spans carrying it against the share of good spans, scored by the difference of the shares and
 * ranked.
 *
 * <p>Left out: keys in {@link Builder#excludedKeys} (trace and span ids by default); keys with more
 * than {@link Builder#maxValuesPerKey} distinct values over both sides, or whose values are nearly
 * unique per span (at least 20 spans carry the key and distinct values exceed 80% of them) — ids,
 * timestamps, free text; values carried by fewer than {@link Builder#minBadCount} bad spans; and
 * values whose score is not above {@link Builder#minScore}. Values are compared by their text,
 * truncated to {@link Builder#maxValueLength} characters. Immutable and thread-safe.
 */
public final class AttributeComparison {
  private static final int NEAR_UNIQUE_MIN_SPANS = 20;
  private static final double NEAR_UNIQUE_RATIO = 0.8;

  private final int maxValuesPerKey;
  private final int maxValueLength;
  private final int minBadCount;
  private final double minScore;
  private final int limit;
  private final Set<String> excludedKeys;

  private AttributeComparison(Builder b) {
    maxValuesPerKey = b.maxValuesPerKey;
    maxValueLength = b.maxValueLength;
    minBadCount = b.minBadCount;
    minScore = b.minScore;
    limit = b.limit;
    excludedKeys = Set.copyOf(b.excludedKeys);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Values over-represented in {@code bad} spans against {@code good} ones, by score descending
   * (ties: bad count descending, then key and value). Empty when either side is empty: without good
   * spans (no baseline, e.g. a server that just started) every value of the bad spans would score
   * "100% vs 0%", which singles nothing out and would read as evidence; no difference is the honest
   * answer.
   */
  public List<AttributeDifference> compare(List<Span> bad, List<Span> good) {
    requireNonNull(bad, "bad");
    requireNonNull(good, "good");
    if (bad.isEmpty() || good.isEmpty()) return List.of();
    Map<KeyRef, KeyCounts> keys = new HashMap<>();
    count(bad, 0, keys);
    count(good, 1, keys);
    List<AttributeDifference> out = new ArrayList<>();
    int badTotal = bad.size();
    int goodTotal = good.size();
    for (Map.Entry<KeyRef, KeyCounts> e : keys.entrySet()) {
      KeyCounts k = e.getValue();
      if (k.overflow) continue;
      int carriers = k.carriers[0] + k.carriers[1];
      if (carriers >= NEAR_UNIQUE_MIN_SPANS && k.values.size() > NEAR_UNIQUE_RATIO * carriers) {
        continue;
      }
      for (Map.Entry<String, int[]> v : k.values.entrySet()) {
        int badCount = v.getValue()[0];
        int goodCount = v.getValue()[1];
        if (badCount < minBadCount) continue;
        double badShare = badCount / (double) badTotal;
        double goodShare = goodCount / (double) goodTotal;
        double score = badShare - goodShare;
        if (score <= minScore) continue;
        out.add(
            new AttributeDifference(
                e.getKey().key,
                e.getKey().resource,
                v.getKey(),
                badCount,
                badTotal,
                goodCount,
                goodTotal,
                badShare,
                goodShare,
                score));
      }
    }
    out.sort(
        Comparator.comparingDouble(AttributeDifference::score)
            .reversed()
            .thenComparing(Comparator.comparingInt(AttributeDifference::badCount).reversed())
            .thenComparing(AttributeDifference::key)
            .thenComparing(AttributeDifference::resource)
            .thenComparing(AttributeDifference::value));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  private void count(List<Span> spans, int side, Map<KeyRef, KeyCounts> keys) {
    for (Span span : spans) {
      count(span.resource().attributes(), true, side, keys);
      count(span.attributes(), false, side, keys);
    }
  }

  private void count(
      Attributes attributes, boolean resource, int side, Map<KeyRef, KeyCounts> keys) {
    for (Map.Entry<String, AnyValue> a : attributes.asMap().entrySet()) {
      if (excludedKeys.contains(a.getKey())) continue;
      KeyCounts k = keys.computeIfAbsent(new KeyRef(a.getKey(), resource), r -> new KeyCounts());
      k.carriers[side]++;
      if (k.overflow) continue;
      String value = a.getValue().asString();
      if (value.length() > maxValueLength) value = value.substring(0, maxValueLength) + "…";
      int[] counts = k.values.get(value);
      if (counts == null) {
        if (k.values.size() >= maxValuesPerKey) {
          k.overflow = true;
          k.values.clear(); // high cardinality: stop tracking, the key is left out
          continue;
        }
        counts = new int[2];
        k.values.put(value, counts);
      }
      counts[side]++;
    }
  }

  private record KeyRef(String key, boolean resource) {}

  private static final class KeyCounts {
    final Map<String, int[]> values = new HashMap<>();
    final int[] carriers = new int[2];
    boolean overflow;
  }

  /** Options of {@link AttributeComparison}; every one has a default. */
  public static final class Builder {
    private int maxValuesPerKey = 100;
    private int maxValueLength = 200;
    private int minBadCount = 2;
    private double minScore = 0.0;
    private int limit = 50;
    private final Set<String> excludedKeys =
        new LinkedHashSet<>(
            List.of(
                "trace_id",
                "span_id",
                "trace.id",
                "span.id",
                "traceId",
                "spanId",
                "otel.trace_id",
                "otel.span_id"));

    private Builder() {}

    /** Keys with more distinct values than this are left out; default 100. */
    public Builder maxValuesPerKey(int maxValuesPerKey) {
      if (maxValuesPerKey < 1)
        throw new IllegalArgumentException("maxValuesPerKey must be positive");
      this.maxValuesPerKey = maxValuesPerKey;
      return this;
    }

    /** Values longer than this are truncated (with "…") before counting; default 200. */
    public Builder maxValueLength(int maxValueLength) {
      if (maxValueLength < 1) throw new IllegalArgumentException("maxValueLength must be positive");
      this.maxValueLength = maxValueLength;
      return this;
    }

    /** Minimum support: values on fewer bad spans are left out; default 2. */
    public Builder minBadCount(int minBadCount) {
      if (minBadCount < 1) throw new IllegalArgumentException("minBadCount must be positive");
      this.minBadCount = minBadCount;
      return this;
    }

    /** Only values scoring above this are returned; default 0 (over-represented at all). */
    public Builder minScore(double minScore) {
      if (!(minScore >= -1 && minScore < 1)) {
        throw new IllegalArgumentException("minScore must be in [-1, 1)");
      }
      this.minScore = minScore;
      return this;
    }

    /** At most this many results; default 50. */
    public Builder limit(int limit) {
      if (limit < 1) throw new IllegalArgumentException("limit must be positive");
      this.limit = limit;
      return this;
    }

    /** Adds keys never compared (defaults: trace and span id keys). */
    public Builder excludeKeys(String... keys) {
      for (String k : keys) excludedKeys.add(requireNonNull(k, "keys"));
      return this;
    }

    public AttributeComparison build() {
      return new AttributeComparison(this);
    }
  }
}
