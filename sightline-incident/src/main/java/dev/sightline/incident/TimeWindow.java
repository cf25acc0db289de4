package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/** A range of event time [start, end). */
public record TimeWindow(Instant start, Instant end) {
  public TimeWindow {
    requireNonNull(start, "start");
    requireNonNull(end, "end");
    if (end.isBefore(start)) throw new IllegalArgumentException("end before start");
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  public long startUnixNano() {
    return start.getEpochSecond() * 1_000_000_000L + start.getNano();
  }

  public long endUnixNano() {
    return end.getEpochSecond() * 1_000_000_000L + end.getNano();
  }
}
