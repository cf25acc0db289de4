package dev.sightline.incident;

/** The incident cannot move to the requested status from its current one. */
public final class IllegalTransitionException extends RuntimeException {
  public IllegalTransitionException(String message) {
    super(message);
  }
}
