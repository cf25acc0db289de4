package dev.sightline.core.selftelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.TelemetryWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SpanRedMetricsTest {
  private static final long MS = 1_000_000L;

  static Span span(String service, String name, StatusCode status, long durationNanos) {
    return Span.builder()
        .traceId("5b8efff798038103d269b633813fc60c")
        .spanId("0000000000000001")
        .name(name)
        .kind(SpanKind.SERVER)
        .startTimeUnixNano(1_000 * MS)
        .endTimeUnixNano(1_000 * MS + durationNanos)
        .status(status, "")
        .resource(Resource.of(Attributes.ofStrings(Resource.SERVICE_NAME, service)))
        .build();
  }

  @Test
  void countsRequestsByStatusAndDurationsInTheStorageBuckets() {
    SelfTelemetry telemetry = new SelfTelemetry();
    SpanRedMetrics red = SpanRedMetrics.builder().telemetry(telemetry).build();
    red.record(
        List.of(
            span("order", "PlaceOrder", StatusCode.ERROR, 500 * MS),
            span("order", "PlaceOrder", StatusCode.UNSET, 500 * MS + 1),
            span("order", "PlaceOrder", StatusCode.UNSET, MS / 20)));

    String text = telemetry.scrape();
    String unset = "service=\"order\",operation=\"PlaceOrder\",span_kind=\"SERVER\",status_code=";
    assertThat(text)
        .contains("# TYPE sightline_span_requests_total counter\n")
        .contains("sightline_span_requests_total{" + unset + "\"ERROR\"} 1\n")
        .contains("sightline_span_requests_total{" + unset + "\"UNSET\"} 2\n")
        .contains(
            "sightline_span_duration_seconds_bucket{" + unset + "\"UNSET\",le=\"0.0001\"} 1\n")
        .contains("sightline_span_duration_seconds_bucket{" + unset + "\"UNSET\",le=\"0.5\"} 1\n")
        .contains("sightline_span_duration_seconds_bucket{" + unset + "\"UNSET\",le=\"1\"} 2\n")
        .contains("sightline_span_duration_seconds_bucket{" + unset + "\"ERROR\",le=\"0.5\"} 1\n")
        .contains("sightline_span_duration_seconds_bucket{" + unset + "\"UNSET\",le=\"100\"} 2\n")
        .contains("sightline_span_duration_seconds_count{" + unset + "\"UNSET\"} 2\n");
    assertThat(SpanRedMetrics.bucketsSeconds()).hasSize(19).startsWith(0.0001).endsWith(100.0);
  }

  @Test
  void newSeriesBeyondTheCapFoldIntoOtherOperation() {
    SelfTelemetry telemetry = new SelfTelemetry();
    SpanRedMetrics red = SpanRedMetrics.builder().telemetry(telemetry).maxSeries(2).build();
    red.record(
        List.of(
            span("order", "a", StatusCode.OK, MS),
            span("order", "b", StatusCode.OK, MS),
            span("order", "c", StatusCode.OK, MS),
            span("order", "d", StatusCode.OK, MS),
            span("order", "a", StatusCode.OK, MS)));

    String text = telemetry.scrape();
    assertThat(text)
        .contains("operation=\"a\",span_kind=\"SERVER\",status_code=\"OK\"} 2\n")
        .contains("operation=\"b\",span_kind=\"SERVER\",status_code=\"OK\"} 1\n")
        .contains("operation=\"__other__\",span_kind=\"SERVER\",status_code=\"OK\"} 2\n")
        .doesNotContain("operation=\"c\"")
        .contains("sightline_span_red_folded_spans_total 2\n")
        .contains("sightline_span_red_series 3\n");
    assertThat(red.seriesCount()).isEqualTo(3);
  }

  @Test
  void decoratedWriterCountsOnlyBatchesThatBecameDurable() {
    SelfTelemetry telemetry = new SelfTelemetry();
    SpanRedMetrics red = SpanRedMetrics.builder().telemetry(telemetry).build();
    CompletableFuture<Void> pending = new CompletableFuture<>();
    CompletableFuture<Void> failing = new CompletableFuture<>();
    List<CompletableFuture<Void>> results = List.of(pending, failing);
    int[] call = {0};
    TelemetryWriter storage =
        new TelemetryWriter() {
          @Override
          public CompletableFuture<Void> writeSpans(List<Span> spans) {
            return results.get(call[0]++);
          }

          @Override
          public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
            return CompletableFuture.completedFuture(null);
          }
        };
    TelemetryWriter writer = red.decorate(storage);
    writer.writeSpans(List.of(span("order", "ok", StatusCode.OK, MS)));
    writer.writeSpans(List.of(span("order", "lost", StatusCode.OK, MS)));
    assertThat(telemetry.scrape()).doesNotContain("operation=\"ok\"");

    pending.complete(null);
    failing.completeExceptionally(new IllegalStateException("disk full"));
    assertThat(telemetry.scrape())
        .contains("sightline_span_requests_total{service=\"order\",operation=\"ok\"")
        .doesNotContain("operation=\"lost\"");
  }
}
