package dev.sightline.incident.analysis.traces;

import static dev.sightline.incident.analysis.AnalysisFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CriticalPathComparisonTest {
  private static final Operation FRONT = new Operation("frontend", "POST /checkout");
  private static final Operation CHECKOUT = new Operation("checkout", "PlaceOrder");
  private static final Operation DB = new Operation("orders-db", "SELECT shop.orders");
  private static final Operation CART = new Operation("cart", "GetCart");

  /**
   * frontend → checkout → (cart in parallel with db): frontend and checkout spend 10 ms before and
   * 10 ms after their call each; the db query takes {@code dbMs}, the cart call 15 ms.
   */
  private static List<Span> trace(int n, double dbMs, boolean dbError) {
    double dbEnd = 20 + dbMs;
    return List.of(
        span(n, "f", "", "frontend", "POST /checkout", 0, dbEnd + 20).build(),
        span(n, "c", "f", "checkout", "PlaceOrder", 10, dbEnd + 10).build(),
        span(n, "k", "c", "cart", "GetCart", 20, 35).build(),
        span(n, "d", "c", "orders-db", "SELECT shop.orders", 20, dbEnd)
            .status(dbError ? StatusCode.ERROR : StatusCode.UNSET, "")
            .build());
  }

  @Test
  void theSlowerDatabaseQueryHasTheLargestDeltaNotItsCallers() {
    List<List<Span>> baseline = new ArrayList<>();
    List<List<Span>> bad = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      baseline.add(trace(i, 20 + i % 3, false)); // 20, 21, 22 ms
      bad.add(trace(100 + i, 200 + i % 3, i % 2 == 0)); // 200, 201, 202 ms
    }

    List<OperationDelta> deltas = CriticalPathComparison.compare(bad, baseline);
    Map<Operation, OperationDelta> byOp =
        deltas.stream().collect(Collectors.toMap(OperationDelta::operation, Function.identity()));

    assertThat(deltas.get(0).operation()).isEqualTo(DB);
    OperationDelta db = byOp.get(DB);
    assertThat(db.deltaMs()).isCloseTo(180, within(1e-6));
    assertThat(db.badMeanMs()).isCloseTo(200.9, within(1e-6));
    assertThat(db.baselineMeanMs()).isCloseTo(20.9, within(1e-6));
    assertThat(db.badP50Ms()).isCloseTo(201, within(1e-6));
    assertThat(db.relativeDelta()).isCloseTo(180 / 20.9, within(1e-6));
    assertThat(db.badShare()).isCloseTo(200.9 / 240.9, within(1e-6));
    assertThat(db.badErrorRate()).isEqualTo(0.5);
    assertThat(db.baselineErrorRate()).isZero();
    assertThat(db.badTraces()).isEqualTo(10);

    assertThat(byOp.get(FRONT).deltaMs()).isCloseTo(0, within(1e-6));
    assertThat(byOp.get(FRONT).badMeanMs()).isCloseTo(20, within(1e-6));
    assertThat(byOp.get(FRONT).badSelfMeanMs()).isCloseTo(20, within(1e-6));
    assertThat(byOp.get(CHECKOUT).deltaMs()).isCloseTo(0, within(1e-6));
    // the cart call runs in parallel with the query and is never critical
    assertThat(byOp.get(CART).badMeanMs()).isZero();
    assertThat(byOp.get(CART).baselineSelfMeanMs()).isCloseTo(15, within(1e-6));
  }

  @Test
  void anOperationOnlyInBadTracesHasNoRelativeDelta() {
    List<Span> extra = new ArrayList<>(trace(1, 20, false));
    extra.add(span(1, "r", "c", "fraud", "Score", 42, 48).build());
    List<OperationDelta> deltas =
        CriticalPathComparison.compare(List.of(extra), List.of(trace(2, 20, false)));

    OperationDelta fraud =
        deltas.stream()
            .filter(d -> d.operation().service().equals("fraud"))
            .findFirst()
            .orElseThrow();
    assertThat(fraud.relativeDelta()).as("nothing to divide by: null, not infinite").isNull();
    assertThat(fraud.baselineTraces()).isZero();
  }

  @Test
  void emptyInputsGiveAnEmptyComparison() {
    assertThat(CriticalPathComparison.compare(List.of(), List.of())).isEmpty();
    assertThat(CriticalPathComparison.compare(List.of(List.of()), List.of())).isEmpty();
  }

  @Test
  void withoutBaselineTracesTheDeltasAreTheBadTimesWithoutRelativeDeltas() {
    List<List<Span>> bad = new ArrayList<>();
    for (int i = 0; i < 5; i++) bad.add(trace(100 + i, 200, false));

    List<OperationDelta> deltas = CriticalPathComparison.compare(bad, List.of());

    assertThat(deltas.get(0).operation()).isEqualTo(DB);
    assertThat(deltas)
        .allSatisfy(
            d -> {
              assertThat(d.baselineTraces()).isZero();
              assertThat(d.baselineMeanMs()).isZero();
              assertThat(d.baselineSelfMeanMs()).isZero();
              assertThat(d.deltaMs()).isEqualTo(d.badMeanMs());
              // on the bad critical path: null; never on it (the cart call): 0
              if (d.badMeanMs() > 0) {
                assertThat(d.relativeDelta()).isNull();
              } else {
                assertThat(d.relativeDelta()).isZero();
              }
              assertThat(Double.isFinite(d.badShare())).isTrue();
            });
    assertThat(deltas).filteredOn(d -> d.relativeDelta() == null).hasSize(3);
  }
}
