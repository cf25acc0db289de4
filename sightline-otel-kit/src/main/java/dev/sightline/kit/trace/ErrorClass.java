package dev.sightline.kit.trace;

/**
 * The two kinds of failure seed 004 §1.2 tells apart. The status description of a failed span is
 * {@link #statusDescription()}, so a backend can count system errors against an SLO and leave
 * rejected input out.
 */
public enum ErrorClass {
  /** The caller sent something the business rules reject (out of stock, invalid quantity...). */
  BUSINESS_VALIDATION("business_validation_failed"),
  /** Anything else: a bug, a timeout, an unavailable dependency. */
  SYSTEM("system_error");

  private final String statusDescription;

  ErrorClass(String statusDescription) {
    this.statusDescription = statusDescription;
  }

  /** The span status description for this class of error. */
  public String statusDescription() {
    return statusDescription;
  }
}
