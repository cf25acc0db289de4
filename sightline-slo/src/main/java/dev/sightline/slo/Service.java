package dev.sightline.slo;

import org.jspecify.annotations.Nullable;

/** OpenSLO {@code kind: Service}. */
public record Service(ObjectMeta metadata, @Nullable String description) {}
