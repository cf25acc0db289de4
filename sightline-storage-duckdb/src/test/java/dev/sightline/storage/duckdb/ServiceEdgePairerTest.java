package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ServiceEdgePairer} alone, without DuckDB. */
class ServiceEdgePairerTest {
  private static final long T = 1_700_000_000_000_000_000L;
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  private long now;
  private ServiceEdgePairer pairer = pairer(1_000, 1_000);

  private ServiceEdgePairer pairer(int maxCallers, int maxWaiting) {
    return new ServiceEdgePairer(maxCallers, maxWaiting, 5 * MINUTE, () -> now);
  }

  private ServiceEdgePairer.End span(
      String tenant, long trace, long id, long parent, String service, SpanKind kind, boolean err) {
    return pairer.end(
        tenant, 0, trace, id, parent != 0, parent, kind.ordinal(), service, err, T, 1_000_000);
  }

  private ServiceEdgePairer.End span(
      long trace, long id, long parent, String service, SpanKind kind) {
    return span("t", trace, id, parent, service, kind, false);
  }

  private ServiceEdgePairer.End client(long trace, long id) {
    return span(trace, id, 0, "frontend", SpanKind.CLIENT);
  }

  private ServiceEdgePairer.End server(long trace, long id, long parent) {
    return span(trace, id, parent, "order", SpanKind.SERVER);
  }

  /** Pairs as "client>server kind calls/errors". */
  private static final class Recorder implements ServiceEdgePairer.Sink {
    final List<String> pairs = new ArrayList<>();
    long calls;

    @Override
    public void pair(
        String tenant,
        long childStart,
        String client,
        String server,
        byte callerKind,
        long calls,
        long errors,
        long childDuration) {
      pairs.add(client + ">" + server + " " + callerKind + " " + calls + "/" + errors);
      this.calls += calls;
    }
  }

  /** Pairs the group, then commits it as a successful transaction would; returns the calls. */
  private long write(ServiceEdgePairer.End... group) {
    Recorder r = new Recorder();
    pairer.pairs(List.of(group), r);
    pairer.commit(List.of(group));
    return r.calls;
  }

  @Test
  void childFirst_parentFirst_sameGroup_eachCountedOnce() {
    assertThat(write(server(1, 2, 1))).isZero();
    assertThat(pairer.stats().waitingChildren()).isEqualTo(1);
    assertThat(write(client(1, 1))).isEqualTo(1);
    assertThat(pairer.stats().waitingChildren()).isZero();

    assertThat(write(client(2, 1))).isZero();
    assertThat(write(server(2, 2, 1))).isEqualTo(1);

    assertThat(write(server(3, 2, 1), client(3, 1))).isEqualTo(1);
    // later spans of the same traces complete nothing
    assertThat(
            write(
                span(1, 3, 2, "order", SpanKind.INTERNAL), span(2, 3, 2, "order", SpanKind.CLIENT)))
        .isZero();
  }

  @Test
  void pairDetails_kindErrorsAndSameServiceOrFarApartIsNoPair() {
    Recorder r = new Recorder();
    List<ServiceEdgePairer.End> group =
        List.of(
            span("t", 1, 1, 0, "order", SpanKind.PRODUCER, true),
            span("t", 1, 2, 1, "shipping", SpanKind.CONSUMER, false),
            span("t", 2, 1, 0, "order", SpanKind.CLIENT, false),
            span("t", 2, 2, 1, "order", SpanKind.SERVER, false), // same service: no edge
            pairer.end(
                "t", 0, 3, 1, false, 0, SpanKind.CLIENT.ordinal(), "a", false, T, 1), // far caller
            pairer.end(
                "t", 0, 3, 2, true, 1, SpanKind.SERVER.ordinal(), "b", false, T + 61 * MINUTE, 1));
    pairer.pairs(group, r);
    assertThat(r.pairs).containsExactly("order>shipping 4 1/1");
  }

  @Test
  void nonCallerParent_resolvesItsWaitingChildren_withoutPair() {
    write(span(1, 3, 2, "order", SpanKind.INTERNAL));
    assertThat(pairer.stats().waitingChildren()).isEqualTo(1);

    assertThat(write(span(1, 2, 1, "order", SpanKind.SERVER))).isZero();

    // the SERVER span's own parent is now waiting; its INTERNAL child is resolved for good
    assertThat(pairer.stats().waitingChildren()).isEqualTo(1);
    assertThat(write(client(1, 1))).isEqualTo(1);
    assertThat(pairer.stats()).isEqualTo(new ServiceEdgePairer.Stats(1, 0, 0, 0));
  }

  @Test
  void childOfNonCallerInSameGroup_doesNotWait() {
    write(span(1, 1, 0, "order", SpanKind.SERVER), span(1, 2, 1, "order", SpanKind.INTERNAL));
    assertThat(pairer.stats().waitingChildren()).isZero();
  }

