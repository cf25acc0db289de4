package dev.sightline.server;

import java.util.HashMap;
import java.util.Map;

/**
 * One reading of a server's {@code /metrics} (Prometheus text): the value of each series, keyed by
 * the series as written ({@code name{label="value",...}}). Tests compare two readings so that they
 * assert only what they caused, whatever other tests sent to the same server.
 */
record SelfMetrics(Map<String, Double> values) {
  static SelfMetrics read(TestServer server) {
    TestServer.Response r = server.get("/metrics");
    if (r.status() != 200) throw new IllegalStateException("/metrics answered " + r.status());
    Map<String, Double> values = new HashMap<>();
    for (String line : r.text().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new SelfMetrics(values);
  }

  /** The value of {@code series}, 0 when the series is not (yet) there. */
  double get(String series) {
    return values.getOrDefault(series, 0.0);
  }

  boolean has(String series) {
    return values.containsKey(series);
  }

  /** How much {@code series} grew since {@code before}. */
  double since(SelfMetrics before, String series) {
    return get(series) - before.get(series);
  }
}
