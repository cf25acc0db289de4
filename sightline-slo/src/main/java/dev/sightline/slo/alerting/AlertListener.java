package dev.sightline.slo.alerting;

import java.util.List;

/**
 * Told about alert transitions by {@link SloMonitor}, on its evaluation thread: implementations
 * must return quickly (hand slow work such as HTTP delivery to their own threads) and should not
 * throw; an exception is logged and does not stop other listeners or later evaluations.
 */
public interface AlertListener {
  /** One transition, in the order the evaluation found them. */
  void onTransition(AlertTransition transition);

  /** After every evaluation, the alerts firing now (for notifiers that re-send firing alerts). */
  default void afterEvaluation(List<Alert> firing) {}
}
