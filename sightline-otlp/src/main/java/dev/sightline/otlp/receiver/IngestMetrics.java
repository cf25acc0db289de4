package dev.sightline.otlp.receiver;

import dev.sightline.core.selftelemetry.SelfTelemetry;

/** The receiver's self-telemetry series, declared once per registry. */
final class IngestMetrics {
  final SelfTelemetry.Counter received;
  final SelfTelemetry.Counter stored;
  final SelfTelemetry.Counter rejected;
  final SelfTelemetry.Counter requests;
  final SelfTelemetry.Histogram requestDuration;
  final SelfTelemetry.Histogram writeDuration;

  IngestMetrics(SelfTelemetry registry) {
    received =
        registry.counter(
            "sightline_receiver_items_received_total",
            "Items (spans, log records, metric data points) decoded from OTLP requests.",
            "signal",
            "transport");
    stored =
        registry.counter(
            "sightline_receiver_items_stored_total",
            "Items durably stored and acknowledged to the client.",
            "signal",
            "transport");
    rejected =
        registry.counter(
            "sightline_receiver_items_rejected_total",
            "Items not stored, by reason: invalid (partial success), overloaded (retryable),"
                + " storage_error (retryable), undecodable (whole request refused).",
            "signal",
            "transport",
            "reason");
    requests =
        registry.counter(
            "sightline_receiver_requests_total",
            "OTLP export requests by response status (HTTP status or gRPC code).",
            "signal",
            "transport",
            "status");
    requestDuration =
        registry.histogram(
            "sightline_receiver_request_duration_seconds",
            "Time from receiving an OTLP request to answering it.",
            SelfTelemetry.LATENCY_BUCKETS,
            "signal",
            "transport");
    writeDuration =
        registry.histogram(
            "sightline_storage_write_duration_seconds",
            "Time from handing a batch to storage until it is durable.",
            SelfTelemetry.LATENCY_BUCKETS,
            "signal");
  }
}
