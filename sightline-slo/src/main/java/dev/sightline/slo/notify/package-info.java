/**
 * Alert notifications: {@link AlertNotification} (one alert as notifiers see it), the {@link
 * Notifier} SPI with {@link WebhookNotifier} (Alertmanager webhook payload), {@link
 * AlertmanagerNotifier} (Alertmanager API v2) and {@link SlackNotifier}, target configuration
 * ({@link NotificationTargets}) and {@link NotificationDispatcher}, which delivers off the caller's
 * thread with retries.
 */
@NullMarked
package dev.sightline.slo.notify;

import org.jspecify.annotations.NullMarked;
