package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Storage whose readers return nothing and fail (AssertionError) when asked for a range that is not
 * sane: 0 ≤ start ≤ end, step ≥ 0 (0 means one point for the range), limit > 0.
 */
final class RangeCheckingStorage {
  private RangeCheckingStorage() {}

  static StorageComponent create() {
    TraceReader traces = reader(TraceReader.class);
    LogReader logs = reader(LogReader.class);
    MetricReader metrics = reader(MetricReader.class);
    SpanMetricsReader spanMetrics = reader(SpanMetricsReader.class);
    SpanCountReader spanCounts = reader(SpanCountReader.class);
    ServiceVersionReader versions = reader(ServiceVersionReader.class);
    CounterIncreaseReader increases = reader(CounterIncreaseReader.class);
    return (StorageComponent)
        Proxy.newProxyInstance(
            StorageComponent.class.getClassLoader(),
            new Class<?>[] {StorageComponent.class},
            (proxy, m, args) ->
                switch (m.getName()) {
                  case "traceReader" -> traces;
                  case "logReader" -> logs;
                  case "metricReader" -> metrics;
                  case "spanMetricsReader" -> Optional.of(spanMetrics);
                  case "spanCountReader" -> Optional.of(spanCounts);
                  case "serviceVersionReader" -> Optional.of(versions);
                  case "counterIncreaseReader" -> Optional.of(increases);
                  case "capabilities" -> InvocationHandler.invokeDefault(proxy, m, args);
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }

  private static <T> T reader(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, m, args) -> {
              checkRanges(m.getName(), args == null ? new Object[0] : args);
              Class<?> r = m.getReturnType();
              if (r == List.class) return List.of();
              if (r == OptionalLong.class) return OptionalLong.empty();
              if (r == Optional.class) return Optional.empty();
              if (r == Map.class) return Map.of();
              if (r == String.class) return type.getSimpleName();
              throw new UnsupportedOperationException(m.toString());
            }));
  }

  /** (start, end) long arguments and query records: 0 ≤ start ≤ end, step ≥ 0, limit > 0. */
  private static void checkRanges(String method, Object[] args)
      throws ReflectiveOperationException {
    List<Long> longs = new ArrayList<>();
    for (Object a : args) {
      if (a instanceof Long l) longs.add(l);
      if (a instanceof Record rec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent c : rec.getClass().getRecordComponents()) {
          fields.put(c.getName(), c.getAccessor().invoke(rec));
        }
        if (fields.get("startUnixNano") instanceof Long start
            && fields.get("endUnixNano") instanceof Long end) {
          assertThat(start).as("%s start", rec).isNotNegative().isLessThanOrEqualTo(end);
        }
        if (fields.get("stepNanos") instanceof Long step) {
          assertThat(step).as("%s step", rec).isNotNegative(); // 0: the whole range
        }
        if (fields.get("limit") instanceof Integer limit) {
          assertThat(limit).as("%s limit", rec).isPositive();
        }
      }
    }
    if (longs.size() == 2) {
      assertThat(longs.get(0)).as("%s start", method).isNotNegative();
      assertThat(longs.get(0)).as("%s start ≤ end", method).isLessThanOrEqualTo(longs.get(1));
    }
  }
}
