package dev.sightline.slo;

import java.time.Duration;

/** A rolling time window (calendar-aligned windows are not supported). */
public record TimeWindow(Duration duration) {}
