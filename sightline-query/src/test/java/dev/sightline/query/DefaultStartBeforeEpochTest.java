package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Found by {@link QueryServiceParametersFuzzTest}: with {@code end} near the epoch and no {@code
 * start}, the default start (end minus the lookback) was negative and went to the storage as such.
 */
class DefaultStartBeforeEpochTest {
  private final QueryService service =
      QueryService.builder()
          .storage(RangeCheckingStorage.create())
          .clock(Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC))
          .build();

  @Test
  void defaultStartIsClampedToTheEpoch() {
    ApiResponse r = service.searchTraces("t", QueryParameters.of(Map.of("end", "20")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void endAtTheEpochWithoutStartIsAnEmptyRange() {
    ApiResponse r = service.searchLogs("t", QueryParameters.of(Map.of("end", "0")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("must be after start");
  }
}
