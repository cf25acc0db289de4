package dev.sightline.otlp.receiver;

import com.google.protobuf.Message;
import java.time.Duration;

/** How an export request ended; each transport maps it onto its own status codes. */
sealed interface IngestOutcome {

  /** Stored (possibly partially: {@code response} carries partial_success). */
  record Accepted(Message response) implements IngestOutcome {}

  /** The body could not be decoded: HTTP 400 / gRPC INVALID_ARGUMENT. Not retryable. */
  record Invalid(String message) implements IngestOutcome {}

  /** The (decompressed) body exceeds the limit: HTTP 413 / gRPC RESOURCE_EXHAUSTED. */
  record TooLarge(String message) implements IngestOutcome {}

  /** Nothing stored, try again later: HTTP 503 / gRPC UNAVAILABLE, with a retry hint. */
  record Unavailable(String message, Duration retryAfter) implements IngestOutcome {}

  /** Too much in flight: HTTP 429 / gRPC RESOURCE_EXHAUSTED, with a retry hint. */
  record Throttled(String message, Duration retryAfter) implements IngestOutcome {}
}
