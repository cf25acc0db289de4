package dev.sightline.slo.alerting;

import dev.sightline.slo.SloProblem;
import java.util.List;

/** An SLO spec sent through the API was not accepted; {@link #status()} is the HTTP status. */
public final class SpecRejectedException extends RuntimeException {
  private final int status;
  private final List<SloProblem> problems;

  public SpecRejectedException(int status, String message) {
    this(status, message, List.of());
  }

  public SpecRejectedException(int status, String message, List<SloProblem> problems) {
    super(message);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  public int status() {
    return status;
  }

  /** The spec's problems, as {@code file:line: field: problem}; empty when not about content. */
  public List<SloProblem> problems() {
    return problems;
  }
}
