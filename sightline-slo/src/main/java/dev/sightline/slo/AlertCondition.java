package dev.sightline.slo;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * OpenSLO {@code kind: AlertCondition} of {@code condition.kind: burnrate}: alert when the burn
 * rate over {@code lookbackWindow} compares to {@code threshold} by {@code op} for {@code
 * alertAfter}.
 */
public record AlertCondition(
    ObjectMeta metadata,
    @Nullable String description,
    String severity,
    Op op,
    double threshold,
    Duration lookbackWindow,
    Duration alertAfter) {
  /** Comparison operator of a burn-rate condition. */
  public enum Op {
    LT,
    LTE,
    GT,
    GTE
  }
}
