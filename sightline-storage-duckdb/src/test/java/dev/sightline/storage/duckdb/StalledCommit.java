package dev.sightline.storage.duckdb;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the writer's first group inside its transaction, just before COMMIT, until {@link
 * #release}: a commit that stalls (as a checkpoint does), for tests of what happens meanwhile.
 */
final class StalledCommit {
  private final CountDownLatch inCommit = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Installs the stall as {@code writer}'s before-commit hook (first group only). */
  static StalledCommit install(GroupCommitWriter writer) {
    StalledCommit stall = new StalledCommit();
    writer.beforeCommit =
        rows -> {
          if (stall.inCommit.getCount() == 0) return;
          stall.inCommit.countDown();
          try {
            stall.release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    return stall;
  }

  /** Whether a group reached its COMMIT within 30 s. */
  boolean awaitInCommit() throws InterruptedException {
    return inCommit.await(30, TimeUnit.SECONDS);
  }

  void release() {
    release.countDown();
  }
}
