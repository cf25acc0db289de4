package dev.sightline.slo.notify;

/**
 * Counters of one target of a {@link NotificationDispatcher}, since it was built; counts are of
 * notifications except {@code failedAttempts}.
 *
 * @param target the target, e.g. {@code webhook:http://host/hook}
 * @param sent notifications the target accepted
 * @param failedAttempts requests that failed (each retry counts)
 * @param givenUp notifications abandoned: rejected (4xx other than 408/429), older than the maximum
 *     age, or still failing when {@link NotificationDispatcher#close} ran out of time
 * @param dropped notifications never attempted: dropped as the oldest of a full queue, submitted
 *     after close, or still queued when close ran out of time
 * @param queued notifications waiting now (not counting a batch in flight)
 */
public record DeliveryStats(
    String target, long sent, long failedAttempts, long givenUp, long dropped, int queued) {}
