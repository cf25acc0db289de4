package dev.sightline.kit.baggage;

/** Thrown by {@link BaggageGuard#put} when an entry breaks a rule; {@link #reason()} says which. */
public final class BaggageRejectedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why an entry was rejected. */
  public enum Reason {
    /** The key does not follow the key-name rule (lower-case, dot-separated: {@code tenant.id}). */
    INVALID_KEY,
    /** The key names personal data ({@code phone}, {@code email}, {@code card}...). */
    DENIED_KEY,
    /** The value looks like personal data (a phone number, e-mail address or card number). */
    PII_VALUE,
    /** The baggage would exceed the total size cap once encoded as a W3C header. */
    TOO_LARGE
  }

  private final Reason reason;
  private final String key;

  BaggageRejectedException(Reason reason, String key, String message) {
    super(message);
    this.reason = reason;
    this.key = key;
  }

  public Reason reason() {
    return reason;
  }

  public String key() {
    return key;
  }
}
