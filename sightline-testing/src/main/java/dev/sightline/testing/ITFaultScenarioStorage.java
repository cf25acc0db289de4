package dev.sightline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsQuery.GroupBy;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.ScenarioTelemetry;
import dev.sightline.testing.scenarios.SloScope;
import dev.sightline.testing.scenarios.TelemetryBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A back-filled fault scenario (the shop under a dependency outage, about 30,000 spans with their
 * logs) written through a backend shows up as it should: RED buckets count every span, the error
 * ratio rises in the fault window only, a failed trace is whole and its error log found by trace.
 * The storage-level half of the SLO and incident fault-scenario tests, for any backend.
 */
public abstract class ITFaultScenarioStorage extends ITStorage {
  static final Instant END = Instant.parse("2026-03-01T12:00:00Z");

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
    assumeCapability(StorageCapability.SPAN_METRICS);
    {
      StorageComponent storage = storage();
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
      StorageComponent storage, String tenant, SloScope scope, long start, long end) {
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
