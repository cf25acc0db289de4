package dev.sightline.incident;

import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.slo.Slo;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.evaluation.SliResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Verifies fixes: a <b>change</b> of the running {@code service.version} of an implicated service
 * after the incident opened — a new version, or a return to an earlier one (a rollback) — or the
 * resolution starts a check; once {@link #verifyPeriod} has passed, the SLI over it is compared
 * with the objective: {@code verified} when it meets it, {@code regressed} (and the incident
 * reopens) when not. A later change after a regression starts a new round.
 *
 * <p>The running version of a service at an instant is the one whose spans were seen last in the
 * {@link #RUNNING_LOOKBACK} before it; a change is another version first seen after that instant.
 * Pure but for storage reads; called under the {@link IncidentManager}'s lock.
 */
final class FixVerifier {
  /** How far before an instant spans are looked at to tell which version was running then. */
  static final Duration RUNNING_LOOKBACK = Duration.ofMinutes(15);

  private final @Nullable ServiceVersionReader versions;
  private final SliCalculator calculator;
  private final Function<String, Optional<Slo>> slos;
  private final String tenant;
  private final Duration verifyPeriod;
  private final long minVerifyEvents;

  /**
   * @param versions where deployments are seen; null on a backend without {@link
   *     dev.sightline.core.storage.StorageCapability#SERVICE_VERSIONS}: no change is ever seen, so
   *     verification starts only from the incident's resolution
   */
  FixVerifier(
      @Nullable ServiceVersionReader versions,
      SliCalculator calculator,
      Function<String, Optional<Slo>> slos,
      String tenant,
      Duration verifyPeriod,
      long minVerifyEvents) {
    this.versions = versions;
    this.calculator = calculator;
    this.slos = slos;
    this.tenant = tenant;
    this.verifyPeriod = verifyPeriod;
    this.minVerifyEvents = minVerifyEvents;
  }

  Duration verifyPeriod() {
    return verifyPeriod;
  }

  /** The incident as of {@code now}: {@code i} itself when nothing changed. */
  Incident verify(Incident i, Instant now) {
    Verification v = i.verification();
    if (v.status() == Verification.Status.VERIFIED) return i;
    // a change of an implicated service's version starts a (new) verification round
    Instant after =
        v.status() == Verification.Status.REGRESSED && v.from() != null ? v.from() : i.openedAt();
    if (v.from() == null || v.status() == Verification.Status.REGRESSED) {
      Change change = change(i, after, now);
      if (change != null) {
        Instant from = Instant.ofEpochSecond(0, change.firstSeenUnixNano());
        return i.withVerification(
            new Verification(
                Verification.Status.PENDING,
                change.service() + " " + change.version() + " deployed",
                from,
                null,
                null,
                v.sliBaseline(),
                v.objective(),
                0,
                "checking the SLI for " + label(verifyPeriod) + " after the change"),
            i.status(),
            now,
            "change",
            change.service()
                + " "
                + change.version()
                + (change.rollback()
                    ? " (a return to an earlier version, from " + change.previous() + ")"
                    : change.previous() == null ? "" : " (replacing " + change.previous() + ")")
                + " first seen at "
                + from
                + "; verifying the SLI until "
                + from.plus(verifyPeriod));
      }
      if (v.from() == null) return i;
    }
    if (v.status() != Verification.Status.PENDING || v.from() == null) return i;
    return conclude(i, v, now);
  }

  private Incident conclude(Incident i, Verification v, Instant now) {
    Instant from = v.from();
    if (from == null) return i;
    Instant until = from.plus(verifyPeriod);
    if (now.isBefore(until)) return i;
    Optional<Slo> slo = slos.apply(i.slo());
    if (slo.isEmpty()) return i;
    SliResult r = calculator.count(slo.get(), nanos(from), nanos(until));
    Double baseline = null;
    if (!i.baseline().length().isZero()) {
      SliResult base =
          calculator.count(slo.get(), i.baseline().startUnixNano(), i.baseline().endUnixNano());
      if (base instanceof SliResult.Counts b && b.total() > 0) baseline = b.good() / b.total();
    }
    if (!(r instanceof SliResult.Counts c)) return i;
    if (c.total() < minVerifyEvents) {
      // said once, not at every evaluation
      if (now.isAfter(until.plus(verifyPeriod)) && v.checkedAt() == null) {
        return i.withVerification(
            new Verification(
                Verification.Status.PENDING,
                v.trigger(),
                from,
                now,
                null,
                baseline,
                v.objective(),
                Math.round(c.total()),
                "not enough traffic to verify: "
                    + Math.round(c.total())
                    + " events after the change (at least "
                    + minVerifyEvents
                    + " needed)"),
            i.status(),
            now,
            "verification",
            "not enough traffic to verify yet");
      }
      return i;
    }
    double sli = c.good() / c.total();
    boolean held = sli >= v.objective();
    String numbers =
        String.format(
            Locale.ROOT,
            "SLI %.4f over %s after %s (%d events) vs objective %.4f%s",
            sli,
            label(verifyPeriod),
            v.trigger(),
            Math.round(c.total()),
            v.objective(),
            baseline == null ? "" : String.format(Locale.ROOT, ", baseline %.4f", baseline));
    Verification done =
        new Verification(
            held ? Verification.Status.VERIFIED : Verification.Status.REGRESSED,
            v.trigger(),
            from,
            now,
            sli,
            baseline,
            v.objective(),
            Math.round(c.total()),
            numbers);
    if (held) {
      return i.withVerification(done, i.status(), now, "verified", "fix verified: " + numbers);
    }
    return i.withVerification(
        done,
        IncidentStatus.OPEN,
        now,
        "regressed",
        "fix did not hold, incident reopened: " + numbers);
  }

  /**
   * A version change of one of the services implicated in {@code i} (its SLO's service and those of
   * its top three hypotheses) first seen after {@code after}: the earliest.
   *
   * @param previous the version running at {@code after}; null when none was seen then
   * @param rollback whether the version had been seen before {@code after}
   */
  record Change(
      String service,
      String version,
      @Nullable String previous,
      boolean rollback,
      long firstSeenUnixNano) {}

  @Nullable Change change(Incident i, Instant after, Instant now) {
    Set<String> implicated = new LinkedHashSet<>();
    implicated.add(i.service());
    for (int k = 0; k < Math.min(3, i.hypotheses().size()); k++) {
      implicated.add(i.hypotheses().get(k).service());
    }
    if (versions == null) return null;
    long cut = nanos(after);
    long historyStart = Math.min(i.baseline().startUnixNano(), cut - RUNNING_LOOKBACK.toNanos());
    // up to and including the cut: a version first seen at the cut itself (the change a regressed
    // round starts from) is the one running then, not a change
    List<ServiceVersion> before = versions.serviceVersions(tenant, historyStart, cut + 1);
    List<ServiceVersion> since = versions.serviceVersions(tenant, cut, nanos(now) + 1);
    return change(implicated, before, since, cut - RUNNING_LOOKBACK.toNanos(), cut);
  }

  /**
   * The earliest change among {@code implicated} services: in {@code since} (versions seen after
   * the cut), a version other than the one running at the cut (in {@code before}, the version of
   * each service seen last at or after {@code runningFrom}) first seen after the cut. Pure, for
   * tests.
   */
  static @Nullable Change change(
      Set<String> implicated,
      List<ServiceVersion> before,
      List<ServiceVersion> since,
      long runningFrom,
      long cut) {
    Map<String, ServiceVersion> running = new HashMap<>();
    Map<String, Set<String>> seenBefore = new HashMap<>();
    for (ServiceVersion v : before) {
      if (!implicated.contains(v.service())) continue;
      seenBefore.computeIfAbsent(v.service(), k -> new LinkedHashSet<>()).add(v.version());
      if (v.lastSeenUnixNano() < runningFrom) continue;
      ServiceVersion r = running.get(v.service());
      if (r == null || v.lastSeenUnixNano() > r.lastSeenUnixNano()) running.put(v.service(), v);
    }
    List<Change> changes = new ArrayList<>();
    Map<String, Long> firstAfter = new HashMap<>();
    for (ServiceVersion v : since) {
      if (implicated.contains(v.service())) {
        firstAfter.merge(v.service(), v.firstSeenUnixNano(), Math::min);
      }
    }
    for (ServiceVersion v : since) {
      if (!implicated.contains(v.service())) continue;
      ServiceVersion r = running.get(v.service());
      String previous = r == null ? null : r.version();
      if (previous != null && previous.equals(v.version())) continue;
      if (v.firstSeenUnixNano() <= cut && previous != null) continue;
      if (previous == null && v.firstSeenUnixNano() == firstAfter.get(v.service())) {
        // nothing ran just before the cut: the first version seen after it is no change
        continue;
      }
      boolean rollback = seenBefore.getOrDefault(v.service(), Set.of()).contains(v.version());
      changes.add(new Change(v.service(), v.version(), previous, rollback, v.firstSeenUnixNano()));
    }
    changes.sort(Comparator.comparingLong(Change::firstSeenUnixNano));
    return changes.isEmpty() ? null : changes.get(0);
  }

  static String label(Duration d) {
    return Alert.windowLabel(d);
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
