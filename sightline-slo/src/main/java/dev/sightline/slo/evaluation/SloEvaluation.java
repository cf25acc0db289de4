package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** What {@link BurnRateEvaluator} found for one SLO. */
public sealed interface SloEvaluation {

  /** The SLO's name. */
  String slo();

  /** The SLO evaluated as of {@code asOf}, one entry per objective in the spec's order. */
  record Evaluated(String slo, Instant asOf, List<ObjectiveEvaluation> objectives)
      implements SloEvaluation {
    public Evaluated {
      requireNonNull(slo, "slo");
      requireNonNull(asOf, "asOf");
      objectives = List.copyOf(objectives);
    }
  }

  /** The SLO's indicator cannot be computed from span metrics; {@code reason} says why. */
  record Unsupported(String slo, String reason) implements SloEvaluation {
    public Unsupported {
      requireNonNull(slo, "slo");
      requireNonNull(reason, "reason");
    }
  }
}
