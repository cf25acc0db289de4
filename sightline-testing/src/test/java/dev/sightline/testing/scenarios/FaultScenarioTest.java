package dev.sightline.testing.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FaultScenarioTest {
  static final Instant END = Instant.parse("2026-03-01T12:00:00Z");
  static final Map<FaultKind, Generated> CACHE = new EnumMap<>(FaultKind.class);

  record Generated(FaultScenario scenario, List<Span> spans, List<LogRecord> logs) {
    long faultStart() {
      return FaultScenarioTest.nanos(scenario.faultStart());
    }

    List<Span> inFault(Predicate<Span> p) {
      return spans.stream().filter(s -> s.startTimeUnixNano() >= faultStart()).filter(p).toList();
    }

    List<Span> inBaseline(Predicate<Span> p) {
      return spans.stream().filter(s -> s.startTimeUnixNano() < faultStart()).filter(p).toList();
    }
  }

  static FaultScenario small(FaultKind kind) {
    return FaultScenario.builder(kind)
        .end(END)
        .baseline(Duration.ofMinutes(10))
        .faultDuration(Duration.ofMinutes(5))
        .requestsPerSecond(3)
        .seed(42)
        .build();
  }

  static synchronized Generated generated(FaultKind kind) {
    return CACHE.computeIfAbsent(
        kind,
        k -> {
          FaultScenario s = small(k);
          ScenarioTelemetry t = s.telemetry();
          return new Generated(s, t.spans(), t.logs());
        });
  }

  static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  static Predicate<Span> op(String service, String operation) {
    return s -> s.serviceName().equals(service) && s.name().equals(operation);
  }

  static double errorRatio(List<Span> spans) {
    if (spans.isEmpty()) return 0;
    return spans.stream().filter(s -> s.statusCode() == StatusCode.ERROR).count()
        / (double) spans.size();
  }

  static double median(List<Span> spans) {
    long[] d = spans.stream().mapToLong(Span::durationNanos).sorted().toArray();
    return d[d.length / 2] / 1e6;
  }

  @Test
  void sameSeedGivesIdenticalTelemetry() {
    Generated first = generated(FaultKind.SLOW_DB_QUERY);
    ScenarioTelemetry again = small(FaultKind.SLOW_DB_QUERY).telemetry();
    assertThat(again.spans()).isEqualTo(first.spans());
    assertThat(again.logs()).isEqualTo(first.logs());

    List<Span> otherSeed =
        FaultScenario.builder(FaultKind.SLOW_DB_QUERY)
            .end(END)
            .baseline(Duration.ofMinutes(1))
            .faultDuration(Duration.ofMinutes(1))
            .seed(43)
            .build()
            .telemetry()
            .spans();
    assertThat(otherSeed.get(0).traceId()).isNotEqualTo(first.spans().get(0).traceId());
  }

  /**
   * A test's outcome must not depend on the time of day it runs at: the same scenario ending at
   * another instant is the same traffic, shifted — before the fault and after the fix.
   */
  @Test
  void sameSeedAtAnotherTimeGivesTheSameTrafficShifted() {
    Duration shift = Duration.ofHours(7).plusMinutes(13).plusSeconds(20);
    for (FaultKind kind : List.of(FaultKind.SLOW_DB_QUERY, FaultKind.SLOW_CONSUMER)) {
      FaultScenario here = small(kind);
      FaultScenario later =
          FaultScenario.builder(kind)
              .end(END.plus(shift))
              .baseline(Duration.ofMinutes(10))
              .faultDuration(Duration.ofMinutes(5))
              .requestsPerSecond(3)
              .seed(42)
              .build();
      assertThat(shape(later.telemetry().spans(), later.faultEnd()))
          .isEqualTo(shape(here.telemetry().spans(), here.faultEnd()));
      for (boolean fixed : new boolean[] {true, false}) {
        assertThat(
                shape(
                    later.afterFix(later.faultEnd(), Duration.ofMinutes(2), fixed).spans(),
                    later.faultEnd()))
            .as("after the fix, fixed=%s", fixed)
            .isEqualTo(
                shape(
                    here.afterFix(here.faultEnd(), Duration.ofMinutes(2), fixed).spans(),
                    here.faultEnd()));
      }
    }
  }

  /** What a span is relative to {@code origin}: its trace, name, status, offset and duration. */
  static List<String> shape(List<Span> spans, Instant origin) {
    return spans.stream()
        .map(
            s ->
                s.traceId()
                    + " "
                    + s.serviceName()
                    + " "
                    + s.name()
                    + " "
                    + s.statusCode()
                    + " "
                    + (s.startTimeUnixNano() - nanos(origin))
                    + " "
                    + s.durationNanos())
        .toList();
  }

  @Test
  void defaultsSizeAndEndAlignment() {
    FaultScenario s = FaultScenario.builder(FaultKind.HEALTHY).build();
    assertThat(s.faultEnd().getEpochSecond() % 10).isZero();
    assertThat(Duration.between(s.faultStart(), s.faultEnd())).isEqualTo(Duration.ofMinutes(15));
    assertThat(Duration.between(s.baselineStart(), s.faultStart()))
        .isEqualTo(Duration.ofMinutes(60));
    long spans = s.telemetry().batches().mapToLong(b -> b.spans().size()).sum();
    assertThat(spans).isBetween(100_000L, 300_000L);
  }

  @Test
  void builderValidatesArguments() {
    assertThatThrownBy(() -> FaultScenario.builder(FaultKind.HEALTHY).requestsPerSecond(0))
        .hasMessageContaining("requestsPerSecond");
    assertThatThrownBy(() -> FaultScenario.builder(FaultKind.HEALTHY).faultDuration(Duration.ZERO))
        .hasMessageContaining("faultDuration");
    assertThatThrownBy(
            () -> FaultScenario.builder(FaultKind.HEALTHY).baseline(Duration.ofSeconds(-1)))
        .hasMessageContaining("baseline");
    assertThatThrownBy(() -> small(FaultKind.HEALTHY).expectedService())
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @EnumSource(FaultKind.class)
  void tracesAreStructurallyValid(FaultKind kind) {
    Generated g = generated(kind);
    Map<String, Span> byId = new HashMap<>();
    for (Span s : g.spans()) assertThat(byId.put(s.traceId() + s.spanId(), s)).isNull();
    Set<String> roots = new HashSet<>();
    for (Span s : g.spans()) {
      assertThat(s.endTimeUnixNano()).isGreaterThan(s.startTimeUnixNano());
      if (s.isRoot()) {
        assertThat(roots.add(s.traceId())).isTrue();
        assertThat(s.name()).isEqualTo("GET /checkout");
        continue;
      }
      Span parent = byId.get(s.traceId() + s.parentSpanId());
      assertThat(parent).as("parent of %s", s.name()).isNotNull();
      assertThat(s.startTimeUnixNano()).isGreaterThanOrEqualTo(parent.startTimeUnixNano());
      switch (s.kind()) {
        case SERVER -> {
          assertThat(parent.kind()).isEqualTo(SpanKind.CLIENT);
          assertThat(parent.serviceName()).isNotEqualTo(s.serviceName());
          assertThat(parent.attributes().getString("server.address")).isEqualTo(s.serviceName());
          assertThat(parent.name().replace('/', '.')).isEqualTo(s.name());
        }
        case CONSUMER -> {
          assertThat(parent.kind()).isEqualTo(SpanKind.PRODUCER);
          assertThat(s.startTimeUnixNano()).isGreaterThanOrEqualTo(parent.endTimeUnixNano());
        }
        default -> assertThat(parent.serviceName()).isEqualTo(s.serviceName());
      }
      boolean timedOutCall =
          parent.kind() == SpanKind.CLIENT
              && "DEADLINE_EXCEEDED".equals(parent.attributes().getString("error.type"));
      if (s.kind() != SpanKind.CONSUMER && !timedOutCall) {
        assertThat(s.endTimeUnixNano()).isLessThanOrEqualTo(parent.endTimeUnixNano());
      }
      assertThat(s.attributes().getString("tenant.id")).isNotNull();
    }
    assertThat(roots).hasSizeBetween(2300, 3100); // 3/s for 15 minutes
    for (LogRecord log : g.logs()) {
      assertThat(byId).containsKey(log.traceId() + log.spanId());
      assertThat(byId.get(log.traceId() + log.spanId()).serviceName()).isEqualTo(log.serviceName());
    }
    assertThat(g.spans().stream().map(s -> s.resource().attributes().getString("host.name")))
        .doesNotContainNull()
        .hasSizeGreaterThan(1);
    assertThat(
            g.spans().stream()
                .filter(op("order", "Shop.OrderService.PlaceOrder"))
                .map(s -> s.resource().attributes().getString("service.instance.id"))
                .distinct())
        .hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void batchesHoldWholeTraces() {
    Map<String, Integer> batchOfTrace = new HashMap<>();
    int[] index = {0};
    small(FaultKind.SLOW_CONSUMER)
        .telemetry()
        .forEach(
            b -> {
              for (Span s : b.spans()) {
                Integer previous = batchOfTrace.putIfAbsent(s.traceId(), index[0]);
                assertThat(previous == null || previous == index[0]).isTrue();
              }
              index[0]++;
            });
    assertThat(index[0]).isEqualTo(15); // one per minute
  }

  @Test
  void healthyErrorRatioIsBelowOnePerMille() {
    List<Span> roots =
        FaultScenario.builder(FaultKind.HEALTHY)
            .end(END)
            .requestsPerSecond(2)
            .build()
            .telemetry()
            .batches()
            .flatMap(b -> b.spans().stream())
            .filter(Span::isRoot)
            .toList();
    assertThat(roots).hasSizeGreaterThan(8000);
    assertThat(errorRatio(roots)).isLessThan(0.001);
    assertThat(errorRatio(roots)).isGreaterThan(0); // the base error rate exists
  }

  @ParameterizedTest
  @EnumSource(value = FaultKind.class, names = "HEALTHY", mode = EnumSource.Mode.EXCLUDE)
  void faultIsVisibleAtCulpritAndSloScope(FaultKind kind) {
    Generated g = generated(kind);
    FaultScenario s = g.scenario();
    Predicate<Span> culprit = op(s.expectedService(), s.expectedOperation());
    List<Span> before = g.inBaseline(culprit);
    List<Span> during = g.inFault(culprit);
    assertThat(before).isNotEmpty();
    assertThat(during).isNotEmpty();
    assertThat(errorRatio(before)).isLessThan(0.01);
    assertThat(errorRatio(during)).as("culprit error ratio in fault").isGreaterThan(0.1);

    SloScope scope = s.sloScope();
    Predicate<Span> scoped =
        op(scope.service(), scope.operation()).and(x -> x.kind() == scope.spanKind());
    assertThat(errorRatio(g.inBaseline(scoped))).isLessThan(0.01);
    assertThat(errorRatio(g.inFault(scoped))).as("SLO scope error ratio").isGreaterThan(0.1);
  }

  @Test
  void slowQueryMakesInventorySlowAndOrderTimeOut() {
    Generated g = generated(FaultKind.SLOW_DB_QUERY);
    Predicate<Span> query = op("inventory", "SELECT inventory");
    assertThat(median(g.inBaseline(query))).isLessThan(20);
    assertThat(median(g.inFault(query))).isGreaterThan(1500);
    assertThat(g.inFault(op("order", "Shop.InventoryService/Reserve")))
        .filteredOn(x -> "DEADLINE_EXCEEDED".equals(x.attributes().getString("error.type")))
        .hasSizeGreaterThan(g.inFault(op("order", "Shop.InventoryService/Reserve")).size() / 2);
    assertThat(bodies(g, 13)).anyMatch(b -> b.matches("query on table inventory took \\d+ ms.*"));
    assertThat(bodies(g, 17)).anyMatch(b -> b.contains("timeout after 2000 ms calling inventory"));
  }

  @Test
  void dependencyErrorsComeFromTheProvider() {
    Generated g = generated(FaultKind.DEPENDENCY_ERRORS);
    double ratio = errorRatio(g.inFault(op("payment", "POST /v1/charges")));
    assertThat(ratio).isBetween(0.3, 0.5);
    assertThat(bodies(g, 17))
        .anyMatch(b -> b.matches("payment provider returned 503 for order \\d+ .*"));
  }

  @Test
  void singleTenantFailuresAllBelongToAcme() {
    Generated g = generated(FaultKind.SINGLE_TENANT);
    List<Span> failed =
        g.inFault(
            op("order", "Shop.OrderService.PlaceOrder")
                .and(x -> x.statusCode() == StatusCode.ERROR));
    assertThat(failed).hasSizeGreaterThan(50);
    assertThat(failed).allMatch(x -> "acme".equals(x.attributes().getString("tenant.id")));
    assertThat(
            errorRatio(
                g.inFault(
                    op("order", "Shop.OrderService.PlaceOrder")
                        .and(x -> !"acme".equals(x.attributes().getString("tenant.id"))))))
        .isLessThan(0.01);
    assertThat(s(g).expectedAttribute()).contains(new ExpectedAttribute("tenant.id", "acme"));
  }

  @Test
  void badReleaseFailuresAllRunTheNewVersion() {
    Generated g = generated(FaultKind.BAD_RELEASE);
    Predicate<Span> placeOrder = op("order", "Shop.OrderService.PlaceOrder");
    assertThat(g.inBaseline(placeOrder)).allMatch(x -> version(x).equals("1.4.2"));
    List<Span> during = g.inFault(placeOrder);
    assertThat(during).allMatch(x -> version(x).equals("1.5.0"));
    assertThat(errorRatio(during)).isBetween(0.18, 0.32);
    assertThat(during)
        .filteredOn(x -> x.statusCode() == StatusCode.ERROR)
        .allMatch(
            x ->
                x.events()
                    .get(0)
                    .attributes()
                    .getString("exception.type")
                    .equals("java.lang.NullPointerException"));
  }

  @Test
  void slowConsumerLagGrows() {
    Generated g = generated(FaultKind.SLOW_CONSUMER);
    Predicate<Span> process = op("shipping", "orders.shipping process");
    assertThat(median(g.inBaseline(process))).isLessThan(100);
    assertThat(median(g.inFault(process))).isGreaterThan(2000);
    assertThat(bodies(g, 13))
        .anyMatch(
            b ->
                b.matches(
                    "processing of order \\d+ from orders.shipping took \\d+ ms \\(lag [1-9]\\d* s\\)"));
    // upstream stays healthy
    assertThat(errorRatio(g.inFault(Span::isRoot))).isLessThan(0.01);
  }

  @Test
  void sharedDependencyHurtsBothCallers() {
    Generated g = generated(FaultKind.SHARED_DEPENDENCY);
    assertThat(errorRatio(g.inFault(op("order", "Shop.AuthService/Verify")))).isGreaterThan(0.3);
    assertThat(errorRatio(g.inFault(op("inventory", "Shop.AuthService/Verify"))))
        .isGreaterThan(0.3);
    assertThat(errorRatio(g.inFault(op("inventory", "Shop.InventoryService.Reserve"))))
        .isGreaterThan(0.3);
  }

  @ParameterizedTest
  @EnumSource(value = FaultKind.class, names = "HEALTHY", mode = EnumSource.Mode.EXCLUDE)
  void afterFixIsHealthyOnlyWhenFixed(FaultKind kind) {
    FaultScenario s = small(kind);
    Predicate<Span> culprit = op(s.expectedService(), s.expectedOperation());
    List<Span> fixed =
        s.afterFix(s.faultEnd(), Duration.ofMinutes(5), true).spans().stream()
            .filter(culprit)
            .toList();
    List<Span> notFixed =
        s.afterFix(s.faultEnd(), Duration.ofMinutes(5), false).spans().stream()
            .filter(culprit)
            .toList();
    assertThat(fixed).isNotEmpty().allMatch(x -> version(x).equals(s.fixVersion()));
    assertThat(notFixed).isNotEmpty().allMatch(x -> version(x).equals(s.fixVersion()));
    assertThat(errorRatio(fixed)).isLessThan(0.01);
    assertThat(errorRatio(notFixed)).isGreaterThan(0.1);
    assertThat(fixed).allMatch(x -> x.startTimeUnixNano() >= nanos(s.faultEnd()));
  }

  static FaultScenario s(Generated g) {
    return g.scenario();
  }

  static String version(Span s) {
    return s.resource().attributes().getString("service.version");
  }

  static List<String> bodies(Generated g, int severity) {
    long from = g.faultStart();
    return g.logs().stream()
        .filter(l -> l.severityNumber() == severity && l.timeUnixNano() >= from)
        .map(l -> l.body().asString())
        .toList();
  }
}
