package dev.sightline.slo.notify;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders alert notifications into one target's payload and sends them over HTTP.
 *
 * <p>Contract: {@link #send} makes exactly one attempt, synchronously, within the notifier's
 * request timeout, and never throws (except {@link Error}s): every failure, including a payload
 * that cannot be rendered, is a {@link DeliveryResult}. Retrying, ordering and threading are the
 * {@link NotificationDispatcher}'s job, which calls {@code send} from its own thread, one batch at
 * a time per notifier. A batch holds at most one notification per fingerprint, in the order they
 * occurred.
 */
public interface Notifier {
  /**
   * The target as configured, e.g. {@code webhook:http://host/hook}; names the target's counters.
   */
  String target();

  /** The request body for {@code batch}, as {@link #send} would post it. */
  String render(List<AlertNotification> batch);

  /** Posts {@code batch} (not empty) once. Never throws. */
  DeliveryResult send(List<AlertNotification> batch);

  /**
   * How often the target needs firing alerts re-sent to keep them active ({@link
   * NotificationDispatcher#refresh}), or null when one notification per transition is enough (the
   * default).
   */
  default @Nullable Duration resendInterval() {
    return null;
  }
}
