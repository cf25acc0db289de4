package dev.sightline.incident;

import dev.sightline.slo.alerting.Alert;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle people drive — acknowledge, mitigate, resolve, action items — and the alert events
 * added to the timeline (escalation, resolution). Each call changes one incident under its own lock
 * ({@link IncidentRecords}): it never waits for an investigation, nor for another incident.
 */
final class IncidentLifecycle {
  /** The most action items one incident keeps. */
  static final int MAX_ACTION_ITEMS = 200;

  /** The longest action item text, in characters. */
  static final int MAX_ACTION_ITEM_TEXT = 2_000;

  private final IncidentRecords records;
  private final FixVerification verification;
  private final Clock clock;

  IncidentLifecycle(IncidentRecords records, FixVerification verification, Clock clock) {
    this.records = records;
    this.verification = verification;
    this.clock = clock;
  }

  Incident acknowledge(String id, @Nullable String by) {
    return records.update(
        id,
        i -> {
          if (i.status() != IncidentStatus.OPEN) {
            throw new IllegalTransitionException(id + " is " + lower(i.status()) + ", not open");
          }
          return i.withStatus(
              IncidentStatus.ACKNOWLEDGED,
              clock.instant(),
              "acknowledged",
              said("acknowledged", by, null));
        });
  }

  Incident mitigate(String id, @Nullable String by, @Nullable String note) {
    return records.update(
        id,
        i -> {
          if (i.status() == IncidentStatus.MITIGATED || i.status() == IncidentStatus.RESOLVED) {
            throw new IllegalTransitionException(id + " is already " + lower(i.status()));
          }
          return i.withStatus(
              IncidentStatus.MITIGATED, clock.instant(), "mitigated", said("mitigated", by, note));
        });
  }

  Incident resolve(String id, @Nullable String by, @Nullable String note) {
    return records.update(
        id,
        i -> {
          if (i.status() == IncidentStatus.RESOLVED) {
            throw new IllegalTransitionException(id + " is already resolved");
          }
          Instant now = clock.instant();
          Incident resolved =
              i.withStatus(IncidentStatus.RESOLVED, now, "resolved", said("resolved", by, note));
          return verification.startOnResolution(resolved, now);
        });
  }

  Incident addActionItem(String id, String text, @Nullable String owner) {
    String t = text.strip();
    if (t.isEmpty()) throw new IllegalArgumentException("text must not be blank");
    if (t.length() > MAX_ACTION_ITEM_TEXT) {
      throw new IllegalArgumentException(
          "text must be at most " + MAX_ACTION_ITEM_TEXT + " characters, was " + t.length());
    }
    return records.update(
        id,
        i -> {
          if (i.actionItems().size() >= MAX_ACTION_ITEMS) {
            throw new IllegalArgumentException(
                "incident "
                    + id
                    + " already has "
                    + MAX_ACTION_ITEMS
                    + " action items, the most"
                    + " one incident keeps");
          }
          Instant now = clock.instant();
          String itemId = UUID.randomUUID().toString().substring(0, 8);
          return i.withActionItem(new ActionItem(itemId, t, owner, now), now);
        });
  }

  Incident markActionItem(String id, String itemId, boolean done, @Nullable String by) {
    return records.update(
        id,
        i -> {
          ActionItem item =
              i.actionItems().stream()
                  .filter(a -> a.id().equals(itemId))
                  .findFirst()
                  .orElseThrow(() -> UnknownIncidentException.actionItem(id, itemId));
          if (item.done() == done) return i;
          Instant now = clock.instant();
          return i.withActionItem(
              item.withDone(done, now, by),
              now,
              done ? "action-item-done" : "action-item-reopened",
              said(done ? "action item done" : "action item reopened", by, item.text()));
        });
  }

  /** Adds the escalation of one of its alerts to the incident's timeline. */
  void alertEscalated(Incident i, Alert a) {
    records.updateIfPresent(
        i.id(),
        latest ->
            latest.withEvent(
                a.updatedAt(),
                "alert-escalated",
                "alert escalated to rule " + a.rule() + " (" + a.ruleSeverity() + ")"));
  }

  /** Adds the resolution of one of its alerts to the incident's timeline. */
  void alertResolved(Incident i, Alert a) {
    records.updateIfPresent(
        i.id(),
        latest ->
            latest.withEvent(
                a.updatedAt(),
                "alert-resolved",
                "alert "
                    + a.id()
                    + " resolved"
                    + (a.resolvedReason() != null
                        ? " (" + a.resolvedReason() + ")"
                        : ": no burn-rate rule has fired for the short window of rule "
                            + a.rule())));
  }

  /** {@code acknowledged by alice: note}; who and the note only when given. */
  static String said(String what, @Nullable String by, @Nullable String note) {
    return what + (by != null ? " by " + by : "") + (note != null ? ": " + note : "");
  }

  private static String lower(IncidentStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
