package dev.sightline.server;

import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentManager;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.notify.AlertDelivery;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Puts the incident card into alert notifications: a link to the incident, its id, summary, root
 * cause and response deadline (runbook and owner are already in every notification), and whether
 * its investigation is still under way ({@code investigation: running}). The first notification of
 * an alert waits for the investigation ({@link #ready}), up to the delivery's wait.
 */
final class IncidentCard implements AlertDelivery.Enricher {
  private final IncidentManager incidents;
  private final @Nullable URI externalUrl;

  IncidentCard(IncidentManager incidents, @Nullable URI externalUrl) {
    this.incidents = incidents;
    this.externalUrl = externalUrl;
  }

  @Override
  public Map<String, String> annotations(Alert alert) {
    Optional<Incident> incident = incidents.forAlert(alert.id());
    if (incident.isEmpty()) return Map.of();
    Incident i = incident.get();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("incident_id", i.id());
    URI link = link(alert);
    if (link != null) out.put("incident_url", link.toString());
    out.put("incident_status", i.status().name().toLowerCase(java.util.Locale.ROOT));
    out.put("investigation", i.investigation());
    Hypothesis root = i.rootCause();
    if (root != null) {
      out.put("root_cause", root.detail());
      out.put("root_cause_service", root.service());
      out.put("root_cause_operation", root.operation());
      out.put("root_cause_confidence", Double.toString(root.confidence()));
    }
    out.put("respond_by", i.respondBy().toString());
    out.put(
        "impact",
        i.impact().badRequests() + " of " + i.impact().requests() + " requests failed the SLO");
    return out;
  }

  /** Ready once the alert's incident has been investigated (at once when it has none). */
  @Override
  public CompletionStage<?> ready(Alert alert) {
    return incidents.investigated(alert.id());
  }

  @Override
  public @Nullable URI link(Alert alert) {
    if (externalUrl == null) return null;
    return incidents
        .forAlert(alert.id())
        .map(i -> URI.create(externalUrl + "/api/v1/incidents/" + i.id()))
        .orElse(null);
  }
}
