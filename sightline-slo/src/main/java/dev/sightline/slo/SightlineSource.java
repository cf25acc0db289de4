package dev.sightline.slo;

/** The {@code spec} of a {@code metricSource} of {@code type: sightline}. */
public sealed interface SightlineSource permits SpanSource, MetricSource {}
