package dev.sightline.slo.alerting;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.SECOND;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.testing.MutableClock;
import dev.sightline.testing.OpenSloExamples;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor on real storage ({@link StorageFixture}) with back-filled spans and a clock the test
 * moves: the alert fires at the first evaluation where the rules say so, once, with the burn rates
 * of a hand calculation, and resolves when the errors stop.
 */
class SloMonitorTest {
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final String OPERATION = "Shop.OrderService.PlaceOrder";

  static final String AVAILABILITY = OpenSloExamples.PLACE_ORDER_AVAILABILITY;

  @TempDir Path dir;
  StorageFixture fixture;
  StorageComponent storage;
  MutableClock clock = new MutableClock(Instant.ofEpochSecond(0, NOW_NANOS));
  long ids = 1;

  @BeforeEach
  void open() {
    fixture = StorageFixture.create(dir.resolve("data"));
    storage = fixture.open();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  SloMonitor monitor(Path sloDir) {
    return SloMonitor.builder()
        .registry(SloRegistry.builder().directory(sloDir).build())
        .evaluator(BurnRateEvaluator.builder().storage(storage).build())
        .clock(clock)
        .build();
  }

  Span span(long start, boolean error) {
    long n = ids++;
    return TestObjects.span(
            TENANT,
            TestObjects.traceId(n),
            TestObjects.spanId(n),
            "",
            "order",
            OPERATION,
            start,
            20 * MILLI)
        .toBuilder()
        .kind(SpanKind.SERVER)
        .status(error ? StatusCode.ERROR : StatusCode.OK, error ? "failed" : "")
        .build();
  }

  /** One request per second in [from, to), failing in [errorsFrom, errorsTo). */
  void traffic(long from, long to, long errorsFrom, long errorsTo) throws Exception {
    List<Span> batch = new ArrayList<>();
    for (long t = from; t < to; t += SECOND) {
      batch.add(span(t, t >= errorsFrom && t < errorsTo));
      if (batch.size() == 20_000) {
        storage.writer().writeSpans(batch).get(60, TimeUnit.SECONDS);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) storage.writer().writeSpans(batch).get(60, TimeUnit.SECONDS);
  }

  @Test
  void fastPage_firesAtTheFirstEvaluationOverThreshold_once_thenResolves() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("order.yaml"), AVAILABILITY);
    // 3 days at 1 request/s; every request fails for 2 minutes starting at F
    long f = NOW_NANOS - 10 * MINUTE;
    traffic(NOW_NANOS - 72 * HOUR, NOW_NANOS + 20 * MINUTE, f, f + 2 * MINUTE);

    try (SloMonitor monitor = monitor(slos)) {
      List<AlertTransition> all = new ArrayList<>();
      Instant firedAt = null;
      // evaluate every 10 s from F on
      for (long t = f; t <= NOW_NANOS + 20 * MINUTE; t += 10 * SECOND) {
        clock.set(Instant.ofEpochSecond(0, t));
        List<AlertTransition> ts = monitor.tick();
        all.addAll(ts);
        if (firedAt == null && !ts.isEmpty()) firedAt = clock.instant();
      }

      // 1h burn after s seconds of errors = (s / 3600) / 0.001: 13.9 at 50 s, 16.7 at 60 s
      assertThat(firedAt).isEqualTo(Instant.ofEpochSecond(0, f + 60 * SECOND));
      assertThat(all).hasSize(2);
      AlertTransition fired = all.get(0);
      assertThat(fired.kind()).isEqualTo(AlertTransition.Kind.FIRED);
      Alert a = fired.alert();
      assertThat(a.rule()).isEqualTo("page-fast");
      assertThat(a.ruleSeverity()).isEqualTo("page");
      assertThat(a.slo()).isEqualTo("place-order-availability");
      assertThat(a.since()).isEqualTo(firedAt);
      assertThat(a.burnRates().get("1h")).isCloseTo(60.0 / 3600 / 0.001, Offset.offset(1e-9));
      assertThat(a.burnRates().get("5m")).isCloseTo(60.0 / 300 / 0.001, Offset.offset(1e-9));
      assertThat(a.responsibility().owner()).isEqualTo("team-orders");
      assertThat(a.respondBy()).isEqualTo(firedAt.plusSeconds(15 * 60));
      // 120 errors in 3 days of 259,200 requests: 120 / (0.001 * 259,200) of the budget spent
      assertThat(a.budgetRemaining()).isLessThan(1);

      // the 5m window is clean again 5 minutes after the errors stopped (F + 7m: the last
      // evaluation that fired was F + 6m50s); the alert resolves once no rule has fired for the
      // page-fast rule's short window (5m) after that: F + 11m50s
      AlertTransition resolved = all.get(1);
      assertThat(resolved.kind()).isEqualTo(AlertTransition.Kind.RESOLVED);
      assertThat(resolved.alert().id()).isEqualTo(a.id());
      assertThat(resolved.alert().resolvedAt())
          .isEqualTo(Instant.ofEpochSecond(0, f + 11 * MINUTE + 50 * SECOND));
      assertThat(monitor.engine().firing()).isEmpty();
      assertThat(monitor.engine().alerts())
          .singleElement()
          .satisfies(r -> assertThat(r.state()).isEqualTo(AlertState.RESOLVED));
    }
  }

