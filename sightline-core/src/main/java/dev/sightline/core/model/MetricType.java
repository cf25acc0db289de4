package dev.sightline.core.model;

/** The OTLP metric data kinds. */
public enum MetricType {
  GAUGE,
  SUM,
  HISTOGRAM,
  EXPONENTIAL_HISTOGRAM,
  SUMMARY
}
