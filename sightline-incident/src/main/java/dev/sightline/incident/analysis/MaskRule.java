package dev.sightline.incident.analysis;

/**
 * A kind of variable text that {@link MessageMasker} replaces with {@value MessageMasker#WILDCARD}.
 */
public enum MaskRule {
  /** Integers and decimals standing alone or delimited by non-alphanumerics ({@code id=42}). */
  NUMBER,
  /**
   * {@code 0x1f}, and runs of 8 or more hex digits holding at least one digit ({@code 4bf92f35}).
   */
  HEX,
  /** {@code 123e4567-e89b-12d3-a456-426614174000}, either case. */
  UUID,
  /** IPv4 addresses with an optional port ({@code 10.0.0.5:5432}). */
  IP,
  /** A number with a time unit ({@code 350ms}, {@code 1.5s}, {@code 20us}). */
  DURATION,
  /** Text in single or double quotes, possibly spanning several words. */
  QUOTED,
  /** E-mail addresses. */
  EMAIL
}
