package dev.sightline.core.model;

/** Span kind; {@link #ordinal()} equals the OTLP enum number. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER;

  private static final SpanKind[] VALUES = values();

  /** Maps an OTLP enum number; unknown numbers map to {@link #UNSPECIFIED}. */
  public static SpanKind fromNumber(int number) {
    return number >= 0 && number < VALUES.length ? VALUES[number] : UNSPECIFIED;
  }
}
