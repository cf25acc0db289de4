package dev.sightline.server.api;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The rate limit of the API's {@link ApiRoute.Access#OPEN open} routes (sign-in): a token bucket
 * per client address, {@value #BURST} requests at once and {@value #PER_SECOND} per second after
 * that. Tokens are 128-bit random, so guessing one is hopeless anyway; the limit keeps an open
 * route from being a free way to make the server hash and parse without bound. The table holds at
 * most {@value #MAX_ADDRESSES} addresses, the least recently seen forgotten first (a forgotten
 * address starts again with a full bucket, which is no more than a new address gets).
 */
final class OpenRouteLimiter {
  static final int BURST = 20;
  static final int PER_SECOND = 2;
  static final int MAX_ADDRESSES = 4096;

  private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

  private final LongSupplier nanoTime;
  private final Map<InetAddress, long[]> buckets =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  OpenRouteLimiter(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  static OpenRouteLimiter system() {
    return new OpenRouteLimiter(System::nanoTime);
  }

  /**
   * Takes one request of {@code address}'s bucket: 0 when it may go on, else the seconds until it
   * may try again (≥ 1).
   */
  synchronized long acquire(InetAddress address) {
    long now = nanoTime.getAsLong();
    // the bucket keeps the time at which it is full again: tokens = BURST - (full - now) / period
    long[] full = buckets.computeIfAbsent(address, a -> new long[] {now});
    long fullAt = Math.max(full[0], now);
    long next = fullAt + NANOS_PER_TOKEN;
    if (next - now > BURST * NANOS_PER_TOKEN) {
      long wait = next - now - BURST * NANOS_PER_TOKEN;
      return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
    }
    full[0] = next;
    return 0;
  }

  synchronized int addresses() {
    return buckets.size();
  }
}
