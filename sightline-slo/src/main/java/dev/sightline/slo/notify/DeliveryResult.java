package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one delivery attempt of a {@link Notifier}.
 *
 * @param statusCode the HTTP status, 0 when no response arrived
 * @param retryAfter the server's {@code Retry-After} (seconds form) on 429 or 503, if given
 * @param detail a short human-readable explanation: the status line and start of the body, or the
 *     exception
 */
public record DeliveryResult(
    Outcome outcome, int statusCode, @Nullable Duration retryAfter, String detail) {
  /** What the dispatcher does next. */
  public enum Outcome {
    /** Accepted by the target (2xx). */
    DELIVERED,
    /** Worth retrying: no response (connection error, timeout), 5xx, 408 or 429. */
    RETRY,
    /** Never retried: any other status (4xx, 3xx), or the batch cannot be rendered. */
    REJECTED
  }

  public DeliveryResult {
    requireNonNull(outcome, "outcome");
    requireNonNull(detail, "detail");
  }

  /** Classifies an HTTP response status. */
  public static DeliveryResult ofStatus(
      int statusCode, @Nullable Duration retryAfter, String body) {
    String detail = "HTTP " + statusCode + (body.isBlank() ? "" : ": " + abbreviate(body.strip()));
    Outcome outcome;
    if (statusCode >= 200 && statusCode < 300) outcome = Outcome.DELIVERED;
    else if (statusCode >= 500 || statusCode == 408 || statusCode == 429) outcome = Outcome.RETRY;
    else outcome = Outcome.REJECTED;
    return new DeliveryResult(outcome, statusCode, retryAfter, detail);
  }

  /** No response: retried. */
  public static DeliveryResult ofError(Throwable error) {
    String message = error.getMessage();
    return new DeliveryResult(
        Outcome.RETRY,
        0,
        null,
        error.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }

  public boolean delivered() {
    return outcome == Outcome.DELIVERED;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
