package dev.sightline.kit.trace;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a failure is a business-validation failure or a system error (seed 004 §1.2).
 * Implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface ErrorClassifier {

  /** Classifies {@code error}. */
  ErrorClass classify(Throwable error);

  /**
   * The default: {@link ErrorClass#BUSINESS_VALIDATION} when the error or any of its causes
   * implements {@link BusinessValidationFailure}, otherwise {@link ErrorClass#SYSTEM}.
   */
  static ErrorClassifier defaults() {
    return businessValidation(List.of());
  }

  /**
   * Like {@link #defaults()}, and also treats the given exception types (and their subtypes)
   * anywhere in the cause chain as business-validation failures.
   */
  static ErrorClassifier businessValidation(List<Class<? extends Throwable>> types) {
    List<Class<? extends Throwable>> copy = List.copyOf(requireNonNull(types, "types"));
    return error -> {
      int depth = 0;
      for (@Nullable Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
        if (t instanceof BusinessValidationFailure) {
          return ErrorClass.BUSINESS_VALIDATION;
        }
        for (Class<? extends Throwable> type : copy) {
          if (type.isInstance(t)) {
            return ErrorClass.BUSINESS_VALIDATION;
          }
        }
      }
      return ErrorClass.SYSTEM;
    };
  }
}
