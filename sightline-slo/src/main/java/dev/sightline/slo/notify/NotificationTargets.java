package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.AlertNotificationTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses notification targets written {@code webhook:URL}, {@code alertmanager:URL} (base URL, e.g.
 * {@code http://localhost:9093}) or {@code slack:URL}; a plain {@code http(s)://} URL means {@code
 * webhook:}. URLs must be absolute http(s) URLs with a host.
 */
public final class NotificationTargets {
  private NotificationTargets() {}

  private static final String SYNTAX =
      "expected webhook:URL, alertmanager:URL, slack:URL or an http(s) URL";

  /**
   * The targets in {@code spec}, a list separated by commas and/or whitespace (server flags and
   * environment variables); a blank {@code spec} is no targets.
   *
   * @throws IllegalArgumentException naming the bad entry and why
   */
  public static List<NotificationTarget> parse(String spec) {
    requireNonNull(spec, "spec");
    List<NotificationTarget> targets = new ArrayList<>();
    if (spec.isBlank()) return targets;
    String[] entries = spec.strip().split("\\s*,\\s*|\\s+");
    for (String entry : entries) {
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(
            "notification targets \"" + spec + "\": empty entry between commas");
      }
      targets.add(parseOne(entry, "notification target"));
    }
    return List.copyOf(targets);
  }

  /**
   * The target of an OpenSLO {@code AlertNotificationTarget}: its {@code spec.target} in the syntax
   * of {@link #parse}, one target.
   *
   * @throws IllegalArgumentException naming the AlertNotificationTarget and why
   */
  public static NotificationTarget of(AlertNotificationTarget target) {
    requireNonNull(target, "target");
    String name = "AlertNotificationTarget " + target.metadata().name() + ": spec.target";
    String spec = target.target().strip();
    if (spec.isEmpty()) throw new IllegalArgumentException(name + " is empty; " + SYNTAX);
    return parseOne(spec, name);
  }

  private static NotificationTarget parseOne(String entry, String what) {
    int colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(what + " \"" + entry + "\": no kind; " + SYNTAX);
    }
    String prefix = entry.substring(0, colon).toLowerCase(Locale.ROOT);
    NotificationTarget.Kind kind;
    String url;
    switch (prefix) {
      case "http", "https" -> {
        kind = NotificationTarget.Kind.WEBHOOK;
        url = entry;
      }
      case "webhook" -> {
        kind = NotificationTarget.Kind.WEBHOOK;
        url = entry.substring(colon + 1);
      }
      case "alertmanager" -> {
        kind = NotificationTarget.Kind.ALERTMANAGER;
        url = entry.substring(colon + 1);
      }
      case "slack" -> {
        kind = NotificationTarget.Kind.SLACK;
        url = entry.substring(colon + 1);
      }
      default ->
          throw new IllegalArgumentException(
              what + " \"" + entry + "\": unknown kind \"" + prefix + "\"; " + SYNTAX);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          what + " \"" + entry + "\": invalid URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          what
              + " \""
              + entry
              + "\": URL must be absolute http(s) with a host, got \""
              + url
              + "\"");
    }
    return new NotificationTarget(kind, uri);
  }
}
