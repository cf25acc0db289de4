package dev.sightline.incident;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.testing.MutableClock;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.scenarios.ScenarioTelemetry;
import dev.sightline.testing.scenarios.TelemetryBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The closed loop on live-arriving data, in event time: telemetry is stored minute by minute as it
 * would arrive from exporters, starting from an empty store (a fresh start), and the SLO monitor
 * (with the incident manager listening) evaluates after every minute, its clock at the end of the
 * minute just stored. Nothing is back-filled ahead of the evaluations.
 */
final class LiveLoop implements AutoCloseable {
  /** A transition and the evaluation instant it was found at. */
  record Seen(Instant at, AlertTransition transition) {
    AlertTransition.Kind kind() {
      return transition.kind();
    }
  }

  final StorageFixture fixture;
  final StorageComponent storage;
  final MutableClock clock;
  final SloRegistry registry;
  final IncidentManager incidents;
  final SloMonitor monitor;
  final List<Seen> transitions = new CopyOnWriteArrayList<>();

  LiveLoop(Path dir, String sloYaml, Instant start, Duration verifyPeriod) throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("slo.yaml"), sloYaml);
    fixture = StorageFixture.create(dir.resolve("data"));
    storage = fixture.open();
    clock = new MutableClock(start);
    registry = SloRegistry.builder().directory(slos).build();
    incidents =
        IncidentManager.builder()
            .store(FileIncidentStore.open(dir.resolve("incidents")))
            .storage(storage)
            .slos(registry::slo)
            .clock(clock)
            .verifyPeriod(verifyPeriod)
            .build();
    monitor =
        SloMonitor.builder()
            .registry(registry)
            .evaluator(BurnRateEvaluator.builder().storage(storage).build())
            .clock(clock)
            .addListener(incidents)
            .addListener(
                new AlertListener() {
                  @Override
                  public void onTransition(AlertTransition t) {
                    transitions.add(new Seen(clock.instant(), t));
                  }
                })
            .build();
  }

  /**
   * Stores {@code telemetry} a minute at a time, evaluating after each minute, until it ends or
   * {@code stop} is true of the evaluation instant. Returns the instant of the last evaluation.
   */
  Instant feed(ScenarioTelemetry telemetry, Predicate<Instant> stop) throws Exception {
    long minute = 60_000_000_000L;
    long windowStart = telemetry.startUnixNano();
    Instant at = clock.instant();
    for (TelemetryBatch batch : telemetry) {
      long windowEnd = Math.min(telemetry.endUnixNano(), windowStart + minute);
      if (!batch.spans().isEmpty()) {
        storage.writer().writeSpans(batch.spans()).get(60, TimeUnit.SECONDS);
      }
      if (!batch.logs().isEmpty()) {
        storage.writer().writeLogs(batch.logs()).get(60, TimeUnit.SECONDS);
      }
      at = Instant.ofEpochSecond(0, windowEnd);
      clock.set(at);
      tick();
      windowStart = windowEnd;
      if (stop.test(at)) break;
    }
    return at;
  }

  /** One evaluation, then waits for the incident engine's work it started (event time steps). */
  void tick() throws InterruptedException {
    monitor.tick();
    if (!incidents.awaitIdle(Duration.ofSeconds(120))) {
      throw new AssertionError("the incident engine did not finish its work within 120 s");
    }
  }

  /** Like {@link #feed(ScenarioTelemetry, Predicate)} to its end. */
  Instant feed(ScenarioTelemetry telemetry) throws Exception {
    return feed(telemetry, t -> false);
  }

  List<Seen> transitions(AlertTransition.Kind kind) {
    List<Seen> out = new ArrayList<>();
    for (Seen s : transitions) if (s.kind() == kind) out.add(s);
    return out;
  }

  @Override
  public void close() {
    monitor.close();
    incidents.close();
    fixture.close();
  }
}
