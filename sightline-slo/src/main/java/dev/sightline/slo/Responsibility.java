package dev.sightline.slo;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Who answers for an SLO and how fast, read from the annotations (or labels) {@code
 * sightline.dev/runbook}, {@code sightline.dev/owner}, {@code sightline.dev/severity} (default
 * {@link Severity#P1}) and {@code sightline.dev/respond-within} (default {@link
 * Severity#defaultRespondWithin()}).
 */
public record Responsibility(
    @Nullable URI runbook, @Nullable String owner, Severity severity, Duration respondWithin) {
  public static final String RUNBOOK = "sightline.dev/runbook";
  public static final String OWNER = "sightline.dev/owner";
  public static final String SEVERITY = "sightline.dev/severity";
  public static final String RESPOND_WITHIN = "sightline.dev/respond-within";
  public static final Severity DEFAULT_SEVERITY = Severity.P1;
}
