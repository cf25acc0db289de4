package dev.sightline.incident.postmortem;

import dev.sightline.incident.ActionItem;
import dev.sightline.incident.BaselineNote;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Incident;
import dev.sightline.incident.TimelineEntry;
import dev.sightline.incident.Verification;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.OperationDelta;
import dev.sightline.incident.evidence.DependencyTrend;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.TraceRef;
import dev.sightline.incident.evidence.VersionChange;
import java.time.Instant;
import java.util.Locale;

/**
 * Renders an incident as a Markdown post-mortem: summary, impact, root cause with its evidence,
 * other hypotheses, timeline, the evidence gathered, verification of the fix and action items.
 *
 * <p>It says what the incident was compared with ({@link BaselineNote}); without a baseline no
 * baseline figure is printed (a dash instead of a 0 that would read as "healthy before") and log
 * patterns are listed as seen in the window, with "no baseline to compare with".
 */
public final class PostmortemWriter {
  private PostmortemWriter() {}

  public static String markdown(Incident i) {
    StringBuilder md = new StringBuilder();
    md.append("# Post-mortem: ")
        .append(esc(i.slo()))
        .append(" (")
        .append(esc(i.id()))
        .append(")\n\n");
    md.append("| | |\n|---|---|\n");
    row(md, "SLO", i.slo() + (i.objective() != null ? " — " + i.objective() : ""));
    row(md, "Objective", fmt("%.4f", i.objectiveTarget()));
    row(md, "Severity", i.severity().name());
    row(md, "Status", i.status().name().toLowerCase(Locale.ROOT));
    row(md, "Opened", i.openedAt().toString());
    row(md, "Respond by", i.respondBy().toString());
    row(md, "Owner", i.owner() == null ? "—" : i.owner());
    row(md, "Runbook", i.runbook() == null ? "—" : i.runbook());
    row(md, "Window", i.window().start() + " – " + i.window().end());
    boolean hasBaselineWindow = !i.baseline().length().isZero();
    row(
        md,
        "Baseline",
        hasBaselineWindow
            ? i.baseline().start() + " – " + i.baseline().end() + " (" + BaselineNote.of(i) + ")"
            : BaselineNote.of(i));
    md.append('\n');

    md.append("## Impact\n\n");
    md.append(
        fmt(
            "- %d of %d requests failed the SLO in the window (error ratio %.2f%%, %s)\n",
            i.impact().badRequests(),
            i.impact().requests(),
            100 * i.impact().errorRatio(),
            hasBaselineWindow
                ? fmt("baseline %.3f%%", 100 * i.impact().baselineErrorRatio())
                : "no baseline to compare with"));
    md.append(
        fmt(
            "- %.1f%% of the error budget of the SLO window burned in the incident window\n\n",
            100 * i.impact().budgetBurned()));

    md.append("## Root cause\n\n");
    Hypothesis root = i.rootCause();
    if (root == null) {
      md.append("No bad trace was found in the window; no cause could be named.\n\n");
    } else {
      md.append(fmt("**%s** (confidence %.0f%%)\n\n", esc(root.detail()), 100 * root.confidence()));
      md.append("Evidence:\n\n");
      for (String e : root.evidence()) md.append("- ").append(esc(e)).append('\n');
      md.append('\n');
      if (i.hypotheses().size() > 1) {
        md.append("Other hypotheses:\n\n");
        for (Hypothesis h : i.hypotheses().subList(1, i.hypotheses().size())) {
          md.append(fmt("- %s (confidence %.0f%%)\n", esc(h.detail()), 100 * h.confidence()));
        }
        md.append('\n');
      }
    }

    md.append("## Timeline\n\n");
    for (TimelineEntry t : i.timeline()) {
      md.append("- ").append(t.at()).append(" — **").append(esc(t.kind())).append("**: ");
      md.append(esc(t.text())).append('\n');
    }
    md.append('\n');

    Evidence e = i.evidence();
    boolean compared = e.baselineAvailable();
    md.append("## Evidence\n\n");
    if (!compared) {
      md.append(
          "No baseline to compare with ("
              + BaselineNote.of(i)
              + "): the evidence below is what the window shows, not how it differs.\n\n");
    }
    if (!e.criticalPath().isEmpty()) {
      md.append(
          compared
              ? "### Critical path (bad vs baseline traces)\n\n"
              : "### Critical path (bad traces)\n\n");
      md.append(
          "| service | operation | bad ms | baseline ms | delta ms |\n|---|---|---|---|---|\n");
      for (OperationDelta d : e.criticalPath().subList(0, Math.min(5, e.criticalPath().size()))) {
        md.append(
            fmt(
                "| %s | %s | %.1f | %s | %s |\n",
                esc(d.operation().service()),
                esc(d.operation().name()),
                d.badMeanMs(),
                compared ? fmt("%.1f", d.baselineMeanMs()) : "—",
                compared ? fmt("%+.1f", d.deltaMs()) : "—"));
      }
      md.append('\n');
    }
    if (!e.errors().isEmpty()) {
      md.append("### Errors\n\n");
      for (ErrorGroup g : e.errors().subList(0, Math.min(5, e.errors().size()))) {
        md.append(
            fmt(
                "- %d × %s in %s %s: %s\n",
                g.count(),
                code(g.exceptionType()),
                esc(g.service()),
                esc(g.operation()),
                esc(g.messageTemplate())));
      }
      md.append('\n');
    }
    if (!e.logPatterns().isEmpty()) {
      md.append("### Log patterns\n\n");
      for (PatternChange p : e.logPatterns().subList(0, Math.min(5, e.logPatterns().size()))) {
        if (!compared) {
          md.append(
              fmt(
                  "- %s × %d — no baseline to compare with\n",
                  code(p.pattern().template()), p.count()));
          continue;
        }
        md.append(
            fmt(
                "- %s × %d (baseline %d)%s\n",
                code(p.pattern().template()),
                p.count(),
                p.baselineCount(),
                p.isNew() ? " — new" : p.increased() ? " — increased" : ""));
      }
      md.append('\n');
    }
    if (!e.changes().isEmpty()) {
      md.append("### Changes\n\n");
      for (VersionChange c : e.changes()) {
        md.append(
            fmt(
                "- %s %s first seen at %s (before: %s)\n",
                esc(c.service()),
                esc(c.version()),
                Instant.ofEpochSecond(0, c.firstSeenUnixNano()),
                esc(String.join(", ", c.previousVersions()))));
      }
      md.append('\n');
    }
    if (!e.dependencies().isEmpty()) {
      md.append("### Dependencies (baseline → window)\n\n");
      for (DependencyTrend d : e.dependencies()) {
        md.append(
            fmt(
                "- %s%s: errors %s → %.2f%%, p95 %s → %s ms\n",
                d.caller() == null ? "" : esc(d.caller()) + " → ",
                esc(d.service()),
                d.baselineErrorRatio() == null ? "—" : fmt("%.2f%%", 100 * d.baselineErrorRatio()),
                100 * d.errorRatio(),
                d.baselineP95Ms() == null ? "—" : fmt("%.1f", d.baselineP95Ms()),
                d.p95Ms() == null ? "—" : fmt("%.1f", d.p95Ms())));
      }
      md.append('\n');
    }
    if (!e.badTraces().isEmpty()) {
      md.append("### Example traces\n\n");
      for (TraceRef t : e.badTraces().subList(0, Math.min(5, e.badTraces().size()))) {
        md.append(
            fmt(
                "- %s %s %s, %.1f ms, %d error spans\n",
                code(t.traceId()),
                esc(t.rootService()),
                esc(t.rootOperation()),
                t.durationMs(),
                t.errorSpans()));
      }
      md.append('\n');
    }

    md.append("## Verification\n\n");
    Verification v = i.verification();
    md.append("**").append(v.status().name().toLowerCase(Locale.ROOT)).append("**");
    if (v.trigger() != null) md.append(" after ").append(esc(v.trigger()));
    md.append(": ").append(esc(v.detail())).append("\n\n");

    md.append("## Action items\n\n");
    if (i.actionItems().isEmpty()) md.append("None yet.\n");
    for (ActionItem a : i.actionItems()) {
      md.append(a.done() ? "- [x] " : "- [ ] ").append(esc(a.text()));
      if (a.owner() != null) md.append(" (").append(esc(a.owner())).append(')');
      if (a.done()) {
        md.append(" — done ").append(a.doneAt());
        if (a.doneBy() != null) md.append(" by ").append(esc(a.doneBy()));
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String k, String v) {
    md.append("| ").append(k).append(" | ").append(esc(v)).append(" |\n");
  }

  /** Characters that start Markdown or HTML anywhere in a line. */
  private static final String SPECIAL = "\\`*_[]<>&|~#";

  /**
   * {@code s} as literal Markdown text: every character that could start emphasis, a link, an
   * image, raw HTML, an entity, code or a table cell is backslash-escaped, a leading list or block
   * marker too, and line breaks become spaces, so text from telemetry, specs and people (action
   * items, notes, exception messages) can neither inject markup nor a {@code javascript:} link.
   */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        b.append(' ');
      } else if (SPECIAL.indexOf(c) >= 0) {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    // "- x", "+ x", "1. x" at the start would begin a list inside the item or cell
    if (b.length() > 0 && (b.charAt(0) == '-' || b.charAt(0) == '+')) b.insert(0, '\\');
    java.util.regex.Matcher ordered = ORDERED.matcher(b);
    if (ordered.lookingAt()) b.insert(ordered.end() - 1, '\\');
    return b.toString();
  }

  private static final java.util.regex.Pattern ORDERED =
      java.util.regex.Pattern.compile("\\d+[.)]");

  /** {@code s} as an inline code span, whatever backticks it holds; line breaks become spaces. */
  static String code(String s) {
    String flat = s.replace('\n', ' ').replace('\r', ' ');
    int longest = 0;
    int run = 0;
    for (int i = 0; i < flat.length(); i++) {
      run = flat.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    boolean pad = flat.startsWith("`") || flat.endsWith("`") || flat.isEmpty();
    return fence + (pad ? " " : "") + flat + (pad ? " " : "") + fence;
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
