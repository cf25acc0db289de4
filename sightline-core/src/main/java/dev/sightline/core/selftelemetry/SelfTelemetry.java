package dev.sightline.core.selftelemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small registry of counters, gauges and histograms rendered in the Prometheus text exposition
 * format (version 0.0.4). Label values are given in the order the metric was declared with. Lookups
 * of an existing series are lock-free.
 */
public final class SelfTelemetry {
  /** Latency buckets in seconds, 0.5 ms to 10 s. */
  public static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final Map<String, Family> families = new ConcurrentHashMap<>();
  private final List<Family> order = new ArrayList<>();

  public Counter counter(String name, String help, String... labelNames) {
    return family(name, help, "counter", labelNames, null).counter();
  }

  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return family(name, help, "histogram", labelNames, buckets.clone()).histogram();
  }

  /** A gauge read at scrape time. */
  public void gauge(String name, String help, DoubleSupplier value) {
    Family f = family(name, help, "gauge", new String[0], null);
    f.gauge = value;
  }

  private synchronized Family family(
      String name, String help, String type, String[] labelNames, double[] buckets) {
    Family existing = families.get(name);
    if (existing != null) {
      if (!existing.type.equals(type) || !Arrays.equals(existing.labelNames, labelNames)) {
        throw new IllegalArgumentException("metric " + name + " already declared differently");
      }
      return existing;
    }
    Family f = new Family(name, help, type, labelNames, buckets);
    families.put(name, f);
    order.add(f);
    return f;
  }

  /** The whole registry in the Prometheus text format. */
  public synchronized String scrape() {
    StringBuilder out = new StringBuilder(4096);
    for (Family f : order) f.render(out);
    return out.toString();
  }

  /** A counter family; {@link #labels} selects one series. */
  public static final class Counter {
    private final Family family;

    private Counter(Family family) {
      this.family = family;
    }

    public LongAdder labels(String... labelValues) {
      return (LongAdder) family.series(labelValues, LongAdder::new);
    }
  }

  /** A histogram family; {@link #labels} selects one series. */
  public static final class Histogram {
    private final Family family;

    private Histogram(Family family) {
      this.family = family;
    }

    public HistogramSeries labels(String... labelValues) {
      return (HistogramSeries)
          family.series(labelValues, () -> new HistogramSeries(family.buckets));
    }
  }

  /** One histogram series. */
  public static final class HistogramSeries {
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    private HistogramSeries(double[] bounds) {
      this.bounds = bounds;
      this.counts = new AtomicLongArray(bounds.length);
    }

    public void observe(double value) {
      int i = Arrays.binarySearch(bounds, value);
      if (i < 0) i = -i - 1;
      if (i < bounds.length) counts.incrementAndGet(i);
      sum.add(value);
      count.increment();
    }

    public void observeNanos(long nanos) {
      observe(nanos / 1e9);
    }
  }

  private static final class Family {
    final String name;
    final String help;
    final String type;
    final String[] labelNames;
    final double[] buckets;
    final Map<List<String>, Object> series = new ConcurrentHashMap<>();
    volatile DoubleSupplier gauge;

    Family(String name, String help, String type, String[] labelNames, double[] buckets) {
      this.name = Objects.requireNonNull(name, "name");
      this.help = help;
      this.type = type;
      this.labelNames = labelNames.clone();
      this.buckets = buckets;
    }

    Counter counter() {
      return new Counter(this);
    }

    Histogram histogram() {
      return new Histogram(this);
    }

    Object series(String[] labelValues, java.util.function.Supplier<Object> create) {
      if (labelValues.length != labelNames.length) {
        throw new IllegalArgumentException(
            name + " takes " + labelNames.length + " label values, got " + labelValues.length);
      }
      return series.computeIfAbsent(List.of(labelValues), k -> create.get());
    }

    void render(StringBuilder out) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      if (gauge != null) {
        out.append(name).append(' ').append(format(gauge.getAsDouble())).append('\n');
        return;
      }
      List<Map.Entry<List<String>, Object>> entries = new ArrayList<>(series.entrySet());
      entries.sort(
          (a, b) -> String.join("\0", a.getKey()).compareTo(String.join("\0", b.getKey())));
      for (Map.Entry<List<String>, Object> e : entries) {
        List<String> values = e.getKey();
        if (e.getValue() instanceof LongAdder c) {
          out.append(name);
          labels(out, values, null);
          out.append(' ').append(c.sum()).append('\n');
        } else if (e.getValue() instanceof HistogramSeries h) {
          long cumulative = 0;
          for (int i = 0; i < h.bounds.length; i++) {
            cumulative += h.counts.get(i);
            out.append(name).append("_bucket");
            labels(out, values, format(h.bounds[i]));
            out.append(' ').append(cumulative).append('\n');
          }
          out.append(name).append("_bucket");
          labels(out, values, "+Inf");
          out.append(' ').append(h.count.sum()).append('\n');
          out.append(name).append("_sum");
          labels(out, values, null);
          out.append(' ').append(format(h.sum.sum())).append('\n');
          out.append(name).append("_count");
          labels(out, values, null);
          out.append(' ').append(h.count.sum()).append('\n');
        }
      }
    }

    private void labels(StringBuilder out, List<String> values, String le) {
      if (values.isEmpty() && le == null) return;
      out.append('{');
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) out.append(',');
        out.append(labelNames[i]).append("=\"");
        escape(out, values.get(i));
        out.append('"');
      }
      if (le != null) {
        if (!values.isEmpty()) out.append(',');
        out.append("le=\"").append(le).append('"');
      }
      out.append('}');
    }

    private static void escape(StringBuilder out, String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '"' -> out.append("\\\"");
          case '\n' -> out.append("\\n");
          default -> out.append(c);
        }
      }
    }

    private static String format(double v) {
      if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
        return Long.toString((long) v);
      }
      if (Double.isNaN(v)) return "NaN";
      if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
      // plain decimals (0.0001, not 1.0E-4): rule expressions match le values as strings
      return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
  }
}
