package dev.sightline.slo;

import java.util.List;

/**
 * What {@link SloLoader} read from a folder: every valid spec by kind (SLOs with their references
 * resolved) and every problem found. An invalid document is left out; the others still load.
 */
public record SloCatalog(
    List<Slo> slos,
    List<Sli> slis,
    List<Service> services,
    List<AlertPolicy> alertPolicies,
    List<AlertCondition> alertConditions,
    List<AlertNotificationTarget> notificationTargets,
    List<SloProblem> problems) {
  public SloCatalog {
    slos = List.copyOf(slos);
    slis = List.copyOf(slis);
    services = List.copyOf(services);
    alertPolicies = List.copyOf(alertPolicies);
    alertConditions = List.copyOf(alertConditions);
    notificationTargets = List.copyOf(notificationTargets);
    problems = List.copyOf(problems);
  }
}
