package dev.sightline.incident;

import java.time.Duration;

/**
 * One line saying what an incident was compared with, for people reading the card or the
 * post-mortem: the baseline may be shorter than configured (only the healthy time that exists
 * before the burn) or absent (a zero-length baseline window: no healthy history, e.g. a server that
 * just started), and figures "vs baseline" mean little unless the reader knows which.
 */
public final class BaselineNote {
  /** The text for a zero-length baseline. */
  public static final String NONE = "no baseline: no healthy history before the burn";

  private BaselineNote() {}

  /**
   * "baseline: 6 min before the incident window", with "(no good trace found in it)" when the
   * investigation found no good trace to compare with, or {@link #NONE}.
   */
  public static String of(Incident i) {
    Duration length = i.baseline().length();
    if (length.isZero()) return NONE;
    String note = "baseline: " + label(length) + " before the incident window";
    if (i.investigation().equals("complete") && !i.evidence().baselineAvailable()) {
      note += " (no good trace found in it)";
    }
    return note;
  }

  /** "500 ms", "45 s", "6 min", "6 min 30 s", "2 h". */
  static String label(Duration d) {
    long s = d.toSeconds();
    if (s == 0) return d.toMillis() + " ms";
    if (s < 60) return s + " s";
    if (s % 3600 == 0) return s / 3600 + " h";
    return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
  }
}