  @Test
  void spanStoredTwice_countsOncePerStoredCopyOfEachEnd() {
    assertThat(write(client(1, 1))).isZero();
    assertThat(write(server(1, 2, 1))).isEqualTo(1);
    assertThat(write(server(1, 2, 1))).isEqualTo(1);
    assertThat(write(client(1, 1))).isEqualTo(2); // 2 × 2 pairs of stored rows in all
    assertThat(write(server(1, 2, 1), client(1, 1))).isEqualTo(5); // 3 × 3 = 9 = 4 + 5

    // child first, both copies of the caller in one group
    assertThat(write(server(2, 2, 1))).isZero();
    assertThat(write(client(2, 1), client(2, 1))).isEqualTo(2);
  }

  @Test
  void pairsWithoutCommit_leaveTheStateUntouched_asAFailedTransaction() {
    write(server(1, 2, 1));
    ServiceEdgePairer.Stats before = pairer.stats();

    Recorder failed = new Recorder();
    pairer.pairs(List.of(client(1, 1), server(2, 2, 1)), failed); // its COMMIT fails: no commit()
    assertThat(failed.calls).isEqualTo(1);

    assertThat(pairer.stats()).isEqualTo(before);
    // retried alone, the same caller still finds its waiting child: counted once in all
    assertThat(write(client(1, 1))).isEqualTo(1);
    assertThat(write(server(1, 2, 1))).isEqualTo(1); // a stored retry of the child
  }

  @Test
  void window_evictsOldEntries_andCountsThem() {
    write(server(1, 2, 1));
    write(client(2, 1));
    now += 4 * MINUTE;
    write(server(3, 2, 1));
    now += 2 * MINUTE; // the first two are now older than 5 minutes
    write(span(9, 1, 0, "x", SpanKind.SERVER));

    assertThat(pairer.stats()).isEqualTo(new ServiceEdgePairer.Stats(0, 1, 1, 1));
    assertThat(write(client(1, 1))).isZero(); // its child was evicted
    assertThat(write(server(2, 2, 1))).isZero(); // its caller was evicted
    assertThat(write(client(3, 1))).isEqualTo(1);
  }

  @Test
  void caps_evictOldestFirst() {
    pairer = pairer(2, 2);
    for (long trace = 1; trace <= 3; trace++) write(server(trace, 2, 1));
    for (long trace = 11; trace <= 13; trace++) write(client(trace, 1));

    assertThat(pairer.stats()).isEqualTo(new ServiceEdgePairer.Stats(2, 2, 1, 1));
    assertThat(write(server(12, 2, 1))).isEqualTo(1);
    // its caller was evicted: it waits, and pushes the oldest waiting child (trace 2's) out
    assertThat(write(server(11, 2, 1))).isZero();
    assertThat(write(client(1, 1))).isZero();
    assertThat(write(client(2, 1))).isZero();
    assertThat(write(client(3, 1))).isEqualTo(1);
  }

  @Test
  void cap_evictsCallersWithAChildBeforeCallersStillWaitingForOne() {
    pairer = pairer(2, 10);
    write(client(1, 1));
    write(client(2, 1));
    assertThat(write(server(2, 2, 1))).isEqualTo(1);
    write(client(3, 1)); // over the cap: the caller of trace 2, already paired, goes

    assertThat(pairer.stats().evictedCallers()).isEqualTo(1);
    assertThat(write(server(1, 2, 1))).isEqualTo(1);
    assertThat(write(server(3, 2, 1))).isEqualTo(1);
    assertThat(write(server(2, 2, 1)))
        .isZero(); // a retried export of the child: its caller is gone
  }

  @Test
  void tenantsAreIsolated() {
    write(span("a", 1, 1, 0, "frontend", SpanKind.CLIENT, false));
    assertThat(write(span("b", 1, 2, 1, "order", SpanKind.SERVER, false))).isZero();
    assertThat(write(span("a", 1, 2, 1, "order", SpanKind.SERVER, false))).isEqualTo(1);
  }

  @Test
  void replayedWithoutPairs_thenNewSpansPairWithIt() {
    // commit alone, as at open: stored spans fill the state, nothing is emitted
    pairer.commit(List.of(server(1, 2, 1), client(2, 1), client(3, 1), server(3, 2, 1)));
    assertThat(pairer.stats()).isEqualTo(new ServiceEdgePairer.Stats(2, 1, 0, 0));

    assertThat(write(client(1, 1))).isEqualTo(1);
    assertThat(write(server(2, 2, 1))).isEqualTo(1);
    assertThat(write(client(3, 1))).isEqualTo(1); // a second copy pairs with the stored child
  }
}
