package dev.sightline.slo;

import org.jspecify.annotations.Nullable;

/** OpenSLO {@code kind: AlertNotificationTarget}: where alerts go ({@code spec.target}). */
public record AlertNotificationTarget(
    ObjectMeta metadata, String target, @Nullable String description) {}
