package dev.sightline.slo.evaluation;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link BurnRateEvaluator} found for one SLO. */
public sealed interface SloEvaluation {

  /** The SLO's name. */
  String slo();

  /**
   * The SLO evaluated as of {@code asOf}, one entry per objective in the spec's order.
   *
   * @param dataCoverage how far back the data of the SLO's scope reaches from {@code asOf} (the age
   *     of its oldest stored event); null when the scope has no data
   */
  record Evaluated(
      String slo,
      Instant asOf,
      List<ObjectiveEvaluation> objectives,
      @Nullable Duration dataCoverage)
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
