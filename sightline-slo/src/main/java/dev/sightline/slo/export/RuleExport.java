package dev.sightline.slo.export;

import java.util.List;

/**
 * What {@link PrometheusRuleExporter#export} produced: a rules file ({@code groups:}) for the SLOs
 * that could be expressed, and one entry for each SLO left out.
 *
 * @param yaml the Prometheus rules file; {@code groups: []} when nothing was exported
 */
public record RuleExport(String yaml, List<SkippedSlo> skipped) {
  public RuleExport {
    skipped = List.copyOf(skipped);
  }

  /** An SLO that was not exported, and why. */
  public record SkippedSlo(String slo, String reason) {
    @Override
    public String toString() {
      return slo + ": " + reason;
    }
  }
}
