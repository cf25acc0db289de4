package dev.sightline.kit.trace;

/** A ready-made unchecked {@link BusinessValidationFailure}. */
public class BusinessValidationException extends RuntimeException
    implements BusinessValidationFailure {
  private static final long serialVersionUID = 1L;

  public BusinessValidationException(String message) {
    super(message);
  }

  public BusinessValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
