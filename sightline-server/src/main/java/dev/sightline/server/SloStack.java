package dev.sightline.server;

import dev.sightline.incident.IncidentManager;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.notify.AlertDelivery;

/**
 * One tenant's SLOs, alerts, incidents and notifications: its spec registry and evaluation (an
 * {@link SloMonitor} whose calculator reads only this tenant's telemetry), its alert state file,
 * its incident engine and store, and its alert delivery. Nothing in it refers to another tenant's
 * objects; {@link TenantSloStacks} holds one per tenant.
 *
 * @param tenant the tenant's name ({@code dev.sightline.core.model.Tenants}, already validated)
 */
record SloStack(
    String tenant, SloMonitor monitor, IncidentManager incidents, AlertDelivery delivery) {

  /** Stops the incident engine and delivers what is queued; the monitor is ticked by others. */
  void close() {
    monitor.close();
    // investigations under way finish (or are done again at the next start) before the
    // notifications waiting for them go out
    incidents.close();
    delivery.close();
  }
}
