package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * POSTs a Slack incoming-webhook message: a {@code text} fallback plus one attachment per alert,
 * coloured by status (red firing page, amber firing otherwise, green resolved), with the SLO,
 * status, severity, rule, burn rates, budget remaining, runbook, owner, respond-by and link as
 * fields. Attachments rather than blocks, because Slack-compatible receivers (Mattermost,
 * Rocket.Chat) render them too.
 */
public final class SlackNotifier extends HttpNotifier {
  static final String COLOR_PAGE = "#E01E5A";
  static final String COLOR_TICKET = "#ECB22E";
  static final String COLOR_RESOLVED = "#2EB67D";

  private SlackNotifier(Builder b) {
    super("slack:" + b.url, b.url, b.httpClient, b.timeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String render(List<AlertNotification> batch) {
    StringBuilder text = new StringBuilder();
    for (AlertNotification n : batch) {
      if (text.length() > 0) text.append('\n');
      text.append(headline(n));
    }
    JsonWriter json = new JsonWriter().beginObject().member("text", escape(text.toString()));
    json.name("attachments").beginArray();
    for (AlertNotification n : batch) attachment(json, n);
    return json.endArray().endObject().toString();
  }

  /** e.g. "[FIRING] P0 place-order-availability: burning error budget 400x (page-fast)". */
  private static String headline(AlertNotification n) {
    return "[" + n.status() + "] " + n.severity() + " " + n.slo() + ": " + n.summary();
  }

  private static void attachment(JsonWriter json, AlertNotification n) {
    boolean resolved = n.status() == AlertNotification.Status.RESOLVED;
    String color =
        resolved ? COLOR_RESOLVED : n.ruleSeverity().equals("page") ? COLOR_PAGE : COLOR_TICKET;
    json.beginObject()
        .member("color", color)
        .member("fallback", escape(headline(n)))
        .member("title", escape(headline(n)));
    if (n.link() != null) json.member("title_link", n.link().toString());
    json.member("text", escape(AlertFields.description(n)));
    json.name("fields").beginArray();
    field(json, "SLO", n.objective() == null ? n.slo() : n.slo() + " / " + n.objective());
    field(json, "Service", n.service());
    field(json, "Status", n.status().toString());
    field(json, "Severity", n.severity() + " (" + n.ruleSeverity() + ")");
    field(json, "Rule", n.rule());
    field(json, "Budget remaining", AlertFields.budget(n.budgetRemaining()));
    if (!n.burnRates().isEmpty()) field(json, "Burn rates", AlertFields.burnRates(n));
    if (n.owner() != null) field(json, "Owner", n.owner());
    if (resolved && n.endsAt() != null) field(json, "Resolved at", n.endsAt().toString());
    else field(json, "Respond by", AlertFields.respondBy(n));
    if (n.runbook() != null) link(json, "Runbook", n.runbook(), "runbook");
    if (n.link() != null) link(json, "Link", n.link(), "open in Sightline");
    for (var e : n.annotations().entrySet()) {
      if (!e.getKey().equals(AlertFields.RESPOND_BY)) field(json, e.getKey(), e.getValue());
    }
    json.endArray();
    json.member("footer", "Sightline").member("ts", n.startsAt().getEpochSecond()).endObject();
  }

  private static void field(JsonWriter json, String title, String value) {
    json.beginObject()
        .member("title", title)
        .member("value", escape(value))
        .member("short", value.length() <= 40)
        .endObject();
  }

  private static void link(JsonWriter json, String title, URI url, String label) {
    json.beginObject()
        .member("title", title)
        .member("value", "<" + escape(url.toString()) + "|" + label + ">")
        .member("short", true)
        .endObject();
  }

  /** Slack's control characters in message text. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Builds a {@link SlackNotifier}; {@link #url} is required. */
  public static final class Builder {
    private @Nullable URI url;
    private @Nullable HttpClient httpClient;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** The incoming-webhook URL. Required. */
    public Builder url(URI url) {
      this.url = checkHttpUrl(url, "url");
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

    public SlackNotifier build() {
      if (url == null) throw new IllegalStateException("url must be set");
      return new SlackNotifier(this);
    }
  }
}
