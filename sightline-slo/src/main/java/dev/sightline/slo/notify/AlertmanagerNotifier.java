package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * POSTs alerts to Alertmanager's API v2 ({@code POST /api/v2/alerts}, postable alerts: labels,
 * annotations, startsAt, endsAt, generatorURL), which then groups, silences, inhibits and routes
 * them.
 *
 * <p>Alertmanager resolves an alert that is not re-sent before its endsAt, so a firing alert gets
 * endsAt = now + 4 × {@link #resendInterval()} and must be re-posted every resend interval while it
 * fires: {@link NotificationDispatcher#refresh} does that. A resolved alert gets its resolve time
 * as endsAt. The alert's identity in Alertmanager is its label set (see docs/slo.md).
 */
public final class AlertmanagerNotifier extends HttpNotifier {
  /** The default {@link Builder#resendInterval}. */
  public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);

  private final Duration resendInterval;
  private final Clock clock;

  private AlertmanagerNotifier(Builder b, URI baseUrl) {
    super("alertmanager:" + baseUrl, alertsUrl(baseUrl), b.httpClient, b.timeout);
    this.resendInterval = b.resendInterval;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  private static URI alertsUrl(URI baseUrl) {
    String base = baseUrl.toString();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return URI.create(base + "/api/v2/alerts");
  }

  @Override
  public Duration resendInterval() {
    return resendInterval;
  }

  @Override
  public String render(List<AlertNotification> batch) {
    Instant now = clock.instant();
    Instant openEndsAt = now.plus(resendInterval.multipliedBy(4));
    JsonWriter json = new JsonWriter().beginArray();
    for (AlertNotification n : batch) {
      Instant endsAt =
          n.status() == AlertNotification.Status.FIRING
              ? openEndsAt
              : n.endsAt() != null ? n.endsAt() : now;
      json.beginObject()
          .member("labels", AlertFields.labels(n))
          .member("annotations", AlertFields.annotations(n))
          .member("startsAt", AlertFields.time(n.startsAt()))
          .member("endsAt", AlertFields.time(endsAt));
      if (n.link() != null) json.member("generatorURL", n.link().toString());
      json.endObject();
    }
    return json.endArray().toString();
  }

  /** Builds an {@link AlertmanagerNotifier}; {@link #baseUrl} is required. */
  public static final class Builder {
    private @Nullable URI baseUrl;
    private Duration resendInterval = DEFAULT_RESEND_INTERVAL;
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient httpClient;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** Alertmanager's base URL, e.g. {@code http://localhost:9093}. Required. */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = checkHttpUrl(baseUrl, "baseUrl");
      return this;
    }

    /** How often firing alerts are re-posted; 1 minute unless set. */
    public Builder resendInterval(Duration resendInterval) {
      requireNonNull(resendInterval, "resendInterval");
      if (resendInterval.isNegative() || resendInterval.isZero()) {
        throw new IllegalArgumentException(
            "resendInterval must be positive, got " + resendInterval);
      }
      this.resendInterval = resendInterval;
      return this;
    }

    /** The clock of endsAt for firing alerts; the system clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The client to send with; a shared default client unless set. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Timeout of each request, until the response headers; 10 s unless set. */
    public Builder timeout(Duration timeout) {
      this.timeout = checkTimeout(timeout);
      return this;
    }

    public AlertmanagerNotifier build() {
      if (baseUrl == null) throw new IllegalStateException("baseUrl must be set");
      return new AlertmanagerNotifier(this, baseUrl);
    }
  }
}
