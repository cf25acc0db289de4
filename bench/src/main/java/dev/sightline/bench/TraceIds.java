package dev.sightline.bench;

import java.util.Locale;

/**
 * Trace ids from sequence numbers: random-looking, and unique within a run by construction (the low
 * half is a bijective mix of the sequence number), so each acknowledged trace can be looked up
 * later from its sequence number alone. The salt makes ids of different runs differ.
 */
final class TraceIds {
  private final long salt;

  TraceIds(long salt) {
    this.salt = salt;
  }

  long high(long sequence) {
    return mix(sequence * 0x9E3779B97F4A7C15L ^ ~salt);
  }

  long low(long sequence) {
    return mix(sequence + salt); // mix is a bijection: distinct sequences → distinct low halves
  }

  String hex(long sequence) {
    return String.format(Locale.ROOT, "%016x%016x", high(sequence), low(sequence));
  }

  /** The SplitMix64 finalizer: a bijection on 64-bit values. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
