package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;

/**
 * Where notifications go: a kind of payload and a URL, written {@code kind:URL} (see {@link
 * NotificationTargets#parse}).
 *
 * @param url the URL to post to; for {@link Kind#ALERTMANAGER} Alertmanager's base URL
 */
public record NotificationTarget(Kind kind, URI url) {
  /** The payload sent. */
  public enum Kind {
    /** {@link WebhookNotifier}: the Alertmanager webhook payload. */
    WEBHOOK,
    /** {@link AlertmanagerNotifier}: Alertmanager's API v2. */
    ALERTMANAGER,
    /** {@link SlackNotifier}: a Slack incoming-webhook message. */
    SLACK;

    /** The prefix in {@code kind:URL}. */
    public String prefix() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public NotificationTarget {
    requireNonNull(kind, "kind");
    HttpNotifier.checkHttpUrl(url, "url");
  }

  /** The notifier for this target, with default settings besides the client and timeout. */
  public Notifier notifier(HttpClient client, Duration timeout) {
    return switch (kind) {
      case WEBHOOK ->
          WebhookNotifier.builder().url(url).httpClient(client).timeout(timeout).build();
      case ALERTMANAGER ->
          AlertmanagerNotifier.builder().baseUrl(url).httpClient(client).timeout(timeout).build();
      case SLACK -> SlackNotifier.builder().url(url).httpClient(client).timeout(timeout).build();
    };
  }

  /** {@code kind:URL}, as parsed. */
  @Override
  public String toString() {
    return kind.prefix() + ":" + url;
  }
}
