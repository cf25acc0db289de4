package dev.sightline.incident.evidence;

import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.OperationDelta;
import java.util.List;
import java.util.Map;

/**
 * Everything gathered for one incident.
 *
 * @param badTraces the failing and slowest traces of the scope in the incident window
 * @param baselineTraces a sample of good traces of the scope in the baseline window
 * @param criticalPath per (service, operation): time on the critical path, bad vs baseline, largest
 *     slowdown first
 * @param attributes attribute values over-represented in the bad traces' spans, per service, most
 *     distinctive first
 * @param errors exception types and messages of the bad traces, grouped
 * @param logPatterns templates of the bad traces' logs against the baseline traces' logs, new and
 *     increased first
 * @param changes versions of involved services first seen after the baseline's first minute while
 *     another version ran before them (deployments)
 * @param dependencies RED of involved services and edges, baseline vs window
 * @param logQueries query API links to the logs of bad traces (name → path)
 */
public record Evidence(
    List<TraceRef> badTraces,
    List<TraceRef> baselineTraces,
    List<OperationDelta> criticalPath,
    List<ServiceAttribute> attributes,
    List<ErrorGroup> errors,
    List<PatternChange> logPatterns,
    List<VersionChange> changes,
    List<DependencyTrend> dependencies,
    Map<String, String> logQueries) {
  public Evidence {
    badTraces = List.copyOf(badTraces);
    baselineTraces = List.copyOf(baselineTraces);
    criticalPath = List.copyOf(criticalPath);
    attributes = List.copyOf(attributes);
    errors = List.copyOf(errors);
    logPatterns = List.copyOf(logPatterns);
    changes = List.copyOf(changes);
    dependencies = List.copyOf(dependencies);
    logQueries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(logQueries));
  }

  /** No evidence (yet). */
  public static Evidence empty() {
    return new Evidence(
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        Map.of());
  }

  /** An attribute difference found among the spans of one service. */
  public record ServiceAttribute(String service, AttributeDifference difference) {}
}
