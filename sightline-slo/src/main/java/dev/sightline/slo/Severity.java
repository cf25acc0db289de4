package dev.sightline.slo;

import java.time.Duration;

/** Severity of an SLO ({@code sightline.dev/severity}), with its default response deadline. */
public enum Severity {
  P0(Duration.ofMinutes(15)),
  P1(Duration.ofHours(1)),
  P2(Duration.ofHours(4)),
  P3(Duration.ofHours(24));

  private final Duration defaultRespondWithin;

  Severity(Duration defaultRespondWithin) {
    this.defaultRespondWithin = defaultRespondWithin;
  }

  /** The response deadline when {@code sightline.dev/respond-within} is not given. */
  public Duration defaultRespondWithin() {
    return defaultRespondWithin;
  }
}
