package dev.sightline.slo.notify;

import static dev.sightline.slo.notify.TestNotifications.firing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's review found one delivery thread per target (tenants × targets, 97 → 267 threads).
 * Delivery now runs on a shared {@link DeliveryPool}: these tests hold the thread count at the
 * pool's size with many targets, keep each target's order, and release a removed target's queue.
 */
class DeliveryPoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TENANTS = 20;
  private static final int TARGETS_PER_TENANT = 10;
  private static final int NOTIFICATIONS = 9;

  @Test
  void manyTargetsOfManyTenants_shareThePoolsThreads_andEachKeepsItsOrder() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    // every 5th request fails once: retries interleave with other targets' batches
    try (RecordingServer server =
            new RecordingServer(() -> requests.incrementAndGet() % 5 == 0 ? 503 : 200);
        DeliveryPool pool = DeliveryPool.ofThreads(3)) {
      List<NotificationDispatcher> dispatchers = new ArrayList<>();
      for (int tenant = 0; tenant < TENANTS; tenant++) {
        NotificationDispatcher.Builder b =
            NotificationDispatcher.builder()
                .pool(pool)
                .maxBatchSize(3)
                .initialBackoff(Duration.ofMillis(5))
                .maxBackoff(Duration.ofMillis(20));
        for (int t = 0; t < TARGETS_PER_TENANT; t++) {
          b.target(
              new NotificationTarget(
                  NotificationTarget.Kind.WEBHOOK, server.url("/t" + tenant + "/" + t)));
        }
        dispatchers.add(b.build());
      }
      int before = deliveryThreads();
      for (int i = 0; i < NOTIFICATIONS; i++) {
        for (NotificationDispatcher d : dispatchers) d.dispatch(firing("fp-" + i));
      }
      int total = TENANTS * TARGETS_PER_TENANT * NOTIFICATIONS;
      int[] most = {0};
      waitFor(
          () -> {
            most[0] = Math.max(most[0], deliveryThreads());
            return pool.sent() == total;
          });
      // (threads of other tests' pools, if any still stop, are counted in "before")
      assertThat(most[0] - before)
          .as("delivery threads while delivering 200 targets")
          .isLessThanOrEqualTo(pool.threads() + 1); // + the timer thread
      assertThat(most[0]).isPositive();
      assertThat(pool.failedAttempts()).isPositive();
      assertThat(pool.dropped()).isZero();
      assertThat(pool.targets()).isEqualTo(TENANTS * TARGETS_PER_TENANT);

      // per target, the fingerprints arrived in dispatch order (a batch retried before the next)
      Map<String, List<String>> byTarget = new LinkedHashMap<>();
      for (int i = 0; i < server.bodies.size(); i++) {
        if (server.answered.get(i) != 200) continue;
        List<String> got = byTarget.computeIfAbsent(server.paths.get(i), k -> new ArrayList<>());
        for (JsonNode alert : JSON.readTree(server.bodies.get(i)).get("alerts")) {
          got.add(alert.get("fingerprint").asText());
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < NOTIFICATIONS; i++) expected.add("fp-" + i);
      assertThat(byTarget).hasSize(TENANTS * TARGETS_PER_TENANT);
      assertThat(byTarget.values()).allSatisfy(got -> assertThat(got).isEqualTo(expected));

      for (NotificationDispatcher d : dispatchers) d.close();
      assertThat(pool.targets()).isZero();
    }
  }

  @Test
  void releasedTarget_leavesThePool_afterDrainingOrAtTheDeadline() throws Exception {
    try (RecordingServer ok = new RecordingServer(() -> 200);
        RecordingServer hanging = new RecordingServer(() -> 0);
        DeliveryPool pool = DeliveryPool.ofThreads(2)) {
      NotificationDispatcher idle =
          NotificationDispatcher.builder()
              .pool(pool)
              .target(new NotificationTarget(NotificationTarget.Kind.WEBHOOK, ok.url("/a")))
              .build();
      NotificationDispatcher stuck =
          NotificationDispatcher.builder()
              .pool(pool)
              .requestTimeout(Duration.ofSeconds(30))
              .drainTimeout(Duration.ofMillis(200))
              .target(new NotificationTarget(NotificationTarget.Kind.WEBHOOK, hanging.url("/b")))
              .build();
      assertThat(pool.targets()).isEqualTo(2);

      idle.dispatch(firing("fp-1"));
      waitFor(() -> pool.sent() == 1);
      idle.release();
      assertThat(pool.targets()).isEqualTo(1); // nothing queued: released at once

      for (int i = 0; i < 5; i++) stuck.dispatch(firing("fp-" + i));
      waitFor(() -> hanging.bodies.size() == 1); // the first batch hangs on a pool thread
      long t0 = System.nanoTime();
      stuck.release(); // never blocks
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      // at the drain deadline the hanging request is interrupted and the queue leaves the pool
      waitFor(() -> pool.targets() == 0);
      DeliveryStats s = stuck.stats().get(0);
      assertThat(s.sent()).isZero();
      assertThat(s.queued()).isZero();
      assertThat(s.givenUp() + s.dropped()).isEqualTo(5);
      assertThat(pool.givenUp() + pool.dropped()).isEqualTo(5);

      // the pool's thread is free again: another target delivers
      NotificationDispatcher next =
          NotificationDispatcher.builder()
              .pool(pool)
              .target(new NotificationTarget(NotificationTarget.Kind.WEBHOOK, ok.url("/c")))
              .build();
      next.dispatch(firing("fp-9"));
      waitFor(() -> pool.sent() == 2);
      next.close();
      stuck.stats(); // still readable after release
      stuck.dispatch(firing("late")); // after release: dropped and counted, never thrown
      assertThat(stuck.stats().get(0).dropped()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void fullQueue_dropsTheOldest_andCountsItInThePool() throws Exception {
    try (RecordingServer hanging = new RecordingServer(() -> 0);
        DeliveryPool pool = DeliveryPool.ofThreads(1)) {
      NotificationDispatcher d =
          NotificationDispatcher.builder()
              .pool(pool)
              .queueCapacity(4)
              .requestTimeout(Duration.ofSeconds(30))
              .drainTimeout(Duration.ofMillis(100))
              .target(new NotificationTarget(NotificationTarget.Kind.WEBHOOK, hanging.url("/h")))
              .build();
      d.dispatch(firing("first"));
      waitFor(() -> hanging.bodies.size() == 1);
      for (int i = 0; i < 10; i++) d.dispatch(firing("fp-" + i));
      assertThat(d.stats().get(0).queued()).isEqualTo(4);
      assertThat(d.stats().get(0).dropped()).isEqualTo(6);
      assertThat(pool.dropped()).isEqualTo(6);
      d.close();
      assertThat(pool.dropped() + pool.givenUp()).isEqualTo(11);
    }
  }

  private static int deliveryThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("sightline-notify")) n++;
    }
    return n;
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
      Thread.sleep(5);
    }
  }
}
