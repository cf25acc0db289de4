package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Whether the fix held: after a change (a new {@code service.version} of an implicated service) or
 * the resolution, the SLI over the verification period compared with the objective and the
 * baseline.
 *
 * @param trigger what started the check ("order 1.5.1 deployed", "resolved"); null while waiting
 * @param from start of the period checked; null while waiting for a trigger
 * @param sliAfter good / total over the period; null until checked
 */
public record Verification(
    Status status,
    @Nullable String trigger,
    @Nullable Instant from,
    @Nullable Instant checkedAt,
    @Nullable Double sliAfter,
    @Nullable Double sliBaseline,
    double objective,
    long eventsAfter,
    String detail) {
  public Verification {
    requireNonNull(status, "status");
    requireNonNull(detail, "detail");
  }

  /** The outcome so far. */
  public enum Status {
    PENDING,
    VERIFIED,
    REGRESSED
  }

  static Verification pending(double objective, String detail) {
    return new Verification(Status.PENDING, null, null, null, null, null, objective, 0, detail);
  }
}
