package dev.sightline.incident.causes;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.analysis.Operation;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.OperationDelta;
import dev.sightline.incident.evidence.Evidence;
import dev.sightline.incident.evidence.Investigator;
import dev.sightline.incident.evidence.VersionChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Ranks probable causes. Every bad trace blames one (service, operation), following the failure or
 * the slowness to where it originates rather than where it shows:
 *
 * <ul>
 *   <li>An <b>origin error</b> is an error span none of whose children failed. A non-timeout origin
 *       error blames its own operation (an exception thrown there, a dependency call that failed).
 *   <li>A <b>timeout</b> (exception or status saying timeout, timed out, deadline) is a symptom of
 *       slowness: it blames the operation inside the timed-out span's subtree with the largest
 *       excess of self time over the baseline's mean for that operation — the slow query below an
 *       upstream timeout — or the timed-out span itself when nothing below it slowed down.
 *   <li>A trace without errors (slow) blames the operation with the largest self-time excess.
 * </ul>
 *
 * Blames add up per operation; confidence = share of bad traces blaming it. The hypothesis is then
 * singled out by an attribute value concentrated in the bad spans of its service (a tenant, a
 * version) and by a version first seen in the window, and supported by the matching error groups,
 * log patterns and critical-path delta.
 *
 * <p>Without a baseline ({@link Evidence#baselineAvailable()} false) nothing is claimed against
 * one: no "vs ... before" figures, and log patterns are not used as evidence (none is new or
 * increased when there is nothing to compare with); blame for slowness then goes to the largest
 * self time.
 */
public final class CauseRanker {
  /** Attribute keys that describe the failure itself, never what singles out a culprit. */
  private static final Set<String> SYMPTOM_KEYS =
      Set.of(
          "error.type",
          "exception.type",
          "exception.message",
          "http.response.status_code",
          "http.status_code",
          "rpc.grpc.status_code",
          "otel.status_code",
          "otel.status_description",
          "db.response.status_code");

  private final int maxHypotheses;

  private CauseRanker(int maxHypotheses) {
    this.maxHypotheses = maxHypotheses;
  }

  public static CauseRanker create() {
    return new CauseRanker(5);
  }

  /** The hypotheses, most likely first; empty without bad traces. */
  public List<Hypothesis> rank(Evidence evidence, Investigator.Traces traces) {
    Map<Operation, Double> baselineSelf = meanSelfTimes(traces.baseline());
    Map<Operation, Blame> blames = new LinkedHashMap<>();
    int badTraces = traces.bad().size();
    for (List<Span> trace : traces.bad()) {
      List<Blame> found = blame(trace, baselineSelf);
      for (Blame b : found) {
        blames.merge(b.operation, b.scaled(1.0 / found.size()), Blame::plus);
      }
    }
    List<Blame> ranked = new ArrayList<>(blames.values());
    ranked.sort(Comparator.comparingDouble((Blame b) -> -b.weight).thenComparing(b -> b.operation));
    // versions of each service among the bad traces' spans: a deployment is named as the cause
    // only when the failing spans run the new version
    Map<String, Map<String, Integer>> versions = new HashMap<>();
    for (List<Span> trace : traces.bad()) {
      for (Span s : trace) {
        String v = s.resource().attributes().getString("service.version");
        if (v != null) {
          versions.computeIfAbsent(s.serviceName(), k -> new HashMap<>()).merge(v, 1, Integer::sum);
        }
      }
    }
    List<Hypothesis> out = new ArrayList<>();
    for (Blame b : ranked) {
      if (out.size() == maxHypotheses) break;
      out.add(hypothesis(b, badTraces, evidence, versions));
    }
    return out;
  }

  private Hypothesis hypothesis(
      Blame b, int badTraces, Evidence evidence, Map<String, Map<String, Integer>> versions) {
    Operation op = b.operation;
    double confidence = badTraces == 0 ? 0 : Math.min(1, b.weight / badTraces);
    List<String> support = new ArrayList<>();
    String kind =
        b.errorWeight > 0 && b.latencyWeight > 0
            ? "errors+latency"
            : b.errorWeight >= b.latencyWeight ? "errors" : "latency";
    StringBuilder detail = new StringBuilder();
    detail.append(op.service()).append(' ').append(op.name());
    long share = Math.round(100 * confidence);
    if (kind.equals("latency")) {
      OperationDelta delta = delta(evidence, op);
      if (delta != null && !evidence.baselineAvailable()) {
        detail.append(
            String.format(
                Locale.ROOT,
                " is slow: %.0f ms of its own time in bad traces (no baseline to compare with)",
                delta.badSelfMeanMs()));
        support.add(
            String.format(
                Locale.ROOT,
                "critical path: %s %.0f ms in bad traces (no baseline to compare with)",
                op,
                delta.badMeanMs()));
      } else if (delta != null) {
        detail.append(
            String.format(
                Locale.ROOT,
                " is slow: %.0f ms of its own time in bad traces vs %.1f ms before",
                delta.badSelfMeanMs(),
                delta.baselineSelfMeanMs()));
        support.add(
            String.format(
                Locale.ROOT,
                "critical path: %s %+.0f ms (%.0f ms in bad traces vs %.1f ms in the baseline)",
                op,
                delta.deltaMs(),
                delta.badMeanMs(),
                delta.baselineMeanMs()));
      } else {
        detail.append(" is slow");
      }
      if (b.timeouts > 0) {
        detail.append("; upstream timeouts are symptoms of it");
      }
    } else {
      ErrorGroup group = errorGroup(evidence, op);
      detail.append(" fails");
      if (group != null) {
        detail.append(" (").append(group.exceptionType());
        if (!group.exampleMessage().isEmpty()) {
          detail.append(": ").append(truncate(group.exampleMessage(), 120));
        }
        detail.append(')');
        support.add(
            "errors: "
                + group.count()
                + " × "
                + group.exceptionType()
                + " \""
                + truncate(group.messageTemplate(), 160)
                + "\" in "
                + op);
      }
    }
    detail.append(String.format(Locale.ROOT, " in %d%% of the bad traces", share));

    String attrKey = null;
    String attrValue = null;
    AttributeDifference attr = singlingAttribute(evidence, op.service());
    if (attr != null) {
      attrKey = attr.key();
      attrValue = attr.value();
      detail.append(
          String.format(
              Locale.ROOT,
              "; only with %s=%s (%.0f%% of its bad spans vs %.0f%% before)",
              attr.key(),
              attr.value(),
              100 * attr.badShare(),
              100 * attr.goodShare()));
      support.add(
          String.format(
              Locale.ROOT,
              "attribute: %s=%s in %d/%d bad spans of %s vs %d/%d baseline spans",
              attr.key(),
              attr.value(),
              attr.badCount(),
              attr.badTotal(),
              op.service(),
              attr.goodCount(),
              attr.goodTotal()));
    }
    for (VersionChange c : evidence.changes()) {
      if (!c.service().equals(op.service())) continue;
      support.add(
          "change: "
              + c.service()
              + " "
              + c.version()
              + " first seen at "
              + java.time.Instant.ofEpochSecond(0, c.firstSeenUnixNano())
              + " (before: "
              + String.join(", ", c.previousVersions())
              + ")");
      Map<String, Integer> seen = versions.getOrDefault(c.service(), Map.of());
      int total = 0;
      for (int n : seen.values()) total += n;
      boolean badSpansRunIt = total > 0 && seen.getOrDefault(c.version(), 0) * 2 >= total;
      if (badSpansRunIt && (attrKey == null || attrKey.equals("service.version"))) {
        if (attrKey == null) {
          attrKey = "service.version";
          attrValue = c.version();
        }
        detail.append("; started with version ").append(c.version());
      }
    }
    // log novelty is evidence only against a baseline
    for (PatternChange p :
        evidence.baselineAvailable() ? evidence.logPatterns() : List.<PatternChange>of()) {
      if (support.size() >= 8) break;
      if ((p.isNew() || p.increased())
          && !p.pattern().examples().isEmpty()
          && p.pattern().examples().get(0).service().equals(op.service())) {
        support.add(
            "log pattern"
                + (p.isNew() ? " (new)" : " (increased)")
                + ": \""
                + truncate(p.pattern().template(), 160)
                + "\" × "
                + p.count()
                + " (baseline "
                + p.baselineCount()
                + ")");
      }
    }
    for (String t : b.exampleTraces) support.add("trace: " + t);
    return new Hypothesis(
        op.service(),
        op.name(),
        kind,
        attrKey,
        attrValue,
        detail.toString(),
        round(confidence),
        support);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static @Nullable OperationDelta delta(Evidence evidence, Operation op) {
    for (OperationDelta d : evidence.criticalPath()) if (d.operation().equals(op)) return d;
    return null;
  }

  private static @Nullable ErrorGroup errorGroup(Evidence evidence, Operation op) {
    for (ErrorGroup g : evidence.errors()) {
      if (g.service().equals(op.service()) && g.operation().equals(op.name())) return g;
    }
    return null;
  }

  /** The most distinctive non-symptom attribute value of the service's bad spans, if strong. */
  private static @Nullable AttributeDifference singlingAttribute(
      Evidence evidence, String service) {
    for (Evidence.ServiceAttribute a : evidence.attributes()) {
      AttributeDifference d = a.difference();
      if (!a.service().equals(service)) continue;
      if (SYMPTOM_KEYS.contains(d.key()) || d.key().startsWith("exception.")) continue;
      if (d.badShare() >= 0.6 && d.score() >= 0.4 && d.goodShare() <= 0.5) return d;
    }
    return null;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  // ---- blame per trace ----

  private static List<Blame> blame(List<Span> trace, Map<Operation, Double> baselineSelf) {
    Map<String, List<Span>> children = new HashMap<>();
    for (Span s : trace) {
      if (!s.parentSpanId().isEmpty()) {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    List<Span> origins = new ArrayList<>();
    for (Span s : trace) {
      if (s.statusCode() != StatusCode.ERROR) continue;
      boolean childFailed = false;
      for (Span c : children.getOrDefault(s.spanId(), List.of())) {
        if (c.statusCode() == StatusCode.ERROR) {
          childFailed = true;
          break;
        }
      }
      if (!childFailed) origins.add(s);
    }
    String traceId = trace.get(0).traceId();
    List<Blame> out = new ArrayList<>();
    if (origins.isEmpty()) {
      Span slowest = largestExcess(trace, children, baselineSelf);
      if (slowest != null) out.add(Blame.latency(Operation.of(slowest), traceId, false));
      return out;
    }
    for (Span origin : origins) {
      if (isTimeout(origin)) {
        List<Span> subtree = new ArrayList<>();
        collect(origin, children, subtree);
        Span culprit = largestExcess(subtree, children, baselineSelf);
        if (culprit == null) culprit = origin;
        // the timeout is a symptom of the culprit only when the culprit is below it
        out.add(Blame.latency(Operation.of(culprit), traceId, culprit != origin));
      } else {
        out.add(Blame.error(Operation.of(origin), traceId));
      }
    }
    return out;
  }

  private static void collect(Span s, Map<String, List<Span>> children, List<Span> out) {
    out.add(s);
    for (Span c : children.getOrDefault(s.spanId(), List.of())) collect(c, children, out);
  }

  private static @Nullable Span largestExcess(
      List<Span> spans, Map<String, List<Span>> children, Map<Operation, Double> baselineSelf) {
    Span best = null;
    double bestExcess = 0;
    for (Span s : spans) {
      double self = selfNanos(s, children.getOrDefault(s.spanId(), List.of()));
      double excess = self - baselineSelf.getOrDefault(Operation.of(s), 0.0);
      if (excess > bestExcess) {
        bestExcess = excess;
        best = s;
      }
    }
    return best;
  }

  /** The span's duration not covered by its children (clipped to the span). */
  static long selfNanos(Span s, List<Span> children) {
    long start = s.startTimeUnixNano();
    long end = s.endTimeUnixNano();
    if (end <= start) return 0;
    List<long[]> intervals = new ArrayList<>();
    for (Span c : children) {
      long a = Math.max(start, c.startTimeUnixNano());
      long b = Math.min(end, c.endTimeUnixNano());
      if (b > a) intervals.add(new long[] {a, b});
    }
    intervals.sort(Comparator.comparingLong(x -> x[0]));
    long covered = 0;
    long curA = -1;
    long curB = -1;
    for (long[] iv : intervals) {
      if (iv[0] > curB) {
        covered += curB - curA;
        curA = iv[0];
        curB = iv[1];
      } else {
        curB = Math.max(curB, iv[1]);
      }
    }
    covered += curB - curA;
    return (end - start) - covered;
  }

  private static Map<Operation, Double> meanSelfTimes(List<List<Span>> traces) {
    Map<Operation, double[]> sums = new HashMap<>();
    for (List<Span> trace : traces) {
      Map<String, List<Span>> children = new HashMap<>();
      for (Span s : trace) {
        if (!s.parentSpanId().isEmpty()) {
          children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
        }
      }
      for (Span s : trace) {
        double[] acc = sums.computeIfAbsent(Operation.of(s), k -> new double[2]);
        acc[0] += selfNanos(s, children.getOrDefault(s.spanId(), List.of()));
        acc[1]++;
      }
    }
    Map<Operation, Double> out = new HashMap<>();
    sums.forEach((op, acc) -> out.put(op, acc[0] / acc[1]));
    return out;
  }

  /** Whether the span failed by running out of time rather than by an error of its own. */
  static boolean isTimeout(Span s) {
    StringBuilder text = new StringBuilder(s.statusMessage());
    String errorType = s.attributes().getString("error.type");
    if (errorType != null) text.append(' ').append(errorType);
    AnyValue grpc = s.attributes().get("rpc.grpc.status_code");
    if (grpc != null && grpc.asString().equals("4")) return true;
    AnyValue http = s.attributes().get("http.response.status_code");
    if (http != null && (http.asString().equals("504") || http.asString().equals("408"))) {
      return true;
    }
    for (SpanEvent e : s.events()) {
      if (!e.name().equals("exception")) continue;
      String type = e.attributes().getString("exception.type");
      String message = e.attributes().getString("exception.message");
      if (type != null) text.append(' ').append(type);
      if (message != null) text.append(' ').append(message);
    }
    String t = text.toString().toLowerCase(Locale.ROOT);
    return t.contains("timeout")
        || t.contains("timed out")
        || t.contains("deadline")
        || t.contains("time out");
  }

  /** Blame accumulated for one operation. */
  private static final class Blame {
    final Operation operation;
    double weight;
    double errorWeight;
    double latencyWeight;
    int timeouts;
    final List<String> exampleTraces = new ArrayList<>();

    Blame(Operation operation) {
      this.operation = operation;
    }

    static Blame error(Operation op, String traceId) {
      Blame b = new Blame(op);
      b.weight = 1;
      b.errorWeight = 1;
      b.exampleTraces.add(traceId);
      return b;
    }

    static Blame latency(Operation op, String traceId, boolean timeout) {
      Blame b = new Blame(op);
      b.weight = 1;
      b.latencyWeight = 1;
      b.timeouts = timeout ? 1 : 0;
      b.exampleTraces.add(traceId);
      return b;
    }

    Blame scaled(double f) {
      Blame b = new Blame(operation);
      b.weight = weight * f;
      b.errorWeight = errorWeight * f;
      b.latencyWeight = latencyWeight * f;
      b.timeouts = timeouts;
      b.exampleTraces.addAll(exampleTraces);
      return b;
    }

    Blame plus(Blame o) {
      Blame b = new Blame(operation);
      b.weight = weight + o.weight;
      b.errorWeight = errorWeight + o.errorWeight;
      b.latencyWeight = latencyWeight + o.latencyWeight;
      b.timeouts = timeouts + o.timeouts;
      b.exampleTraces.addAll(exampleTraces);
      for (String t : o.exampleTraces) {
        if (b.exampleTraces.size() < 3 && !b.exampleTraces.contains(t)) b.exampleTraces.add(t);
      }
      while (b.exampleTraces.size() > 3) b.exampleTraces.remove(b.exampleTraces.size() - 1);
      return b;
    }
  }
}
