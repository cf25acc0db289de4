package dev.sightline.slo;

import org.jspecify.annotations.Nullable;

/** One SLO objective: the fraction of good events to reach, in (0, 1). */
public record Objective(@Nullable String displayName, double target) {}
