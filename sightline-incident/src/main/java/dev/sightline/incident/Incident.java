package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.evidence.Evidence;
import dev.sightline.slo.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The incident card: opened once per firing SLO alert, with the evidence gathered when it opened,
 * the ranked probable causes, who answers for it and by when, its lifecycle and the verification of
 * the fix.
 *
 * @param alertId the {@code Alert#id()} that opened it
 * @param alertIds every alert of the SLO that fired while the incident was not resolved — the one
 *     that opened it first, then re-fires and other objectives, which join it rather than opening
 *     incidents of their own
 * @param window the incident window the evidence covers
 * @param baseline the healthy period it was compared with
 * @param rootCause the top hypothesis; null when no bad trace was found
 * @param investigation {@code complete}, or {@code failed: reason}
 * @param investigationMillis time from the alert firing to the complete card
 */
public record Incident(
    String id,
    String alertId,
    String slo,
    @Nullable String objective,
    double objectiveTarget,
    String service,
    Severity severity,
    IncidentStatus status,
    Instant openedAt,
    Instant updatedAt,
    TimeWindow window,
    TimeWindow baseline,
    Impact impact,
    @Nullable Hypothesis rootCause,
    List<Hypothesis> hypotheses,
    Evidence evidence,
    String investigation,
    long investigationMillis,
    @Nullable String runbook,
    @Nullable String owner,
    Instant respondBy,
    List<TimelineEntry> timeline,
    Verification verification,
    List<ActionItem> actionItems,
    @Nullable List<String> alertIds) {
  public Incident {
    requireNonNull(id, "id");
    requireNonNull(alertId, "alertId");
    requireNonNull(slo, "slo");
    requireNonNull(service, "service");
    requireNonNull(severity, "severity");
    requireNonNull(status, "status");
    requireNonNull(openedAt, "openedAt");
    requireNonNull(updatedAt, "updatedAt");
    requireNonNull(window, "window");
    requireNonNull(baseline, "baseline");
    requireNonNull(impact, "impact");
    hypotheses = List.copyOf(hypotheses);
    requireNonNull(evidence, "evidence");
    requireNonNull(investigation, "investigation");
    requireNonNull(respondBy, "respondBy");
    timeline = List.copyOf(timeline);
    requireNonNull(verification, "verification");
    actionItems = List.copyOf(actionItems);
    // incidents saved before alerts could join have no list: the one alert that opened them
    alertIds = alertIds == null || alertIds.isEmpty() ? List.of(alertId) : List.copyOf(alertIds);
  }

  /** Whether {@code id} is one of this incident's alerts. */
  public boolean hasAlert(String id) {
    return requireNonNull(alertIds).contains(id);
  }

  /** A copy with another alert of the SLO joined, and a timeline entry saying so. */
  public Incident withAlert(String joined, Instant at, String kind, String text) {
    List<String> ids = new ArrayList<>(requireNonNull(alertIds));
    if (!ids.contains(joined)) ids.add(joined);
    return copy(
        status, at, appended(new TimelineEntry(at, kind, text)), verification, actionItems, ids);
  }

  /** A copy with a new status, an entry added to the timeline, updated at {@code at}. */
  public Incident withStatus(IncidentStatus newStatus, Instant at, String kind, String text) {
    return copy(
        newStatus, at, appended(new TimelineEntry(at, kind, text)), verification, actionItems);
  }

  /** A copy with an entry added to the timeline. */
  public Incident withEvent(Instant at, String kind, String text) {
    return copy(status, at, appended(new TimelineEntry(at, kind, text)), verification, actionItems);
  }

  /** A copy with a new verification (and optionally status), and a timeline entry. */
  public Incident withVerification(
      Verification v, IncidentStatus newStatus, Instant at, String kind, String text) {
    return copy(newStatus, at, appended(new TimelineEntry(at, kind, text)), v, actionItems);
  }

  /**
   * A copy with evidence gathered again over a longer window (the minutes after the alert
   * included), its hypotheses and impact, and a timeline entry.
   */
  public Incident withEvidence(
      TimeWindow newWindow,
      Evidence newEvidence,
      List<Hypothesis> newHypotheses,
      Impact newImpact,
      Instant at,
      String text) {
    return new Incident(
        id,
        alertId,
        slo,
        objective,
        objectiveTarget,
        service,
        severity,
        status,
        openedAt,
        at.isAfter(updatedAt) ? at : updatedAt,
        newWindow,
        baseline,
        newImpact,
        newHypotheses.isEmpty() ? rootCause : newHypotheses.get(0),
        newHypotheses.isEmpty() ? hypotheses : newHypotheses,
        newEvidence,
        investigation,
        investigationMillis,
        runbook,
        owner,
        respondBy,
        appended(new TimelineEntry(at, "evidence-refreshed", text)),
        verification,
        actionItems,
        alertIds);
  }

  /** A copy with an action item added. */
  public Incident withActionItem(ActionItem item, Instant at) {
    List<ActionItem> items = new ArrayList<>(actionItems);
    items.add(item);
    return copy(
        status,
        at,
        appended(new TimelineEntry(at, "action-item", "action item added: " + item.text())),
        verification,
        items);
  }

  private List<TimelineEntry> appended(TimelineEntry e) {
    List<TimelineEntry> t = new ArrayList<>(timeline);
    t.add(e);
    return t;
  }

  private Incident copy(
      IncidentStatus newStatus,
      Instant at,
      List<TimelineEntry> newTimeline,
      Verification v,
      List<ActionItem> items) {
    return copy(newStatus, at, newTimeline, v, items, requireNonNull(alertIds));
  }

  private Incident copy(
      IncidentStatus newStatus,
      Instant at,
      List<TimelineEntry> newTimeline,
      Verification v,
      List<ActionItem> items,
      List<String> ids) {
    return new Incident(
        id,
        alertId,
        slo,
        objective,
        objectiveTarget,
        service,
        severity,
        newStatus,
        openedAt,
        at.isAfter(updatedAt) ? at : updatedAt,
        window,
        baseline,
        impact,
        rootCause,
        hypotheses,
        evidence,
        investigation,
        investigationMillis,
        runbook,
        owner,
        respondBy,
        newTimeline,
        v,
        items,
        ids);
  }
}
