package dev.sightline.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the incident folder bounded, like telemetry retention: a <b>resolved</b> incident is
 * deleted once it was last updated more than {@code retention} ago ({@link Duration#ZERO} keeps
 * them), and when more than {@link #MAX_INCIDENTS} exist the oldest resolved ones go first. Open,
 * acknowledged and mitigated incidents are never deleted, whatever their age: someone still owns
 * them. Runs at most once an hour (after an evaluation, on the engine's executor).
 */
final class IncidentRetention {
  private static final Logger logger = LoggerFactory.getLogger(IncidentRetention.class);

  /** The most incidents kept; beyond it the oldest resolved ones are deleted. */
  static final int MAX_INCIDENTS = 10_000;

  private static final Duration EVERY = Duration.ofHours(1);

  private final IncidentRecords records;
  private final Duration retention;
  private final int maxIncidents;
  private volatile Instant lastRun = Instant.MIN;

  IncidentRetention(IncidentRecords records, Duration retention, int maxIncidents) {
    this.records = records;
    this.retention = retention;
    this.maxIncidents = maxIncidents;
  }

  /** Runs {@link #expire} unless it ran less than an hour before {@code now}. */
  void expireIfDue(Instant now) {
    if (lastRun.plus(EVERY).isAfter(now)) return;
    lastRun = now;
    expire(now);
  }

  /** Deletes what retention and the cap say must go, as of {@code now}; returns how many. */
  int expire(Instant now) {
    List<Incident> all = records.all(); // newest first
    List<Incident> resolvedOldestFirst = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).status() == IncidentStatus.RESOLVED) resolvedOldestFirst.add(all.get(i));
    }
    int over = Math.max(0, all.size() - maxIncidents);
    int deleted = 0;
    for (Incident i : resolvedOldestFirst) {
      boolean expired = !retention.isZero() && i.updatedAt().isBefore(now.minus(retention));
      if (!expired && deleted >= over) continue;
      // checked again on the latest record: it may have been reopened meanwhile
      if (records.deleteIf(
          i.id(),
          latest ->
              latest.status() == IncidentStatus.RESOLVED
                  && latest.updatedAt().equals(i.updatedAt()))) {
        deleted++;
      }
    }
    if (deleted > 0) {
      logger.info(
          "incident retention: deleted {} resolved incident(s) (retention {}, at most {} kept)",
          deleted,
          retention,
          maxIncidents);
    }
    return deleted;
  }
}
