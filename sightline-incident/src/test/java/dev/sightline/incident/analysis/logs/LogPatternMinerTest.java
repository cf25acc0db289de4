package dev.sightline.incident.analysis.logs;

import static dev.sightline.incident.analysis.AnalysisFixtures.ms;
import static dev.sightline.incident.analysis.AnalysisFixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LogPatternMinerTest {
  static LogRecord log(int n, String severity, String body) {
    return LogRecord.builder()
        .timeUnixNano(ms(n))
        .severity(severity.equals("ERROR") ? 17 : 9, severity)
        .body(body)
        .traceId(traceId(n))
        .spanId(String.format("%016x", n + 1))
        .resource(Resource.of(Attributes.ofStrings("service.name", "orders")))
        .build();
  }

  /** A realistic mix: 4 kinds of message with variable parts. */
  static List<LogRecord> realistic() {
    List<LogRecord> logs = new ArrayList<>();
    String[] hosts = {"db-primary", "db-replica", "10.0.0.5", "10.0.0.6"};
    String[] users = {"alice", "bob", "carol"};
    for (int i = 0; i < 40; i++) {
      logs.add(
          log(
              i,
              "ERROR",
              "connection to "
                  + hosts[i % 4]
                  + ":5432 timed out after "
                  + (1000 + 500 * (i % 3))
                  + " ms"));
      logs.add(
          log(
              i,
              "INFO",
              "user " + users[i % 3] + " logged in from 192.168.1." + i + " in " + (i + 3) + "ms"));
      if (i % 2 == 0) {
        logs.add(
            log(i, "WARN", "payment declined for order " + (9000 + i) + ": insufficient funds"));
      }
      if (i % 4 == 0) {
        logs.add(log(i, "INFO", "cache miss for key cart:" + i + " (size=" + (i * 3) + ")"));
      }
    }
    return logs;
  }

  @Test
  void collapsesVariantsIntoTemplatesAndKeepsDifferentMessagesApart() {
    List<LogPattern> patterns = LogPatternMiner.builder().build().mine(realistic());

    Map<String, Long> counts =
        patterns.stream().collect(Collectors.toMap(LogPattern::template, LogPattern::count));
    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "connection to <*> timed out after <*> ms", 40L,
                "user <*> logged in from <*> in <*>", 40L,
                "payment declined for order <*>: insufficient funds", 20L,
                "cache miss for key cart:<*> (size=<*>)", 10L));
    LogPattern top = patterns.get(0);
    assertThat(top.id()).isEqualTo(1);
    assertThat(top.template()).isEqualTo("connection to <*> timed out after <*> ms");
    assertThat(top.severities()).containsExactly(Map.entry("ERROR", 40L));
    assertThat(top.examples()).hasSize(3);
    LogExample first = top.examples().get(0);
    assertThat(first.body()).isEqualTo("connection to db-primary:5432 timed out after 1000 ms");
    assertThat(first.traceId()).isEqualTo(traceId(0));
    assertThat(first.service()).isEqualTo("orders");
    assertThat(first.timeUnixNano()).isEqualTo(ms(0));
  }

  @Test
  void similarMessagesOfTheSameLengthSplitBelowTheThreshold() {
    List<LogRecord> logs =
        List.of(
            log(1, "INFO", "order placed by customer"),
            log(2, "INFO", "order placed for partner"),
            log(3, "INFO", "order placed by partner"));
    LogPatternMiner strict = LogPatternMiner.builder().similarityThreshold(0.7).build();

    assertThat(strict.mine(logs))
        .extracting(LogPattern::template)
        .containsExactly("order placed by <*>", "order placed for partner");
    // Drain's default 0.4 merges them: 2 of 4 tokens match
    assertThat(LogPatternMiner.builder().build().mine(logs))
        .extracting(LogPattern::template)
        .containsExactly("order placed <*> <*>");
  }

  @Test
  void routesByFirstTokenSoDifferentStartsNeverMerge() {
    List<LogRecord> logs =
        List.of(log(1, "INFO", "retrying request now"), log(2, "INFO", "failed request now"));
    assertThat(LogPatternMiner.builder().build().mine(logs)).hasSize(2);
  }

  @Test
  void usesTheFirstLineOfNonStringAndMultiLineBodies() {
    List<LogRecord> logs =
        List.of(
            LogRecord.builder().body(AnyValue.of(42L)).build(),
            LogRecord.builder()
                .body("boom at step 1\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)")
                .build(),
            LogRecord.builder().body("boom at step 2\n\tat A.b(A.java:1)").build(),
            LogRecord.builder().build());

    List<LogPattern> patterns = LogPatternMiner.builder().build().mine(logs);

    assertThat(patterns)
        .extracting(LogPattern::template, LogPattern::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("boom at step <*>", 2L),
            org.assertj.core.groups.Tuple.tuple("<*>", 1L),
            org.assertj.core.groups.Tuple.tuple("", 1L));
    assertThat(patterns.get(0).examples().get(0).body()).contains("A.java");
    assertThat(patterns.get(2).severities()).containsOnlyKeys("UNSPECIFIED");
  }

  @Test
  void linesBeyondTheClusterCapGoToTheCatchAll() {
    List<LogRecord> logs =
        List.of(
            log(1, "INFO", "alpha one"),
            log(2, "INFO", "beta two three"),
            log(3, "INFO", "gamma four five six"),
            log(4, "INFO", "alpha one"));
    List<LogPattern> patterns = LogPatternMiner.builder().maxClusters(1).build().mine(logs);
    assertThat(patterns)
        .extracting(LogPattern::id, LogPattern::template, LogPattern::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "alpha one", 2L),
            org.assertj.core.groups.Tuple.tuple(LogPatternMiner.OVERFLOW_ID, "<*>", 2L));
  }

  @Test
  void maxChildrenSendsNewFirstTokensToTheWildcardBranch() {
    LogPatternMiner miner =
        LogPatternMiner.builder().depth(4).maxChildren(2).similarityThreshold(0.5).build();
    List<LogRecord> logs =
        List.of(
            log(1, "INFO", "alpha started job"),
            log(2, "INFO", "beta started job"),
            log(3, "INFO", "gamma started job"));
    // alpha gets its own branch; beta and gamma share the wildcard branch and merge there
    assertThat(miner.mine(logs))
        .extracting(LogPattern::template)
        .containsExactly("<*> started job", "alpha started job");
  }

  @Test
  void validatesItsOptions() {
    assertThatThrownBy(() -> LogPatternMiner.builder().depth(2)).hasMessageContaining("depth");
    assertThatThrownBy(() -> LogPatternMiner.builder().similarityThreshold(0))
        .hasMessageContaining("similarityThreshold");
    assertThatThrownBy(() -> LogPatternMiner.builder().maxChildren(1))
        .hasMessageContaining("maxChildren");
  }
}
