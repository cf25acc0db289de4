package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One event of an incident's timeline. */
public record TimelineEntry(Instant at, String kind, String text) {
  public TimelineEntry {
    requireNonNull(at, "at");
    requireNonNull(kind, "kind");
    requireNonNull(text, "text");
  }
}
