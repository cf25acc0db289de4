package dev.sightline.slo;

import org.jspecify.annotations.Nullable;

/** OpenSLO {@code kind: SLI}, standalone or inline in an SLO; only {@code ratioMetric} SLIs. */
public record Sli(ObjectMeta metadata, @Nullable String description, RatioMetric ratioMetric) {}
