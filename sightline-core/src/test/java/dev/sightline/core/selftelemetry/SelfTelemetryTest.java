package dev.sightline.core.selftelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SelfTelemetryTest {
  @Test
  void rendersCountersHistogramsAndGaugesInPrometheusTextFormat() {
    SelfTelemetry t = new SelfTelemetry();
    SelfTelemetry.Counter c = t.counter("items_total", "Items.", "signal");
    c.labels("spans").add(3);
    c.labels("logs").increment();
    SelfTelemetry.Histogram h =
        t.histogram("latency_seconds", "Latency.", new double[] {0.1, 1}, "op");
    h.labels("read").observe(0.05);
    h.labels("read").observe(0.5);
    h.labels("read").observe(5);
    t.gauge("queue_items", "Queue.", () -> 42);

    String text = t.scrape();
    assertThat(text)
        .contains("# TYPE items_total counter\n")
        .contains("items_total{signal=\"logs\"} 1\n")
        .contains("items_total{signal=\"spans\"} 3\n")
        .contains("latency_seconds_bucket{op=\"read\",le=\"0.1\"} 1\n")
        .contains("latency_seconds_bucket{op=\"read\",le=\"1\"} 2\n")
        .contains("latency_seconds_bucket{op=\"read\",le=\"+Inf\"} 3\n")
        .contains("latency_seconds_sum{op=\"read\"} 5.55\n")
        .contains("latency_seconds_count{op=\"read\"} 3\n")
        .contains("# TYPE queue_items gauge\nqueue_items 42\n");
  }

  @Test
  void escapesLabelValuesAndChecksArity() {
    SelfTelemetry t = new SelfTelemetry();
    SelfTelemetry.Counter c = t.counter("x_total", "X.", "k");
    c.labels("a\"b\\c\nd").increment();
    assertThat(t.scrape()).contains("x_total{k=\"a\\\"b\\\\c\\nd\"} 1");
    assertThatThrownBy(() -> c.labels("a", "b")).hasMessageContaining("takes 1 label values");
    assertThatThrownBy(() -> t.counter("x_total", "X.", "other"))
        .hasMessageContaining("already declared differently");
  }
}
