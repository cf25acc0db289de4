package dev.sightline.core.model;

/** Span status code; {@link #ordinal()} equals the OTLP enum number. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR;

  private static final StatusCode[] VALUES = values();

  /** Maps an OTLP enum number; unknown numbers map to {@link #UNSET}. */
  public static StatusCode fromNumber(int number) {
    return number >= 0 && number < VALUES.length ? VALUES[number] : UNSET;
  }
}
