package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.IncidentManager;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.slo.notify.AlertDelivery;
import dev.sightline.slo.notify.AlertNotification;
import dev.sightline.slo.notify.DeliveryResult;
import dev.sightline.slo.notify.NotificationDispatcher;
import dev.sightline.slo.notify.NotificationTargets;
import dev.sightline.slo.notify.Notifier;
import dev.sightline.testing.OpenSloExamples;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident card in notifications, with the real incident engine as the server wires it: the
 * engine saves the incident and investigates it on its executor; the first notification waits for
 * the investigation up to the delivery's wait. A fast investigation gives one notification with the
 * root cause; a slow one a first notification saying it runs, then an update with the cause.
 */
class IncidentNotificationTest {
  static final Duration PROMPTLY = Duration.ofSeconds(5);

  @TempDir Path dir;

  StorageFixture fixture;
  StorageComponent storage;
  SloRegistry registry;
  Slo slo;
  Alert alert;
  final BlockingQueue<AlertNotification> sent = new LinkedBlockingQueue<>();
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    FaultScenario scenario =
        FaultScenario.builder(FaultKind.BAD_RELEASE)
            .baseline(Duration.ofMinutes(30))
            .faultDuration(Duration.ofMinutes(6))
            .requestsPerSecond(2)
            .build();
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(
        slos.resolve("checkout.yaml"),
        OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]"));
    fixture = StorageFixture.create(dir.resolve("data"));
    storage = fixture.open();
    scenario.telemetry().writeTo(storage);
    registry = SloRegistry.builder().directory(slos).build();
    slo = registry.slo("checkout-availability").orElseThrow();
    Instant since = scenario.faultStart().plus(Duration.ofMinutes(3));
    alert =
        new Alert(
            "checkout-availability/0@" + since.getEpochSecond(),
            "checkout-availability/0",
            "checkout-availability",
            "checkout ok",
            0.999,
            "frontend",
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

  @AfterEach
  void tearDown() {
    release.countDown();
    fixture.close();
  }

  IncidentManager engine(StorageComponent s) {
    return IncidentManager.builder()
        .store(FileIncidentStore.open(dir.resolve("incidents")))
        .storage(s)
        .slos(registry::slo)
        .clock(Clock.fixed(alert.since(), ZoneOffset.UTC))
        .build();
  }

  AlertDelivery delivery(IncidentManager engine, Duration wait) {
    Notifier recording =
        new Notifier() {
          @Override
          public String target() {
            return "webhook:http://hooks.test/";
          }

          @Override
          public String render(List<AlertNotification> batch) {
            return batch.toString();
          }

          @Override
          public DeliveryResult send(List<AlertNotification> batch) {
            sent.addAll(batch);
            return DeliveryResult.ofStatus(200, null, "");
          }
        };
    AlertDelivery d =
        AlertDelivery.create(
            NotificationTargets.parse("webhook:http://hooks.test/"),
            URI.create("http://sightline.test"),
            t -> NotificationDispatcher.builder().notifier(recording).build());
    d.enricher(new IncidentCard(engine, d.externalUrl()));
    d.readyWait(wait);
    return d;
  }

  /** As the SLO monitor calls its listeners: the incident engine, then the notifier. */
  void fire(IncidentManager engine, AlertDelivery delivery) {
    AlertTransition t = new AlertTransition(AlertTransition.Kind.FIRED, alert, slo);
    assertTimeoutPreemptively(
        PROMPTLY,
        () -> {
          engine.onTransition(t);
          delivery.onTransition(t);
        },
        "the evaluation thread never waits");
  }

  AlertNotification next() throws InterruptedException {
    AlertNotification n = sent.poll(60, TimeUnit.SECONDS);
    assertThat(n).as("a notification within 60 s").isNotNull();
    return n;
  }

  /** {@link #storage} whose trace searches (the investigation's) wait for {@link #release}. */
  StorageComponent slowSearches() {
    TraceReader reader = storage.traceReader();
    TraceReader slow =
        (TraceReader)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {TraceReader.class},
                (p, m, args) -> {
                  if (m.getName().equals("searchTraces")) release.await(120, TimeUnit.SECONDS);
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

  @Test
  void fastInvestigation_oneNotificationWithTheRootCause() throws Exception {
    try (IncidentManager engine = engine(storage)) {
      AlertDelivery delivery = delivery(engine, Duration.ofSeconds(60));
      fire(engine, delivery);
      AlertNotification n = next();
      assertThat(n.annotations())
          .containsEntry("investigation", "complete")
          .containsEntry("root_cause_service", "order")
          .containsKey("incident_id")
          .doesNotContainKey("notification");
      delivery.close();
      assertThat(sent).as("no update").isEmpty();
    }
  }

  @Test
  void slowInvestigation_firstSaysItRuns_thenAnUpdateCarriesTheRootCause() throws Exception {
    try (IncidentManager engine = engine(slowSearches())) {
      AlertDelivery delivery = delivery(engine, Duration.ofMillis(300));
      fire(engine, delivery);
      AlertNotification first = next();
      assertThat(first.annotations())
          .containsEntry("investigation", "running")
          .containsEntry("incident_status", "open")
          .doesNotContainKey("root_cause");
      assertThat(first.link())
          .hasToString(
              "http://sightline.test/api/v1/incidents/" + IncidentManager.incidentId(alert.id()));

      release.countDown();
      AlertNotification update = next();
      assertThat(update.fingerprint()).isEqualTo(first.fingerprint());
      assertThat(update.status()).isEqualTo(AlertNotification.Status.FIRING);
      assertThat(update.annotations())
          .containsEntry("notification", "update")
          .containsEntry("investigation", "complete")
          .containsEntry("root_cause_service", "order");
      delivery.close();
      assertThat(sent).isEmpty();
    }
  }
}
