package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.testing.MutableClock;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.TelemetryBatch;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident engine's threading: the evaluation thread never waits for an investigation, people's
 * changes never wait for one either and survive its result, evidence arriving late is gathered
 * again, an investigation cut short by a restart is done again, and two incidents do not share a
 * lock. Real embedded storage, event time on a test clock; waits are on latches and on the engine
 * becoming idle, never fixed sleeps.
 */
class IncidentEngineTest {
  static final Duration PROMPTLY = Duration.ofSeconds(5);
  static final Duration IDLE = Duration.ofSeconds(120);

  @TempDir Path dir;

  FaultScenario scenario;
  StorageFixture fixture;
  StorageComponent storage;
  SloRegistry registry;
  Slo slo;
  MutableClock clock;
  Alert alert;

  /** Investigations block in their first trace search until released. */
  final CountDownLatch entered = new CountDownLatch(1);

  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    scenario =
        FaultScenario.builder(FaultKind.BAD_RELEASE)
            .baseline(Duration.ofMinutes(30))
            .faultDuration(Duration.ofMinutes(6))
            .requestsPerSecond(2)
            .build();
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(
        slos.resolve("slo.yaml"), IncidentLifecycleScenarioTest.sloFor(scenario.sloScope(), false));
    fixture = StorageFixture.create(dir.resolve("data"));
    storage = fixture.open();
    registry = SloRegistry.builder().directory(slos).build();
    slo = registry.slo("scenario-slo").orElseThrow();
    Instant since = scenario.faultStart().plus(Duration.ofMinutes(3));
    clock = new MutableClock(since);
    alert = alert(since);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    fixture.close();
  }

  Alert alert(Instant since) {
    String fingerprint = "scenario-slo/0";
    return new Alert(
        fingerprint + "@" + since.getEpochSecond(),
        fingerprint,
        "scenario-slo",
        null,
        0.998,
        slo.service(),
        AlertState.FIRING,
        "page-fast",
        "page",
        since,
        Map.of("1h", 20.0),
        0.9,
        Map.of(),
        0.9,
        since,
        null,
        null,
        slo.responsibility());
  }

  IncidentManager engine(StorageComponent s, IncidentStore store) {
    return IncidentManager.builder()
        .store(store)
        .storage(s)
        .slos(registry::slo)
        .clock(clock)
        .build();
  }

  IncidentStore fileStore() {
    return FileIncidentStore.open(dir.resolve("incidents"));
  }

  void writeAll(boolean spans, boolean logs) throws Exception {
    for (TelemetryBatch b : scenario.telemetry()) {
      if (spans && !b.spans().isEmpty()) {
        storage.writer().writeSpans(b.spans()).get(60, TimeUnit.SECONDS);
      }
      if (logs && !b.logs().isEmpty()) {
        storage.writer().writeLogs(b.logs()).get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** {@link #storage} whose trace searches (an investigation's first reads) wait for release. */
  StorageComponent blocking() {
    TraceReader reader = storage.traceReader();
    TraceReader slow =
        (TraceReader)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {TraceReader.class},
                (p, m, args) -> {
                  if (m.getName().equals("searchTraces")) {
                    entered.countDown();
                    if (!release.await(IDLE.toSeconds(), TimeUnit.SECONDS)) {
                      throw new IllegalStateException("not released");
                    }
                  }
                  return invoke(reader, m, args);
                });
    return (StorageComponent)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {StorageComponent.class},
            (p, m, args) -> m.getName().equals("traceReader") ? slow : invoke(storage, m, args));
  }

  static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  void fire(IncidentManager engine) {
    engine.onTransition(new AlertTransition(AlertTransition.Kind.FIRED, alert, slo));
  }

  void awaitIdle(IncidentManager engine) throws InterruptedException {
    assertThat(engine.awaitIdle(IDLE)).as("engine idle").isTrue();
  }

  @Test
  void aFiringAlert_neverWaitsForTheInvestigation() throws Exception {
    writeAll(true, true);
    try (IncidentManager engine = engine(blocking(), fileStore())) {
      assertTimeoutPreemptively(
          PROMPTLY,
          () -> {
            fire(engine);
            assertThat(entered.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // the next evaluations too, while the investigation is blocked
            engine.afterEvaluation(List.of(alert));
            clock.set(clock.instant().plus(Duration.ofMinutes(1)));
            engine.afterEvaluation(List.of(alert));
          });
      Incident opened = engine.forAlert(alert.id()).orElseThrow();
      assertThat(opened.id()).isEqualTo(IncidentManager.incidentId(alert.id()));
      assertThat(opened.investigation()).isEqualTo("running");
      assertThat(opened.status()).isEqualTo(IncidentStatus.OPEN);
      assertThat(opened.timeline())
          .extracting(TimelineEntry::kind)
          .contains("alert-fired", "opened");
      assertThat(engine.investigated(alert.id())).isNotDone();

      release.countDown();
      awaitIdle(engine);
      Incident done = engine.forAlert(alert.id()).orElseThrow();
      assertThat(done.investigation()).isEqualTo("complete");
      assertThat(done.rootCause()).isNotNull();
      assertThat(done.rootCause().service()).isEqualTo(scenario.expectedService());
      assertThat(done.evidenceGatheredAt()).isNotNull();
      assertThat(engine.investigated(alert.id()).get(5, TimeUnit.SECONDS)).contains(done);
      // one alert, one incident: firing again (a restored alert) opens no other
      fire(engine);
      assertThat(engine.store().all()).hasSize(1);
    }
  }

  @Test
  void peoplesChanges_doNotWaitForTheInvestigation_andSurviveItsResult() throws Exception {
    writeAll(true, true);
    try (IncidentManager engine = engine(blocking(), fileStore())) {
      fire(engine);
      assertThat(entered.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();
      String id = IncidentManager.incidentId(alert.id());
      assertTimeoutPreemptively(
          PROMPTLY,
          () -> {
            engine.acknowledge(id, "alice");
            Incident withItem = engine.addActionItem(id, "add a canary stage", "team-orders");
            engine.markActionItem(id, withItem.actionItems().get(0).id(), true, "bob");
            engine.resolve(id, "carol", "rolled back");
          });
      release.countDown();
      awaitIdle(engine);
      Incident done = engine.store().get(id).orElseThrow();
      assertThat(done.investigation()).isEqualTo("complete");
      assertThat(done.rootCause()).isNotNull();
      assertThat(done.status()).isEqualTo(IncidentStatus.RESOLVED);
      assertThat(done.actionItems())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.done()).isTrue();
                assertThat(a.doneBy()).isEqualTo("bob");
              });
      assertThat(done.verification().trigger()).isEqualTo("resolved");
      assertThat(done.timeline())
          .extracting(TimelineEntry::kind)
          .contains("acknowledged", "action-item", "action-item-done", "resolved", "investigated");
      assertThat(done.timeline())
          .extracting(TimelineEntry::text)
          .contains("acknowledged by alice", "resolved by carol: rolled back");
      // the timeline stays in time order with the investigation's entries merged in
      assertThat(done.timeline())
          .isSortedAccordingTo(java.util.Comparator.comparing(TimelineEntry::at));
    }
  }

  @Test
  void logsArrivingLate_areGatheredAgain_andTheTimelineSaysSo() throws Exception {
    writeAll(true, false);
    try (IncidentManager engine = engine(storage, fileStore())) {
      fire(engine);
      awaitIdle(engine);
      Incident first = engine.forAlert(alert.id()).orElseThrow();
      assertThat(first.investigation()).isEqualTo("complete");
      assertThat(first.evidence().badTraces()).hasSizeGreaterThanOrEqualTo(5);
      assertThat(first.evidence().logPatterns()).isEmpty();
      assertThat(first.evidenceComplete()).isFalse();

      // a minute later: still no logs, nothing to say
      clock.set(alert.since().plus(Duration.ofMinutes(1)));
      engine.afterEvaluation(List.of(alert));
      awaitIdle(engine);
      Incident still = engine.forAlert(alert.id()).orElseThrow();
      assertThat(still.evidenceComplete()).isFalse();
      assertThat(still.timeline()).noneSatisfy(t -> assertThat(t.kind()).startsWith("evidence-"));

      // the logs of those traces arrive two minutes after the alert
      writeAll(false, true);
      clock.set(alert.since().plus(Duration.ofMinutes(2)));
      engine.afterEvaluation(List.of(alert));
      awaitIdle(engine);
      Incident late = engine.forAlert(alert.id()).orElseThrow();
      assertThat(late.evidence().logPatterns())
          .anySatisfy(p -> assertThat(p.isNew() || p.increased()).isTrue());
      assertThat(late.evidenceComplete()).isTrue();
      assertThat(late.evidenceGatheredAt()).isEqualTo(alert.since().plus(Duration.ofMinutes(2)));
      assertThat(late.window().end()).isEqualTo(late.openedAt());
      assertThat(late.timeline())
          .anySatisfy(
              t -> {
                assertThat(t.kind()).isEqualTo("evidence-gathered");
                assertThat(t.text())
                    .matches(
                        "evidence gathered again: \\d+ log records of the bad traces arrived"
                            + " late; \\d+ log patterns.*");
              });
      assertThat(late.timeline())
          .anySatisfy(t -> assertThat(t.kind()).isEqualTo("evidence-complete"));

      // complete: not gathered again until the window after the alert closes, then once more
      int entries = late.timeline().size();
      clock.set(alert.since().plus(Duration.ofMinutes(4)));
      engine.afterEvaluation(List.of(alert));
      awaitIdle(engine);
      assertThat(engine.forAlert(alert.id()).orElseThrow().timeline()).hasSize(entries);
      clock.set(alert.since().plus(Duration.ofMinutes(10)));
      engine.afterEvaluation(List.of(alert));
      awaitIdle(engine);
      Incident refreshed = engine.forAlert(alert.id()).orElseThrow();
      assertThat(refreshed.window().end()).isEqualTo(alert.since().plus(Duration.ofMinutes(10)));
      assertThat(refreshed.timeline())
          .anySatisfy(t -> assertThat(t.kind()).isEqualTo("evidence-refreshed"));
    }
  }

  @Test
  void anInvestigationCutShortByARestart_isDoneAgainAtStartup() throws Exception {
    writeAll(true, true);
    // the first server opens the incident and "crashes" while investigating it
    IncidentManager crashed = engine(blocking(), fileStore());
    fire(crashed);
    assertThat(entered.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String id = IncidentManager.incidentId(alert.id());
    try (IncidentManager restarted = engine(storage, fileStore())) {
      assertThat(restarted.store().get(id).orElseThrow().investigation()).isEqualTo("running");
      awaitIdle(restarted);
      Incident done = restarted.store().get(id).orElseThrow();
      assertThat(done.investigation()).isEqualTo("complete");
      assertThat(done.rootCause()).isNotNull();
      // the alert, restored after the restart, fires again: still one incident
      restarted.onTransition(new AlertTransition(AlertTransition.Kind.FIRED, alert, slo));
      assertThat(restarted.store().all()).hasSize(1);
      // a kill -9 between the incident's write and the alert state's: the alert is not restored
      // and fires again as a new episode (another id); it joins the open incident
      Alert again = alert(alert.since().plus(Duration.ofSeconds(30)));
      restarted.onTransition(new AlertTransition(AlertTransition.Kind.FIRED, again, slo));
      awaitIdle(restarted);
      assertThat(restarted.store().all())
          .singleElement()
          .satisfies(i -> assertThat(i.alertIds()).contains(alert.id(), again.id()));
    } finally {
      release.countDown();
      crashed.close();
    }
  }

  @Test
  void aSlowSaveOfOneIncident_doesNotHoldUpAnother() throws Exception {
    IncidentStore files = fileStore();
    Incident a = FileIncidentStoreRoundTripTest.sample();
    Incident b = IncidentVerificationTest.withId(a, "inc-other");
    files.save(a);
    files.save(b);
    CountDownLatch saving = new CountDownLatch(1);
    IncidentStore slowForA =
        new IncidentStore() {
          @Override
          public void save(Incident i) {
            if (i.id().equals(a.id())) {
              saving.countDown();
              try {
                release.await(IDLE.toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            files.save(i);
          }

          @Override
          public java.util.Optional<Incident> get(String id) {
            return files.get(id);
          }

          @Override
          public List<Incident> all() {
            return files.all();
          }

          @Override
          public boolean delete(String id) {
            return files.delete(id);
          }
        };
    try (IncidentManager engine = engine(storage, slowForA)) {
      Thread ackA = new Thread(() -> engine.acknowledge(a.id(), "alice"));
      ackA.start();
      assertThat(saving.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertTimeoutPreemptively(
          PROMPTLY,
          () -> {
            engine.acknowledge(b.id(), "bob");
            engine.addActionItem(b.id(), "alert on the queue lag", null);
          });
      release.countDown();
      ackA.join(IDLE.toMillis());
      assertThat(engine.store().get(a.id()).orElseThrow().status())
          .isEqualTo(IncidentStatus.ACKNOWLEDGED);
      assertThat(engine.store().get(b.id()).orElseThrow().actionItems())
          .hasSize(b.actionItems().size() + 1);
    }
  }
}
