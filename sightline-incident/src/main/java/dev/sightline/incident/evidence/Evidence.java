package dev.sightline.incident.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sightline.incident.analysis.logs.PatternChange;
import dev.sightline.incident.analysis.traces.AttributeDifference;
import dev.sightline.incident.analysis.traces.ErrorGroup;
import dev.sightline.incident.analysis.traces.OperationDelta;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything gathered for one incident.
 *
 * <p>Whether there was a baseline to compare with is {@link #baselineAvailable()}: when it is false
 * (the baseline window had zero length — no healthy history before the burn, e.g. a server that
 * just started — or no good trace was found in it) the comparisons say so instead of inventing
 * differences: no baseline traces, no attribute differences, no log pattern new or increased,
 * critical-path relative deltas null, dependency baseline figures null when the window was empty.
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
 * @param baselineAvailable good traces from a non-empty baseline window were compared with the bad
 *     ones; false without a baseline and for {@link #empty()}. Incidents saved before this field
 *     existed always had a baseline and read as true.
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
    Map<String, String> logQueries,
    boolean baselineAvailable) {
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

  /** No evidence (yet): nothing was compared, so {@link #baselineAvailable()} is false. */
  public static Evidence empty() {
    return new Evidence(
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        Map.of(), false);
  }

  /**
   * The JSON creator: as the canonical constructor, but a missing {@code baselineAvailable} (files
   * written before it existed, when every investigation had a one-hour baseline) reads as true.
   */
  @JsonCreator
  static Evidence fromJson(
      @JsonProperty("badTraces") @Nullable List<TraceRef> badTraces,
      @JsonProperty("baselineTraces") @Nullable List<TraceRef> baselineTraces,
      @JsonProperty("criticalPath") @Nullable List<OperationDelta> criticalPath,
      @JsonProperty("attributes") @Nullable List<ServiceAttribute> attributes,
      @JsonProperty("errors") @Nullable List<ErrorGroup> errors,
      @JsonProperty("logPatterns") @Nullable List<PatternChange> logPatterns,
      @JsonProperty("changes") @Nullable List<VersionChange> changes,
      @JsonProperty("dependencies") @Nullable List<DependencyTrend> dependencies,
      @JsonProperty("logQueries") @Nullable Map<String, String> logQueries,
      @JsonProperty("baselineAvailable") @Nullable Boolean baselineAvailable) {
    return new Evidence(
        orEmpty(badTraces),
        orEmpty(baselineTraces),
        orEmpty(criticalPath),
        orEmpty(attributes),
        orEmpty(errors),
        orEmpty(logPatterns),
        orEmpty(changes),
        orEmpty(dependencies),
        logQueries == null ? Map.of() : logQueries,
        baselineAvailable == null || baselineAvailable);
  }

  private static <T> List<T> orEmpty(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }

  /** An attribute difference found among the spans of one service. */
  public record ServiceAttribute(String service, AttributeDifference difference) {}
}
