package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsQuery.GroupBy;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.ScenarioTelemetry;
import dev.sightline.testing.scenarios.SloScope;
import dev.sightline.testing.scenarios.TelemetryBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A back-filled fault scenario written into real DuckDB shows up in RED buckets as it should. */
class FaultScenarioStorageTest {
  static final Instant END = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path dir;

  @Test
  void dependencyErrorsRaiseCheckoutErrorRatioInTheFaultWindow() {
    FaultScenario scenario =
        FaultScenario.builder(FaultKind.DEPENDENCY_ERRORS)
            .end(END)
            .baseline(Duration.ofMinutes(10))
            .faultDuration(Duration.ofMinutes(5))
            .requestsPerSecond(2)
            .seed(7)
            .build();
    ScenarioTelemetry telemetry = scenario.telemetry();
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      ScenarioTelemetry.WriteSummary written = telemetry.writeTo(storage);
      assertThat(written.spans()).isBetween(20_000L, 40_000L);

      long start = nanos(scenario.baselineStart());
      long faultStart = nanos(scenario.faultStart());
      long end = nanos(scenario.faultEnd());
      String tenant = scenario.tenant();
      List<SpanMetricsPoint> all =
          storage
              .spanMetricsReader()
              .orElseThrow()
              .query(
                  new SpanMetricsQuery(
                      tenant,
                      null,
                      null,
                      Set.of(),
                      start,
                      end + 600_000_000_000L,
                      0,
                      GroupBy.NONE));
      assertThat(all)
          .singleElement()
          .extracting(SpanMetricsPoint::requests)
          .isEqualTo(written.spans());

      SloScope scope = scenario.sloScope();
      SpanMetricsPoint baseline = checkout(storage, tenant, scope, start, faultStart);
      SpanMetricsPoint fault = checkout(storage, tenant, scope, faultStart, end);
      assertThat(baseline.requests()).isGreaterThan(1000);
      assertThat(baseline.errors() / (double) baseline.requests()).isLessThan(0.01);
      assertThat(fault.errors() / (double) fault.requests()).isGreaterThan(0.25);

      // Traces are whole and logs correlated: one failed checkout with its provider error log.
      Span failed =
          telemetry
              .batches()
              .skip(12)
              .flatMap(b -> b.spans().stream())
              .filter(
                  s -> s.isRoot() && s.statusCode() != dev.sightline.core.model.StatusCode.UNSET)
              .findFirst()
              .orElseThrow();
      List<Span> trace = storage.traceReader().getTrace(tenant, failed.traceId());
      long expectedSpans =
          telemetry
              .batches()
              .map(TelemetryBatch::spans)
              .flatMap(List::stream)
              .filter(s -> s.traceId().equals(failed.traceId()))
              .count();
      assertThat(trace)
          .hasSize((int) expectedSpans)
          .extracting(Span::serviceName)
          .contains("payment");
      List<LogRecord> logs =
          storage
              .logReader()
              .searchLogs(
                  new LogQuery(
                      tenant,
                      failed.traceId(),
                      null,
                      "payment",
                      17,
                      null,
                      start,
                      end + 600_000_000_000L,
                      10));
      assertThat(logs)
          .extracting(l -> l.body().asString())
          .anyMatch(b -> b.startsWith("payment provider returned 503 for order "));
    }
  }

  private static SpanMetricsPoint checkout(
      DuckDbStorage storage, String tenant, SloScope scope, long start, long end) {
    List<SpanMetricsPoint> points =
        storage
            .spanMetricsReader()
            .orElseThrow()
            .query(
                new SpanMetricsQuery(
                    tenant,
                    scope.service(),
                    scope.operation(),
                    Set.of(SpanKind.SERVER),
                    start,
                    end,
                    0,
                    GroupBy.NONE));
    assertThat(points).hasSize(1);
    return points.get(0);
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
