package dev.sightline.incident.analysis.logs;

import static dev.sightline.incident.analysis.AnalysisFixtures.traceId;
import static dev.sightline.incident.analysis.logs.LogPatternMinerTest.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sightline.core.model.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogPatternComparisonTest {

  private static List<LogRecord> window(int base, int logins, int cacheMisses, int timeouts) {
    List<LogRecord> logs = new ArrayList<>();
    for (int i = 0; i < logins; i++) {
      logs.add(log(base + i, "INFO", "user u" + i + " logged in from 10.1.0." + (i % 200)));
    }
    for (int i = 0; i < cacheMisses; i++) {
      logs.add(log(base + 1000 + i, "INFO", "cache miss for key cart:" + i));
    }
    for (int i = 0; i < timeouts; i++) {
      logs.add(
          log(base + 2000 + i, "ERROR", "upstream payment timed out after " + (100 + i) + " ms"));
    }
    return logs;
  }

  @Test
  void newPatternsFirstThenIncreasedOnesThenTheRest() {
    List<LogRecord> baseline = window(0, 100, 10, 0);
    List<LogRecord> bad = window(10_000, 100, 60, 30);

    List<PatternChange> changes = LogPatternComparison.builder().build().compare(bad, baseline);

    assertThat(changes)
        .extracting(c -> c.pattern().template())
        .containsExactly(
            "upstream payment timed out after <*> ms",
            "cache miss for key cart:<*>",
            "user <*> logged in from <*>");
    PatternChange timeout = changes.get(0);
    assertThat(timeout.isNew()).isTrue();
    assertThat(timeout.count()).isEqualTo(30);
    assertThat(timeout.baselineCount()).isZero();
    assertThat(timeout.ratio()).as("nothing to divide by: null, not infinite").isNull();
    assertThat(timeout.exampleTraceIds()).hasSize(3).startsWith(traceId(12_000));
    assertThat(timeout.pattern().severities()).containsOnlyKeys("ERROR");

    PatternChange miss = changes.get(1);
    assertThat(miss.isNew()).isFalse();
    assertThat(miss.increased()).isTrue();
    assertThat(miss.count()).isEqualTo(60);
    assertThat(miss.baselineCount()).isEqualTo(10);
    // shares: 60/190 against 10/110
    assertThat(miss.ratio()).isCloseTo((60 / 190.0) / (10 / 110.0), within(1e-9));
    assertThat(miss.ratePerMinute()).as("no window lengths given").isNull();
    assertThat(miss.baselineRatePerMinute()).isNull();
    // examples come from the fault window only
    assertThat(miss.pattern().examples().get(0).traceId()).isEqualTo(traceId(11_000));

    PatternChange login = changes.get(2);
    assertThat(login.increased()).isFalse();
    assertThat(login.isNew()).isFalse();
  }

  @Test
  void withWindowsComparesRatesPerMinute() {
    // the same 10 records in a 5-minute window as in a 60-minute baseline: 12 times the rate
    List<LogRecord> baseline = window(0, 0, 10, 0);
    List<LogRecord> bad = window(10_000, 0, 10, 0);

    List<PatternChange> changes =
        LogPatternComparison.builder()
            .windows(Duration.ofMinutes(5), Duration.ofMinutes(60))
            .build()
            .compare(bad, baseline);

    assertThat(changes).hasSize(1);
    PatternChange miss = changes.get(0);
    assertThat(miss.ratePerMinute()).isCloseTo(2.0, within(1e-9));
    assertThat(miss.baselineRatePerMinute()).isCloseTo(10 / 60.0, within(1e-9));
    assertThat(miss.ratio()).isCloseTo(12.0, within(1e-9));
    assertThat(miss.increased()).isTrue();
  }

  @Test
  void patternsOnlyInTheBaselineAreNotReported() {
    List<PatternChange> changes =
        LogPatternComparison.builder().build().compare(window(0, 5, 0, 0), window(100, 5, 5, 5));
    assertThat(changes)
        .extracting(c -> c.pattern().template())
        .containsExactly("user <*> logged in from <*>");
    // compared as shares of each side's records: 5/5 against 5/15
    assertThat(changes.get(0).ratio()).isCloseTo(3.0, within(1e-9));
  }

  @Test
  void withoutBaselineRecordsNoPatternIsNewOrIncreased() {
    List<LogRecord> bad = window(10_000, 20, 10, 5);

    List<PatternChange> changes =
        LogPatternComparison.builder()
            .windows(Duration.ofMinutes(5), Duration.ofMinutes(3))
            .build()
            .compare(bad, List.of());

    // every pattern of the window is reported, as merely seen there
    assertThat(changes)
        .extracting(c -> c.pattern().template())
        .containsExactlyInAnyOrder(
            "upstream payment timed out after <*> ms",
            "cache miss for key cart:<*>",
            "user <*> logged in from <*>");
    assertThat(changes)
        .allSatisfy(
            c -> {
              assertThat(c.isNew()).isFalse();
              assertThat(c.increased()).isFalse();
              assertThat(c.ratio()).isNull();
              assertThat(c.baselineRatePerMinute()).isNull();
              assertThat(c.ratePerMinute()).isCloseTo(c.count() / 5.0, within(1e-9));
            });
  }

  @Test
  void aZeroLengthBaselineWindowComparesNothing() {
    List<PatternChange> changes =
        LogPatternComparison.builder()
            .windows(Duration.ofMinutes(5), Duration.ZERO)
            .build()
            .compare(window(10_000, 0, 10, 5), window(0, 0, 1, 0));

    assertThat(changes).hasSize(2).noneMatch(c -> c.isNew() || c.increased());
    assertThat(changes).allSatisfy(c -> assertThat(c.ratio()).isNull());
    assertThat(changes).allSatisfy(c -> assertThat(c.baselineRatePerMinute()).isNull());
  }

  @Test
  void aShortBaselineIsNormalisedByItsOwnLength() {
    // 3 records in a 3-minute baseline (1/min) against 10 in a 5-minute window (2/min)
    List<PatternChange> changes =
        LogPatternComparison.builder()
            .windows(Duration.ofMinutes(5), Duration.ofMinutes(3))
            .build()
            .compare(window(10_000, 0, 10, 0), window(0, 0, 3, 0));

    assertThat(changes).hasSize(1);
    PatternChange miss = changes.get(0);
    assertThat(miss.baselineRatePerMinute()).isCloseTo(1.0, within(1e-9));
    assertThat(miss.ratePerMinute()).isCloseTo(2.0, within(1e-9));
    assertThat(miss.ratio()).isCloseTo(2.0, within(1e-9));
    assertThat(miss.increased()).isTrue();
    assertThat(miss.isNew()).isFalse();
  }
}
