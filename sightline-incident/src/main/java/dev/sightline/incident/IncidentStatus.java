package dev.sightline.incident;

/** Where an incident is in its lifecycle: open → acknowledged → mitigated → resolved. */
public enum IncidentStatus {
  OPEN,
  ACKNOWLEDGED,
  MITIGATED,
  RESOLVED
}
