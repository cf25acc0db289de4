package dev.sightline.kit.trace;

/**
 * Marker for exceptions that mean "the request broke a business rule", the Java counterpart of
 * wrapping Go's {@code ErrBusinessValidation}. The default {@link ErrorClassifier} classifies a
 * throwable as {@link ErrorClass#BUSINESS_VALIDATION} when it or one of its causes implements this
 * interface.
 */
public interface BusinessValidationFailure {}
