package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * POSTs the Alertmanager webhook payload (version 4), so receivers written for Alertmanager's
 * {@code webhook_config} accept Sightline's alerts unchanged. One batch is one payload (one group);
 * see docs/slo.md, "Notifications", for the labels and annotations.
 */
public final class WebhookNotifier extends HttpNotifier {
  /** Alertmanager's endsAt of an alert that has not ended (Go's zero time). */
  static final String OPEN_ENDS_AT = "0001-01-01T00:00:00Z";

  private final String receiver;
  private final String externalUrl;

  private WebhookNotifier(Builder b) {
    super("webhook:" + b.url, b.url, b.httpClient, b.timeout);
    this.receiver = b.receiver;
    this.externalUrl = b.externalUrl == null ? "" : b.externalUrl.toString();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String render(List<AlertNotification> batch) {
    List<Map<String, String>> labels = new ArrayList<>(batch.size());
    List<Map<String, String>> annotations = new ArrayList<>(batch.size());
    boolean firing = false;
    for (AlertNotification n : batch) {
      labels.add(AlertFields.labels(n));
      annotations.add(AlertFields.annotations(n));
      firing |= n.status() == AlertNotification.Status.FIRING;
    }
    Map<String, String> commonLabels = common(labels);
    Map<String, String> groupLabels = new LinkedHashMap<>();
    groupLabels.put("alertname", AlertFields.ALERT_NAME);
    if (commonLabels.containsKey("slo")) groupLabels.put("slo", commonLabels.get("slo"));

    JsonWriter json = new JsonWriter().beginObject();
    json.member("version", "4")
        .member("groupKey", groupKey(groupLabels))
        .member("truncatedAlerts", 0)
        .member("status", firing ? "firing" : "resolved")
        .member("receiver", receiver)
        .member("groupLabels", groupLabels)
        .member("commonLabels", commonLabels)
        .member("commonAnnotations", common(annotations))
        .member("externalURL", externalUrl);
    json.name("alerts").beginArray();
    for (int i = 0; i < batch.size(); i++) {
      AlertNotification n = batch.get(i);
      boolean resolved = n.status() == AlertNotification.Status.RESOLVED;
      json.beginObject()
          .member("status", resolved ? "resolved" : "firing")
          .member("labels", labels.get(i))
          .member("annotations", annotations.get(i))
          .member("startsAt", AlertFields.time(n.startsAt()))
          .member("endsAt", n.endsAt() == null ? OPEN_ENDS_AT : AlertFields.time(n.endsAt()))
          .member("generatorURL", n.link() == null ? "" : n.link().toString())
          // a tenant's SLO may share its name with another tenant's
          .member(
              "fingerprint",
              n.tenant() == null ? n.fingerprint() : n.tenant() + ":" + n.fingerprint())
          .endObject();
    }
    return json.endArray().endObject().toString();
  }

  /** The entries equal in every map, in the first map's order. */
  private static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> common = new LinkedHashMap<>(maps.isEmpty() ? Map.of() : maps.get(0));
    for (Map<String, String> m : maps) {
      common.entrySet().removeIf(e -> !Objects.equals(m.get(e.getKey()), e.getValue()));
    }
    return common;
  }

  /** As Alertmanager forms it for the root route: {@code {}:{alertname="SLOBurnRate",...}}. */
  private static String groupKey(Map<String, String> groupLabels) {
    StringBuilder s = new StringBuilder("{}:{");
    groupLabels.forEach(
        (k, v) -> {
          if (s.length() > 4) s.append(',');
          s.append(k)
              .append("=\"")
              .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
              .append('"');
        });
    return s.append('}').toString();
  }

  /** Builds a {@link WebhookNotifier}; {@link #url} is required. */
  public static final class Builder {
    private @Nullable URI url;
    private String receiver = "sightline";
    private @Nullable URI externalUrl;
    private @Nullable HttpClient httpClient;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** The http(s) URL to POST to. Required. */
    public Builder url(URI url) {
      this.url = checkHttpUrl(url, "url");
      return this;
    }

    /** The payload's {@code receiver}; {@code sightline} unless set. */
    public Builder receiver(String receiver) {
      requireNonNull(receiver, "receiver");
      if (receiver.isBlank()) throw new IllegalArgumentException("receiver must not be blank");
      this.receiver = receiver;
      return this;
    }

    /** The payload's {@code externalURL}: Sightline's own URL; empty unless set. */
    public Builder externalUrl(URI externalUrl) {
      this.externalUrl = requireNonNull(externalUrl, "externalUrl");
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

    public WebhookNotifier build() {
      if (url == null) throw new IllegalStateException("url must be set");
      return new WebhookNotifier(this);
    }
  }
}
