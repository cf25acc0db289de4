package dev.sightline.slo;

import org.jspecify.annotations.Nullable;

/**
 * An OpenSLO {@code ratioMetric}: exactly one of {@code good} and {@code bad}, always {@code
 * total}. The SLI is {@code good / total}, or {@code 1 - bad / total}.
 */
public record RatioMetric(
    boolean counter,
    @Nullable SightlineSource good,
    @Nullable SightlineSource bad,
    SightlineSource total) {
  public RatioMetric {
    if ((good == null) == (bad == null)) {
      throw new IllegalArgumentException("exactly one of good and bad");
    }
  }
}
