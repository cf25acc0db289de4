package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.evidence.Evidence;
import dev.sightline.slo.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The incident card: opened once per firing SLO alert, with the evidence gathered for it, the
 * ranked probable causes, who answers for it and by when, its lifecycle and the verification of the
 * fix.
 *
 * @param alertId the {@code Alert#id()} that opened it
 * @param alertIds every alert of the SLO that fired while the incident was not resolved — the one
 *     that opened it first, then re-fires and other objectives, which join it rather than opening
 *     incidents of their own
 * @param window the incident window the evidence covers (provisional while the investigation runs)
 * @param baseline the healthy period it was compared with (provisional while it runs)
 * @param rootCause the top hypothesis; null when no bad trace was found (or not investigated yet)
 * @param investigation {@code running}, {@code complete}, or {@code failed: reason}
 * @param investigationMillis time the first investigation took (0 while it runs)
 * @param rule the burn-rate rule the opening alert fired on (null in incidents saved before it was
 *     kept); a restart investigating again needs it
 * @param evidenceGatheredAt when the evidence was last gathered; null while the first investigation
 *     runs
 * @param evidenceComplete whether the evidence is complete: logs of the bad traces were found and
 *     enough bad traces; while not, it is gathered again as late telemetry arrives
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
    @Nullable List<String> alertIds,
    @Nullable String rule,
    @Nullable Instant evidenceGatheredAt,
    boolean evidenceComplete) {
  /** {@link #investigation()} while the first investigation has not finished. */
  public static final String RUNNING = "running";

  /** {@link #investigation()} once it finished. */
  public static final String COMPLETE = "complete";

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

  /** Whether the first investigation is still under way. */
  public boolean investigating() {
    return RUNNING.equals(investigation);
  }

  /** Whether {@code id} is one of this incident's alerts. */
  public boolean hasAlert(String id) {
    return requireNonNull(alertIds).contains(id);
  }

  /** A copy with another alert of the SLO joined, and a timeline entry saying so. */
  public Incident withAlert(String joined, Instant at, String kind, String text) {
    return with(
        at,
        new TimelineEntry(at, kind, text),
        d -> {
          if (!d.alertIds.contains(joined)) d.alertIds.add(joined);
        });
  }

  /** A copy with a new status, an entry added to the timeline, updated at {@code at}. */
  public Incident withStatus(IncidentStatus newStatus, Instant at, String kind, String text) {
    return with(at, new TimelineEntry(at, kind, text), d -> d.status = newStatus);
  }

  /** A copy with an entry added to the timeline. */
  public Incident withEvent(Instant at, String kind, String text) {
    return with(at, new TimelineEntry(at, kind, text), d -> {});
  }

  /** A copy with a new verification (and optionally status), and a timeline entry. */
  public Incident withVerification(
      Verification v, IncidentStatus newStatus, Instant at, String kind, String text) {
    return with(
        at,
        new TimelineEntry(at, kind, text),
        d -> {
          d.verification = v;
          d.status = newStatus;
        });
  }

  /**
   * A copy with the result of the first investigation: window, baseline, impact, evidence, causes,
   * {@code investigation} ({@code complete} or {@code failed: …}), and its timeline entries (merged
   * in time order with those added meanwhile — an acknowledgement stays).
   */
  public Incident withInvestigation(
      Gathering g, String outcome, long millis, List<TimelineEntry> entries) {
    return with(
        g.at(),
        null,
        d -> {
          g.applyTo(d);
          d.investigation = outcome;
          d.investigationMillis = millis;
          d.timeline.addAll(entries);
          d.timeline.sort(Comparator.comparing(TimelineEntry::at));
        });
  }

  /**
   * A copy with the evidence gathered again (over the same or a longer window), its causes and
   * impact, and a timeline entry of {@code kind} when {@code text} is not null.
   */
  public Incident withEvidence(Gathering g, String kind, @Nullable String text) {
    return with(g.at(), text == null ? null : new TimelineEntry(g.at(), kind, text), g::applyTo);
  }

  /** A copy with an action item added. */
  public Incident withActionItem(ActionItem item, Instant at) {
    return with(
        at,
        new TimelineEntry(at, "action-item", "action item added: " + item.text()),
        d -> d.actionItems.add(item));
  }

  /** A copy with action item {@code item} replaced by {@code changed}, and a timeline entry. */
  public Incident withActionItem(ActionItem changed, Instant at, String kind, String text) {
    return with(
        at,
        new TimelineEntry(at, kind, text),
        d -> d.actionItems.replaceAll(a -> a.id().equals(changed.id()) ? changed : a));
  }

  /**
   * Evidence gathered for an incident, to be put on its latest record.
   *
   * @param at when it was gathered
   * @param complete whether it is complete (see {@link Incident#evidenceComplete()})
   */
  public record Gathering(
      Instant at,
      TimeWindow window,
      TimeWindow baseline,
      Impact impact,
      Evidence evidence,
      List<Hypothesis> hypotheses,
      boolean complete) {
    public Gathering {
      hypotheses = List.copyOf(hypotheses);
    }

    void applyTo(Draft d) {
      d.window = window;
      d.baseline = baseline;
      d.impact = impact;
      d.evidence = evidence;
      // a gathering that found no bad trace keeps the causes found before
      if (!hypotheses.isEmpty() || d.hypotheses.isEmpty()) {
        d.hypotheses = hypotheses;
        d.rootCause = hypotheses.isEmpty() ? null : hypotheses.get(0);
      }
      d.evidenceGatheredAt = at;
      d.evidenceComplete = complete;
      // a first investigation that failed (storage down) is made good by a later gathering
      if (d.investigation.startsWith("failed")) d.investigation = COMPLETE;
    }
  }

  private Incident with(Instant at, @Nullable TimelineEntry entry, Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    if (entry != null) d.timeline.add(entry);
    return d.build(at.isAfter(updatedAt) ? at : updatedAt);
  }

  /** The changeable fields of a copy. */
  static final class Draft {
    private final Incident from;
    IncidentStatus status;
    TimeWindow window;
    TimeWindow baseline;
    Impact impact;
    @Nullable Hypothesis rootCause;
    List<Hypothesis> hypotheses;
    Evidence evidence;
    String investigation;
    long investigationMillis;
    final List<TimelineEntry> timeline;
    Verification verification;
    final List<ActionItem> actionItems;
    final List<String> alertIds;
    @Nullable Instant evidenceGatheredAt;
    boolean evidenceComplete;

    Draft(Incident i) {
      from = i;
      status = i.status;
      window = i.window;
      baseline = i.baseline;
      impact = i.impact;
      rootCause = i.rootCause;
      hypotheses = i.hypotheses;
      evidence = i.evidence;
      investigation = i.investigation;
      investigationMillis = i.investigationMillis;
      timeline = new ArrayList<>(i.timeline);
      verification = i.verification;
      actionItems = new ArrayList<>(i.actionItems);
      alertIds = new ArrayList<>(requireNonNull(i.alertIds));
      evidenceGatheredAt = i.evidenceGatheredAt;
      evidenceComplete = i.evidenceComplete;
    }

    Incident build(Instant updatedAt) {
      Incident f = from;
      return new Incident(
          f.id,
          f.alertId,
          f.slo,
          f.objective,
          f.objectiveTarget,
          f.service,
          f.severity,
          status,
          f.openedAt,
          updatedAt,
          window,
          baseline,
          impact,
          rootCause,
          hypotheses,
          evidence,
          investigation,
          investigationMillis,
          f.runbook,
          f.owner,
          f.respondBy,
          timeline,
          verification,
          actionItems,
          alertIds,
          f.rule,
          evidenceGatheredAt,
          evidenceComplete);
    }
  }
}
