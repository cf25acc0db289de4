package dev.sightline.incident.causes;

import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.VersionChange;
import dev.sightline.testing.TestObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Blame on hand-built traces where the answer is known. */
class CauseRankerTest {
  static Span span(
      int trace, String id, String parent, String service, String name, long startMs, long ms) {
    return TestObjects.span(
            TestObjects.TENANT,
            TestObjects.traceId(trace),
            id,
            parent,
            service,
            name,
            NOW_NANOS + startMs * MILLI,
            ms * MILLI)
        .toBuilder()
        .resource(TestObjects.resource(service, "1.0.0"))
        .build();
  }

  static Span failed(Span s, String message) {
    return s.toBuilder().status(StatusCode.ERROR, message).build();
  }

  /** frontend → order (client call to inventory) → inventory → db query. */
  static List<Span> checkout(int trace, long dbMs, boolean timeout) {
    long inner = 2 + dbMs;
    Span root = span(trace, "0000000000000001", "", "frontend", "GET /checkout", 0, inner + 20);
    Span call =
        span(
            trace, "0000000000000002", "0000000000000001", "order", "call inventory", 5, inner + 4);
    Span inventory =
        span(trace, "0000000000000003", "0000000000000002", "inventory", "Reserve", 6, inner);
    Span db = span(trace, "0000000000000004", "0000000000000003", "inventory", "SELECT", 7, dbMs);
    if (timeout) {
      root = failed(root, "upstream failed");
      call = failed(call, "DEADLINE_EXCEEDED: timeout after 2000 ms calling inventory");
    }
    return List.of(root, call, inventory, db);
  }

  @Test
  void upstreamTimeout_blamesTheSlowQueryBelowIt_notTheCaller() {
    List<List<Span>> bad = new ArrayList<>();
    List<List<Span>> baseline = new ArrayList<>();
    for (int i = 0; i < 10; i++) bad.add(checkout(i, 2_500, true));
    for (int i = 100; i < 110; i++) baseline.add(checkout(i, 4, false));

    List<Hypothesis> h =
        CauseRanker.create().rank(Evidence.empty(), new Investigator.Traces(bad, baseline));

    assertThat(h).isNotEmpty();
    assertThat(h.get(0).service()).isEqualTo("inventory");
    assertThat(h.get(0).operation()).isEqualTo("SELECT");
    assertThat(h.get(0).kind()).isEqualTo("latency");
    assertThat(h.get(0).confidence()).isEqualTo(1.0);
    assertThat(h.get(0).detail()).contains("upstream timeouts are symptoms");
  }

  @Test
  void originError_blamesTheDeepestFailure_andAVersionOnlyWhenTheBadSpansRunIt() {
    List<List<Span>> bad = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<Span> t = new ArrayList<>(checkout(i, 4, false));
      t.set(0, failed(t.get(0), "500"));
      t.set(1, failed(t.get(1), "500"));
      t.set(2, failed(t.get(2), "NullPointerException"));
      bad.add(t);
    }
    // a new inventory version exists, but the failing spans still run 1.0.0
    VersionChange change =
        new VersionChange("inventory", "2.0.0", List.of("1.0.0"), NOW_NANOS, 10, null);
    Evidence evidence =
        new Evidence(
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(change),
            List.of(),
            Map.of(),
            true);

    Hypothesis top =
        CauseRanker.create().rank(evidence, new Investigator.Traces(bad, List.of())).get(0);

    assertThat(top.service()).isEqualTo("inventory");
    assertThat(top.operation()).isEqualTo("Reserve");
    assertThat(top.kind()).isEqualTo("errors");
    assertThat(top.attributeKey()).isNull();
    assertThat(top.detail()).doesNotContain("started with version");
    assertThat(top.evidence()).anySatisfy(e -> assertThat(e).startsWith("change: inventory 2.0.0"));
  }

  @Test
  void noBadTraces_noHypotheses() {
    assertThat(
            CauseRanker.create()
                .rank(Evidence.empty(), new Investigator.Traces(List.of(), List.of())))
        .isEmpty();
  }
}
