package dev.sightline.slo.alerting;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.Slo;
import org.jspecify.annotations.Nullable;

/**
 * A change of one alert found by an evaluation, with the SLO it belongs to.
 *
 * @param slo the SLO as evaluated; null only when a restored alert resolves because its SLO was
 *     removed before the engine saw it
 */
public record AlertTransition(Kind kind, Alert alert, @Nullable Slo slo) {
  public AlertTransition {
    requireNonNull(kind, "kind");
    requireNonNull(alert, "alert");
  }

  /** What changed. */
  public enum Kind {
    /** Inactive → firing: a new alert. */
    FIRED,
    /** Still firing, and a more severe rule fires now (for example the ticket became a page). */
    ESCALATED,
    /** Firing → resolved. */
    RESOLVED
  }
}
