package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A notifier that POSTs a JSON body to one URL: the attempt, timeout and classification. */
abstract class HttpNotifier implements Notifier {
  /** The default request timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static @Nullable HttpClient sharedClient;

  private final String target;
  private final URI url;
  private final HttpClient client;
  private final Duration timeout;

  HttpNotifier(String target, URI url, @Nullable HttpClient client, Duration timeout) {
    this.target = target;
    this.url = url;
    this.client = client != null ? client : sharedClient();
    this.timeout = timeout;
  }

  /** One client for notifiers built without one: its selector thread is shared. */
  static synchronized HttpClient sharedClient() {
    if (sharedClient == null) {
      sharedClient =
          HttpClient.newBuilder()
              .connectTimeout(DEFAULT_TIMEOUT)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return sharedClient;
  }

  static URI checkHttpUrl(URI url, String name) {
    requireNonNull(url, name);
    String scheme = url.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL, got " + url);
    }
    return url;
  }

  static Duration checkTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    return timeout;
  }

  @Override
  public final String target() {
    return target;
  }

  /** The URL posted to. */
  public final URI url() {
    return url;
  }

  @Override
  public final DeliveryResult send(List<AlertNotification> batch) {
    String body;
    try {
      body = render(batch);
    } catch (RuntimeException e) {
      return new DeliveryResult(DeliveryResult.Outcome.REJECTED, 0, null, "cannot render: " + e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "sightline-notify")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return DeliveryResult.ofStatus(
          response.statusCode(),
          retryAfter(response.headers().firstValue("Retry-After").orElse(null)),
          response.body() == null ? "" : response.body());
    } catch (IOException | RuntimeException e) {
      return DeliveryResult.ofError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeliveryResult.ofError(e);
    }
  }

  private static @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null) return null;
    try {
      long seconds = Long.parseLong(header.strip());
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException e) {
      return null; // the HTTP-date form is rare for webhooks; the backoff applies
    }
  }

  @Override
  public String toString() {
    return target;
  }
}