  @Test
  void healthyTraffic_noAlert_andABadFileBesideAGoodOneDoesNotSilenceIt() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("a-broken.yaml"), "apiVersion: openslo/v1\nkind: SLO\nspec: [");
    Files.writeString(slos.resolve("order.yaml"), AVAILABILITY);
    traffic(NOW_NANOS - 2 * HOUR, NOW_NANOS, NOW_NANOS - 3 * MINUTE, NOW_NANOS);

    try (SloMonitor monitor = monitor(slos)) {
      assertThat(monitor.registry().problems())
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p.file()).endsWith("a-broken.yaml"));
      clock.set(Instant.ofEpochSecond(0, NOW_NANOS - 3 * MINUTE));
      assertThat(monitor.tick()).isEmpty();
      clock.set(Instant.ofEpochSecond(0, NOW_NANOS));
      assertThat(monitor.tick())
          .singleElement()
          .satisfies(t -> assertThat(t.alert().slo()).isEqualTo("place-order-availability"));
      // deduplicated: later evaluations of the same episode announce nothing
      assertThat(monitor.tick()).isEmpty();
      assertThat(monitor.engine().firing()).hasSize(1);
    }
  }

  /** Transitions of every evaluation every 10 s in [from, to], each with its time. */
  List<AlertTransition> evaluateEvery10s(SloMonitor monitor, long from, long to) {
    List<AlertTransition> all = new ArrayList<>();
    for (long t = from; t <= to; t += 10 * SECOND) {
      clock.set(Instant.ofEpochSecond(0, t));
      all.addAll(monitor.tick());
    }
    return all;
  }

  @Test
  void coldStart_errorsInTheFirstMinutes_neverPage() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("order.yaml"), AVAILABILITY);
    // a fresh start: the first data at S; a third of the first 3 minutes fails (cold caches), then
    // 30 healthy minutes. A one-window test on the first minutes would page: at S + 5m10s the 5m
    // burn is (60 / 300) / 0.001 = 200 and the "1h" one is as high
    long s = NOW_NANOS - 40 * MINUTE;
    List<Span> spans = new ArrayList<>();
    for (long t = s; t < s + 33 * MINUTE; t += SECOND) {
      spans.add(span(t, t < s + 3 * MINUTE && (t / SECOND) % 3 == 0));
    }
    storage.writer().writeSpans(spans).get(60, TimeUnit.SECONDS);

    try (SloMonitor monitor = monitor(slos)) {
      assertThat(evaluateEvery10s(monitor, s + 10 * SECOND, s + 33 * MINUTE)).isEmpty();

      // the page-fast rule (1h/5m) was judged from S + 10m on, when the 5m window was clean
      clock.set(Instant.ofEpochSecond(0, s + 5 * MINUTE + 10 * SECOND));
      monitor.tick();
      var early =
          (dev.sightline.slo.evaluation.SloEvaluation.Evaluated)
              monitor.latest("place-order-availability").orElseThrow();
      var fastEarly = early.objectives().get(0).rules().get(0);
      assertThat(fastEarly.rule().name()).isEqualTo("page-fast");
      assertThat(fastEarly.longBurnRate()).isGreaterThan(14.4);
      assertThat(fastEarly.shortBurnRate()).isGreaterThan(14.4);
      assertThat(fastEarly.covered()).isFalse();
      assertThat(fastEarly.fires()).isFalse();
      assertThat(early.dataCoverage()).isEqualTo(java.time.Duration.ofSeconds(310));
      clock.set(Instant.ofEpochSecond(0, s + 10 * MINUTE));
      monitor.tick();
      var later =
          (dev.sightline.slo.evaluation.SloEvaluation.Evaluated)
              monitor.latest("place-order-availability").orElseThrow();
      assertThat(later.objectives().get(0).rules().get(0).covered()).isTrue();
      assertThat(later.objectives().get(0).rules().get(1).covered())
          .as("page-slow needs an hour of data")
          .isFalse();
    }
  }

  @Test
  void faultThatComesAndGoes_isOneAlert_resolvedOnlyAfterTheHold() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("order.yaml"), AVAILABILITY);
    // 3 days healthy, then from F: a minute of errors, 6 clean, another minute of errors, then
    // healthy. The page-fast rule stops firing for a minute in the middle (F + 6m .. F + 7m, the
    // 5m window clean): a quiet minute is no recovery. (Two bursts of 60 errors keep the 6h burn
    // at 5.6, under the slow page's 6.)
    long f = NOW_NANOS - 30 * MINUTE;
    List<Span> spans = new ArrayList<>();
    for (long t = NOW_NANOS - 72 * HOUR; t < NOW_NANOS; t += SECOND) {
      long k = t - f;
      boolean error = (k >= 0 && k < MINUTE) || (k >= 7 * MINUTE && k < 8 * MINUTE);
      spans.add(span(t, error));
    }
    storage.writer().writeSpans(spans).get(120, TimeUnit.SECONDS);

    try (SloMonitor monitor = monitor(slos)) {
      List<AlertTransition> all = evaluateEvery10s(monitor, f, f + 30 * MINUTE);

      assertThat(all)
          .extracting(AlertTransition::kind)
          .containsExactly(AlertTransition.Kind.FIRED, AlertTransition.Kind.RESOLVED);
      // the second burst fires the rule again until F + 12m50s; resolved 5 minutes after that
      assertThat(all.get(1).alert().resolvedAt())
          .isEqualTo(Instant.ofEpochSecond(0, f + 17 * MINUTE + 50 * SECOND));
    }
  }
}
