package dev.sightline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Any text as a duration or a byte size (configuration, flags, the SLO API's {@code step}): {@link
 * ConfigLoader#parseDuration} returns a non-negative duration and {@link ConfigLoader#parseBytes} a
 * positive size, or they throw {@link IllegalArgumentException}; no other exception. Seeds: {@code
 * ConfigLoaderFuzzTestInputs/parse/}. See docs/fuzzing.md.
 */
class ConfigLoaderFuzzTest {
  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    try {
      assertThat(ConfigLoader.parseDuration(value).isNegative()).as(value).isFalse();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    try {
      assertThat(ConfigLoader.parseBytes(value)).as(value).isPositive();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
