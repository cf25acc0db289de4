package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window and baseline rules of {@link IncidentWindows}, on hand-picked instants. */
class IncidentWindowsTest {
  static final Instant T = Instant.parse("2026-11-30T12:00:00Z");
  static final Duration HOUR = Duration.ofHours(1);

  static Instant minus(int minutes) {
    return T.minus(Duration.ofMinutes(minutes));
  }

  @Test
  void baseline_isTheConfiguredLength_whenHistoryAllows() {
    assertThat(IncidentWindows.baseline(T, HOUR, minus(300), List.of()))
        .isEqualTo(new TimeWindow(minus(60), T));
  }

  @Test
  void baseline_isTheHistoryThatExists_andNoneWithoutHistory() {
    assertThat(IncidentWindows.baseline(T, HOUR, minus(20), List.of()))
        .isEqualTo(new TimeWindow(minus(20), T));
    assertThat(IncidentWindows.baseline(T, HOUR, T, List.of()).length()).isZero();
    assertThat(IncidentWindows.baseline(T, HOUR, T.plusSeconds(60), List.of()).length()).isZero();
    assertThat(IncidentWindows.baseline(T, HOUR, null, List.of()).length()).isZero();
  }

  @Test
  void baseline_skipsThePreviousEpisode() {
    // a previous episode from -40 to -2 minutes: 2 healthy minutes after it are too few, so the
    // baseline is the hour before it (bounded by the data, from -70)
    TimeWindow episode = new TimeWindow(minus(40), minus(2));
    assertThat(IncidentWindows.baseline(T, HOUR, minus(70), List.of(episode)))
        .isEqualTo(new TimeWindow(minus(70), minus(40)));
    // enough healthy time after it: the stretch after it
    TimeWindow older = new TimeWindow(minus(50), minus(30));
    assertThat(IncidentWindows.baseline(T, HOUR, minus(300), List.of(older)))
        .isEqualTo(new TimeWindow(minus(30), T));
    // nothing healthy at all: none
    TimeWindow all = new TimeWindow(minus(70), T);
    assertThat(IncidentWindows.baseline(T, HOUR, minus(70), List.of(all)).length()).isZero();
  }

  @Test
  void window_startsBeforeTheBurn_butNotBeforeTheFloor_andLeavesHalfTheHistory() {
    Duration before = Duration.ofMinutes(10);
    assertThat(IncidentWindows.window(minus(20), before, T, null, minus(300)))
        .isEqualTo(new TimeWindow(minus(30), T));
    // the previous episode ended 25 minutes ago
    assertThat(IncidentWindows.window(minus(20), before, T, minus(25), minus(300)))
        .isEqualTo(new TimeWindow(minus(25), T));
    // 6 minutes of history before the burn: the window takes 3
    assertThat(IncidentWindows.window(minus(20), before, T, null, minus(26)))
        .isEqualTo(new TimeWindow(minus(23), T));
  }

  @Test
  void previousEpisodeEnd_isTheLatestResolution() {
    Incident i = FileIncidentStoreRoundTripTest.sample();
    Incident resolved =
        i.withEvent(minus(50), "alert-resolved", "alert resolved")
            .withStatus(IncidentStatus.RESOLVED, minus(30), "resolved", "resolved");
    assertThat(IncidentWindows.previousEpisodeEnd(List.of(resolved))).isEqualTo(minus(30));
    assertThat(IncidentWindows.previousEpisodeEnd(List.of())).isNull();
  }
}
