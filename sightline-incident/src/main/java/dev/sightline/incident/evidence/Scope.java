package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

import dev.sightline.slo.RatioMetric;
import dev.sightline.slo.SightlineSource;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SpanSource;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an SLO watches, as the investigation needs it: the spans counted (service, operation,
 * attribute filters) and what makes one bad (an error status, or a duration over a threshold).
 */
public record Scope(
    String service,
    @Nullable String operation,
    Map<String, String> attributes,
    boolean errorsAreBad,
    @Nullable Duration latencyThreshold) {
  public Scope {
    requireNonNull(service, "service");
    attributes = Map.copyOf(attributes);
  }

  /**
   * The scope of {@code slo}'s indicator: the total side's spans; bad = error when the good side
   * asks for {@code status: ok} (or the bad side for {@code status: error}), slow when either side
   * has a {@code maxDurationMs}. An indicator over OTLP metrics is scoped to its SLO's service.
   */
  public static Scope of(Slo slo) {
    RatioMetric ratio = slo.indicator().ratioMetric();
    SightlineSource total = ratio.total();
    SightlineSource side = ratio.good() != null ? ratio.good() : ratio.bad();
    if (!(total instanceof SpanSource t)) {
      return new Scope(slo.service(), null, Map.of(), true, null);
    }
    boolean errors = false;
    Duration threshold = null;
    if (side instanceof SpanSource s) {
      errors = s.status() != null;
      threshold = s.maxDuration();
    }
    if (!errors && threshold == null) errors = true;
    return new Scope(t.service(), t.operation(), t.attributes(), errors, threshold);
  }
}
