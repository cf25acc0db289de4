package dev.sightline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpenRouteLimiterTest {
  final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  final OpenRouteLimiter limiter = new OpenRouteLimiter(now::get);

  static InetAddress address(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void aBurstThenTheSteadyRate() throws Exception {
    InetAddress a = address(1);
    for (int i = 0; i < OpenRouteLimiter.BURST; i++) assertThat(limiter.acquire(a)).isZero();
    assertThat(limiter.acquire(a)).isEqualTo(1);
    now.addAndGet(1_000_000_000L / OpenRouteLimiter.PER_SECOND);
    assertThat(limiter.acquire(a)).isZero();
    assertThat(limiter.acquire(a)).isEqualTo(1);
    // a minute later the bucket is full again, and not fuller than the burst
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < OpenRouteLimiter.BURST; i++) assertThat(limiter.acquire(a)).isZero();
    assertThat(limiter.acquire(a)).isPositive();
  }

  @Test
  void addressesHaveTheirOwnBucketsAndTheTableIsBounded() throws Exception {
    for (int i = 0; i < OpenRouteLimiter.BURST; i++) limiter.acquire(address(1));
    assertThat(limiter.acquire(address(1))).isPositive();
    assertThat(limiter.acquire(address(2))).isZero();
    for (int i = 0; i < OpenRouteLimiter.MAX_ADDRESSES * 2; i++) limiter.acquire(address(100 + i));
    assertThat(limiter.addresses()).isEqualTo(OpenRouteLimiter.MAX_ADDRESSES);
  }
}
