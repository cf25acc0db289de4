package dev.sightline.incident.analysis.traces;

import static dev.sightline.incident.analysis.AnalysisFixtures.ms;
import static dev.sightline.incident.analysis.AnalysisFixtures.span;
import static dev.sightline.incident.analysis.AnalysisFixtures.spanId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CriticalPathTest {
  private static final Operation FRONT = new Operation("frontend", "GET /checkout");
  private static final Operation CART = new Operation("cart", "GetCart");
  private static final Operation PAY = new Operation("payment", "Charge");

  private static String seg(CriticalPathSegment s) {
    return s.operation().service()
        + " "
        + (s.startUnixNano() - ms(0)) / 1_000_000
        + "-"
        + (s.endUnixNano() - ms(0)) / 1_000_000;
  }

  private static List<String> segments(TraceCriticalPath p) {
    return p.segments().stream().map(CriticalPathTest::seg).toList();
  }

  @Test
  void sequentialChildrenAreAllOnThePath() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "GET /checkout", 0, 100).build(),
                span(1, "b", "a", "cart", "GetCart", 10, 40).build(),
                // starts exactly when the cart call ends
                span(1, "c", "a", "payment", "Charge", 40, 90).build()));

    assertThat(segments(p))
        .containsExactly("frontend 0-10", "cart 10-40", "payment 40-90", "frontend 90-100");
    assertThat(p.rootSpanId()).isEqualTo(spanId("a"));
    assertThat(p.durationNanos()).isEqualTo(100_000_000L);
    assertThat(p.criticalNanosByOperation())
        .containsExactly(
            java.util.Map.entry(PAY, 50_000_000L),
            java.util.Map.entry(CART, 30_000_000L),
            java.util.Map.entry(FRONT, 20_000_000L));
    assertThat(p.operations().get(FRONT).selfNanos()).isEqualTo(20_000_000L);
  }

  @Test
  void ofParallelChildrenOnlyTheLastFinishingIsCritical() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "GET /checkout", 0, 100).build(),
                span(1, "b", "a", "cart", "GetCart", 10, 60).build(),
                span(1, "c", "a", "payment", "Charge", 10, 90).build()));

    assertThat(segments(p)).containsExactly("frontend 0-10", "payment 10-90", "frontend 90-100");
    assertThat(p.operations().get(CART).criticalNanos()).isZero();
    assertThat(p.operations().get(CART).selfNanos()).isEqualTo(50_000_000L);
    // self time subtracts the union of the children, not their sum
    assertThat(p.operations().get(FRONT).selfNanos()).isEqualTo(20_000_000L);
  }

  @Test
  void theGapBetweenOverlappingChildrenGoesToTheEarlierChild() {
    // b 10-50 and c 40-90 overlap: after c, the cursor is at 40 and b (ends 50) is skipped
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "GET /checkout", 0, 100).build(),
                span(1, "b", "a", "cart", "GetCart", 10, 50).build(),
                span(1, "c", "a", "payment", "Charge", 40, 90).build(),
                span(1, "d", "a", "cart", "GetCart", 5, 20).build()));

    assertThat(segments(p))
        .containsExactly(
            "frontend 0-5", "cart 5-20", "frontend 20-40", "payment 40-90", "frontend 90-100");
  }

  @Test
  void childrenOutsideTheParentAreClippedToItsBounds() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "GET /checkout", 0, 100).build(),
                span(1, "b", "a", "cart", "GetCart", -20, 30).build(),
                span(1, "c", "a", "payment", "Charge", 50, 150).build(),
                // a grandchild inside c's own bounds but after a's end: clipped too
                span(1, "d", "c", "payment", "SELECT", 60, 140).build()));

    assertThat(segments(p))
        .containsExactly("cart 0-30", "frontend 30-50", "payment 50-60", "payment 60-100");
    assertThat(p.segments().get(3).spanId()).isEqualTo(spanId("d"));
    assertThat(total(p)).isEqualTo(p.durationNanos());
  }

  @Test
  void withoutARootTheLongestTopLevelSpanLeadsAndOrphansAreDetached() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "x", "lost-1", "cart", "GetCart", 0, 50).build(),
                span(1, "y", "lost-2", "frontend", "GET /checkout", 10, 200).build(),
                span(1, "z", "y", "payment", "Charge", 20, 100).build()));

    assertThat(p.rootSpanId()).isEqualTo(spanId("y"));
    assertThat(segments(p)).containsExactly("frontend 10-20", "payment 20-100", "frontend 100-200");
    assertThat(p.detachedSegments()).extracting(CriticalPathTest::seg).containsExactly("cart 0-50");
    assertThat(p.operations().get(CART).criticalNanos()).isZero();
    assertThat(p.operations().get(CART).spans()).isEqualTo(1);
  }

  @Test
  void aRealRootWinsOverALongerOrphan() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "orphan", "lost", "cart", "GetCart", 0, 500).build(),
                span(1, "root", "", "frontend", "GET /checkout", 10, 200).build()));

    assertThat(p.rootSpanId()).isEqualTo(spanId("root"));
  }

  @Test
  void asynchronousConsumersDoNotExtendTheirProducersPath() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "POST /order", 0, 100).kind(SpanKind.SERVER).build(),
                span(1, "p", "a", "order", "orders publish", 10, 20)
                    .kind(SpanKind.PRODUCER)
                    .build(),
                span(1, "c", "p", "email", "orders process", 50, 300)
                    .kind(SpanKind.CONSUMER)
                    .build(),
                span(1, "m", "c", "email", "send", 60, 280).build(),
                // fire-and-forget: starts after its parent ended
                span(1, "f", "a", "audit", "write", 120, 130).build()));

    assertThat(segments(p)).containsExactly("frontend 0-10", "order 10-20", "frontend 20-100");
    assertThat(total(p)).isEqualTo(p.durationNanos());
    assertThat(p.detachedSegments())
        .extracting(CriticalPathTest::seg)
        .containsExactly("audit 120-130", "email 50-60", "email 60-280", "email 280-300");
    // the producer's self time is not reduced by the consumer's work
    assertThat(p.operations().get(new Operation("order", "orders publish")).selfNanos())
        .isEqualTo(10_000_000L);
  }

  @Test
  void aConsumerFinishingInsideItsParentStaysOnThePath() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "worker", "poll", 0, 100).build(),
                span(1, "c", "a", "worker", "process", 20, 80).kind(SpanKind.CONSUMER).build()));

    assertThat(segments(p)).containsExactly("worker 0-20", "worker 20-80", "worker 80-100");
  }

  @Test
  void countsErrorSpansPerOperation() {
    TraceCriticalPath p =
        CriticalPath.of(
            List.of(
                span(1, "a", "", "frontend", "GET /checkout", 0, 100).build(),
                span(1, "b", "a", "payment", "Charge", 10, 40)
                    .status(StatusCode.ERROR, "declined")
                    .build(),
                span(1, "c", "a", "payment", "Charge", 40, 90).build()));

    OperationTime pay = p.operations().get(PAY);
    assertThat(pay.spans()).isEqualTo(2);
    assertThat(pay.errorSpans()).isEqualTo(1);
    assertThat(pay.criticalNanos()).isEqualTo(80_000_000L);
  }

  @Test
  void segmentsTileTheRootOnRandomTrees() {
    Random random = new Random(42);
    for (int t = 0; t < 200; t++) {
      List<Span> spans = new ArrayList<>();
      spans.add(span(t, "s0", "", "svc0", "op0", 0, 1000).build());
      for (int i = 1; i < 40; i++) {
        int parent = random.nextInt(i);
        double start = random.nextInt(1100) - 50;
        double end = start + random.nextInt(400);
        spans.add(
            span(t, "s" + i, "s" + parent, "svc" + (i % 5), "op" + (i % 7), start, end)
                .kind(random.nextInt(10) == 0 ? SpanKind.CONSUMER : SpanKind.INTERNAL)
                .build());
      }
      TraceCriticalPath p = CriticalPath.of(spans);
      assertThat(total(p)).isEqualTo(p.durationNanos());
      long cursor = ms(0);
      for (CriticalPathSegment s : p.segments()) {
        assertThat(s.startUnixNano()).isEqualTo(cursor);
        cursor = s.endUnixNano();
      }
      assertThat(cursor).isEqualTo(ms(1000));
      long sum = p.operations().values().stream().mapToLong(OperationTime::criticalNanos).sum();
      assertThat(sum).isEqualTo(p.durationNanos());
    }
  }

  @Test
  void rejectsAnEmptyTrace() {
    assertThatThrownBy(() -> CriticalPath.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trace");
  }

  private static long total(TraceCriticalPath p) {
    return p.segments().stream().mapToLong(CriticalPathSegment::durationNanos).sum();
  }
}
