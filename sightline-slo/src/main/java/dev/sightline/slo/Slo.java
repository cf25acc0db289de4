package dev.sightline.slo;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OpenSLO {@code kind: SLO} with its indicator and alert policies resolved. The budgeting method is
 * always {@code Occurrences}.
 *
 * @param service the {@code spec.service} name (a {@link Service} of that name is optional)
 */
public record Slo(
    ObjectMeta metadata,
    @Nullable String description,
    String service,
    Sli indicator,
    TimeWindow timeWindow,
    List<Objective> objectives,
    List<AlertPolicy> alertPolicies,
    Responsibility responsibility) {
  public Slo {
    objectives = List.copyOf(objectives);
    alertPolicies = List.copyOf(alertPolicies);
  }
}
