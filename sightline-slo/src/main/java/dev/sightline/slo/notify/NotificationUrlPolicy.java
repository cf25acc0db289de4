package dev.sightline.slo.notify;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Which notification URLs an SLO spec sent through the API may name. The server posts incident data
 * to the URL of every notification target of a firing SLO, so a URL chosen by any API caller would
 * let the caller make the server call anything it can reach (SSRF: cloud metadata endpoints,
 * internal admin APIs). URLs therefore come from the operator: the server's own {@code --notify}
 * targets, and {@code AlertNotificationTarget} documents in the SLO folder ({@code --slo-dir}),
 * which API specs refer to by name ({@code targetRef}). An inline URL in a spec sent through the
 * API is accepted only when its host is on the operator's allow-list ({@code
 * --notify-allowed-hosts}: exact host names, or {@code *.example.com} for any subdomain).
 */
public final class NotificationUrlPolicy {
  /** Allows no inline URL in API specs. */
  public static final NotificationUrlPolicy NONE = new NotificationUrlPolicy(Set.of());

  private final Set<String> hosts;

  private NotificationUrlPolicy(Set<String> hosts) {
    this.hosts = hosts;
  }

  /** A policy allowing these hosts ({@code name} or {@code *.domain}, case-insensitive). */
  public static NotificationUrlPolicy allowing(Collection<String> hosts) {
    Set<String> normalized = new TreeSet<>();
    for (String h : requireNonNull(hosts, "hosts")) {
      String s = h.strip().toLowerCase(Locale.ROOT);
      if (s.isEmpty()) continue;
      if (s.contains("/") || s.contains(":") || s.contains("@")) {
        throw new IllegalArgumentException(
            "allowed notification host \"" + h + "\": a host name (or *.domain), not a URL");
      }
      normalized.add(s);
    }
    return new NotificationUrlPolicy(Set.copyOf(normalized));
  }

  /** Whether an inline URL with this host is allowed. */
  public boolean allows(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (hosts.contains(h)) return true;
    for (String allowed : hosts) {
      if (allowed.startsWith("*.") && h.endsWith(allowed.substring(1))) return true;
    }
    return false;
  }

  /**
   * One message per notification target written inline in {@code yaml} (every {@code kind:
   * AlertNotificationTarget} document or inline item) whose URL this policy does not allow; empty
   * when all are allowed. Text that is not YAML yields no messages (the spec's own validation
   * reports it).
   */
  public List<String> problems(String yaml) {
    List<String> out = new ArrayList<>();
    Iterable<Object> docs;
    try {
      docs = new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml);
      for (Object doc : docs) walk(doc, out);
    } catch (RuntimeException e) {
      return out;
    }
    return out;
  }

  private void walk(Object node, List<String> out) {
    if (node instanceof Map<?, ?> m) {
      if ("AlertNotificationTarget".equals(m.get("kind"))
          && m.get("spec") instanceof Map<?, ?> spec
          && spec.get("target") instanceof String target) {
        check(target, out);
      }
      for (Object v : m.values()) walk(v, out);
    } else if (node instanceof List<?> l) {
      for (Object v : l) walk(v, out);
    }
  }

  private void check(String target, List<String> out) {
    List<NotificationTarget> parsed;
    try {
      parsed = NotificationTargets.parse(target);
    } catch (IllegalArgumentException e) {
      return; // the spec's own validation names the bad target
    }
    for (NotificationTarget t : parsed) {
      String host = t.url().getHost();
      if (host == null || !allows(host)) {
        out.add(
            "notification URL host '"
                + host
                + "' is not allowed in SLOs sent through the API: refer to an"
                + " AlertNotificationTarget of the SLO folder by name (targetRef), or ask the"
                + " operator to allow the host (--notify-allowed-hosts)");
      }
    }
  }
}
