package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Any text as the value of a query parameter, through every {@link QueryParameters} parser: each
 * either returns a value inside its documented range or throws {@link InvalidParameterException}
 * naming the parameter (HTTP 400); any other exception (HTTP 500) or an out-of-range value fails.
 * Seeds: {@code QueryParametersFuzzTestInputs/parse/}. See docs/fuzzing.md.
 */
class QueryParametersFuzzTest {
  private static final long MIN_NANOS = 0;
  private static final long MAX_NANOS = QueryParameters.MAX_TIME.getEpochSecond() * 1_000_000_000L;

  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    QueryParameters p = QueryParameters.of(Map.of("v", value));
    if (value.isEmpty()) {
      assertThat(p.timeAsUnixNanos("v")).as("empty is absent").isNull();
      assertThat(p.intValue("v", 7, 1, 500)).isEqualTo(7);
      return;
    }
    check(() -> assertThat(p.timeAsUnixNanos("v")).isBetween(MIN_NANOS, MAX_NANOS));
    check(() -> assertThat(p.longValue("v", -5, 1_000)).isBetween(-5L, 1_000L));
    check(() -> assertThat(p.longValue("v", Long.MIN_VALUE, Long.MAX_VALUE)).isNotNull());
    check(() -> assertThat(p.intValue("v", 7, 1, 500)).isBetween(1, 500));
    check(() -> assertThat(p.durationMsAsNanos("v")).isBetween(0L, 1_000_000_000_000_000_000L));
  }

  /** Runs a parser; a rejection must be the 400 exception, naming the parameter. */
  private static void check(Runnable parser) {
    try {
      parser.run();
    } catch (InvalidParameterException e) {
      assertThat(e.parameter()).isEqualTo("v");
      assertThat(e.getMessage()).contains("'v'");
    }
  }
}
