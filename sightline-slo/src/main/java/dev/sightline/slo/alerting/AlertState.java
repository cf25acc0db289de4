package dev.sightline.slo.alerting;

/** The state of an {@link Alert}; an SLO objective without an alert is inactive. */
public enum AlertState {
  FIRING,
  RESOLVED
}
