package dev.sightline.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Typed access to a request's query parameters. Every parse failure throws {@link
 * InvalidParameterException} naming the parameter. Empty values count as absent.
 */
public final class QueryParameters {
  private final Map<String, String> values;

  private QueryParameters(Map<String, String> values) {
    this.values = values;
  }

  /** Uses the first value of each parameter. */
  public static QueryParameters of(Map<String, String> values) {
    return new QueryParameters(new LinkedHashMap<>(values));
  }

  public Set<String> names() {
    return values.keySet();
  }

  public @Nullable String string(String name) {
    String v = values.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  public @Nullable Long longValue(String name, long min, long max) {
    String v = string(name);
    if (v == null) return null;
    long parsed;
    try {
      parsed = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name, "not an integer: '" + v + "'");
    }
    if (parsed < min || parsed > max) {
      throw new InvalidParameterException(name, "must be between " + min + " and " + max);
    }
    return parsed;
  }

  public int intValue(String name, int defaultValue, int min, int max) {
    Long v = longValue(name, min, max);
    return v == null ? defaultValue : v.intValue();
  }

  /** A non-negative duration in milliseconds (decimals allowed), returned in nanoseconds. */
  public @Nullable Long durationMsAsNanos(String name) {
    String v = string(name);
    if (v == null) return null;
    double ms;
    try {
      ms = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name, "not a number of milliseconds: '" + v + "'");
    }
    if (!(ms >= 0) || ms > 1e12) {
      throw new InvalidParameterException(name, "must be a non-negative number of milliseconds");
    }
    return Math.round(ms * 1_000_000d);
  }

  /** The earliest time a parameter may name: the Unix epoch (telemetry has no earlier times). */
  public static final Instant MIN_TIME = Instant.EPOCH;

  /**
   * The latest time a parameter may name, 2200-01-01T00:00:00Z: far from the end of the nanosecond
   * range (2262), so that a range, its length, and bounds rounded up to a step of a day or more
   * never overflow.
   */
  public static final Instant MAX_TIME = Instant.parse("2200-01-01T00:00:00Z");

  /**
   * A point in time given as RFC 3339 ({@code 2026-11-21T08:00:00Z}, offsets allowed) or as epoch
   * milliseconds; returned as Unix nanoseconds, between {@link #MIN_TIME} and {@link #MAX_TIME}
   * (else an {@link InvalidParameterException} naming the parameter). Every range of the API is
   * built from these, so its length is a non-negative long and point counts cannot overflow.
   */
  public @Nullable Long timeAsUnixNanos(String name) {
    Long t = parseTime(name);
    if (t != null && (t < nanos(MIN_TIME) || t > nanos(MAX_TIME))) {
      throw new InvalidParameterException(
          name, "must be between " + MIN_TIME + " and " + MAX_TIME + ": '" + string(name) + "'");
    }
    return t;
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private @Nullable Long parseTime(String name) {
    String v = string(name);
    if (v == null) return null;
    String s = v.trim();
    if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long millis;
      try {
        millis = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new InvalidParameterException(name, "epoch milliseconds out of range: '" + v + "'");
      }
      if (millis > 9_000_000_000_000L) {
        throw new InvalidParameterException(
            name, "epoch milliseconds out of range (seconds or nanoseconds given?): '" + v + "'");
      }
      return millis * 1_000_000L;
    }
    try {
      Instant instant = OffsetDateTime.parse(s).toInstant();
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      throw new InvalidParameterException(
          name, "out of range (years 1678 to 2262 are representable): '" + v + "'");
    } catch (DateTimeParseException e) {
      throw new InvalidParameterException(
          name, "expected RFC 3339 (e.g. 2026-11-21T08:00:00Z) or epoch milliseconds: '" + v + "'");
    }
  }
}
