package dev.sightline.incident;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify loop: after each evaluation, every incident whose fix is not verified yet is checked
 * by {@link FixVerifier} (storage reads, outside any lock), and a change is put on the incident's
 * latest record under its own lock — checked again against that record when a person changed it
 * meanwhile.
 */
final class FixVerification {
  private static final Logger logger = LoggerFactory.getLogger(FixVerification.class);

  /** How long after opening a change of an implicated service is looked for. */
  static final Duration WATCH_FOR_FIX = Duration.ofDays(7);

  private final IncidentRecords records;
  private final FixVerifier verifier;

  FixVerification(IncidentRecords records, FixVerifier verifier) {
    this.records = records;
    this.verifier = verifier;
  }

  /**
   * Checks every incident whose verification is pending or regressed, as of {@code now}: starts a
   * verification at the first version change of an implicated service, and concludes those whose
   * period has passed.
   */
  void verifyAll(Instant now) {
    for (Incident i : records.all()) {
      Verification v = i.verification();
      if (v.status() == Verification.Status.VERIFIED) continue;
      // stop watching for a fix a week after the incident opened unless a check is under way
      if (v.from() == null && i.openedAt().isBefore(now.minus(WATCH_FOR_FIX))) continue;
      try {
        Incident next = verifier.verify(i, now);
        if (next == i) continue;
        records.update(i.id(), latest -> latest.equals(i) ? next : verifier.verify(latest, now));
      } catch (RuntimeException e) {
        logger.warn("verification of incident {} failed", i.id(), e);
      }
    }
  }

  /**
   * {@code resolved} with a verification started from {@code now}, unless one is already under way
   * or done.
   */
  Incident startOnResolution(Incident resolved, Instant now) {
    Verification v = resolved.verification();
    if (v.status() != Verification.Status.REGRESSED
        && !(v.status() == Verification.Status.PENDING && v.from() == null)) {
      return resolved;
    }
    return resolved.withVerification(
        new Verification(
            Verification.Status.PENDING,
            "resolved",
            now,
            null,
            null,
            v.sliBaseline(),
            v.objective(),
            0,
            "checking the SLI for "
                + FixVerifier.label(verifier.verifyPeriod())
                + " after the resolution"),
        IncidentStatus.RESOLVED,
        now,
        "verification",
        "verification started: the SLI is checked until " + now.plus(verifier.verifyPeriod()));
  }
}
