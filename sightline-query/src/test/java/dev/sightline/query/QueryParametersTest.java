package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParametersTest {
  @Test
  void timesAcceptRfc3339AndEpochMillis() {
    QueryParameters p =
        QueryParameters.of(
            Map.of(
                "a", "2025-11-21T08:00:00Z",
                "b", "2025-11-21T09:00:00.5+01:00",
                "c", "1763712000000"));
    assertThat(p.timeAsUnixNanos("a")).isEqualTo(1_763_712_000_000_000_000L);
    assertThat(p.timeAsUnixNanos("b")).isEqualTo(1_763_712_000_500_000_000L);
    assertThat(p.timeAsUnixNanos("c")).isEqualTo(1_763_712_000_000_000_000L);
    assertThat(p.timeAsUnixNanos("missing")).isNull();
  }

  @Test
  void badValuesNameTheParameter() {
    QueryParameters p =
        QueryParameters.of(
            Map.of("start", "yesterday", "end", "1763712000000000000", "limit", "x", "min", "-1"));
    assertThatThrownBy(() -> p.timeAsUnixNanos("start"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("'start'")
        .hasMessageContaining("RFC 3339");
    assertThatThrownBy(() -> p.timeAsUnixNanos("end")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> p.intValue("limit", 20, 1, 100)).hasMessageContaining("'limit'");
    assertThatThrownBy(() -> p.durationMsAsNanos("min")).hasMessageContaining("non-negative");
  }

  @Test
  void timesOutsideTheRepresentableRangeAreRefusedSoRangesCannotOverflow() {
    // the review's request: 1740 → 2262 made (end - start) overflow into a negative length
    QueryParameters p =
        QueryParameters.of(
            Map.of(
                "start", "1740-01-01T00:00:00Z",
                "end", "2262-04-01T00:00:00Z",
                "ok", "2199-12-31T23:59:59Z",
                "epoch", "0",
                "before", "1969-12-31T23:59:59Z"));
    assertThatThrownBy(() -> p.timeAsUnixNanos("start"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("'start'")
        .hasMessageContaining("must be between 1970-01-01T00:00:00Z and 2200-01-01T00:00:00Z");
    assertThatThrownBy(() -> p.timeAsUnixNanos("end")).hasMessageContaining("'end'");
    assertThatThrownBy(() -> p.timeAsUnixNanos("before")).hasMessageContaining("must be between");
    assertThat(p.timeAsUnixNanos("epoch")).isZero();
    long latest = p.timeAsUnixNanos("ok");
    // the longest range, rounded up to the largest step (366 days), still fits in a long
    long step = 366L * 86_400 * 1_000_000_000L;
    assertThat(Math.addExact(latest, step)).isPositive();
    assertThat(Math.subtractExact(latest, 0L) / 10_000_000_000L).isPositive();
  }

  @Test
  void durationsInMillisecondsAllowDecimals() {
    QueryParameters p = QueryParameters.of(Map.of("d", "1.5"));
    assertThat(p.durationMsAsNanos("d")).isEqualTo(1_500_000L);
  }
}
