package dev.sightline.server.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Found by {@link ConfigLoaderFuzzTest}: a negative ISO-8601 duration was accepted, and overflows
 * or a malformed ISO-8601 duration escaped as ArithmeticException or DateTimeParseException instead
 * of the documented IllegalArgumentException.
 */
class DurationAndSizeOverflowTest {
  @Test
  void negativeIsoDurationIsRejected() {
    assertThatThrownBy(() -> ConfigLoader.parseDuration("PT-1H"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void malformedIsoDurationIsAnIllegalArgument() {
    assertThatThrownBy(() -> ConfigLoader.parseDuration("P1Y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ISO-8601");
  }

  @Test
  void durationBeyondLongMillisIsAnIllegalArgument() {
    assertThatThrownBy(() -> ConfigLoader.parseDuration("9223372036854775807d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void sizeBeyondLongIsAnIllegalArgument() {
    assertThatThrownBy(() -> ConfigLoader.parseBytes("9223372036854775807GiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }
}
