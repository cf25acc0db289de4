package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainSloLintTest {
  private static final String GOOD =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata: {name: place-order-availability}
      spec:
        service: order
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{displayName: availability, target: 0.999}]
        indicator:
          metadata: {name: place-order-ok}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, status: ok}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}
      """;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void cleanFolderExitsZero() throws Exception {
    Files.writeString(dir.resolve("good.yaml"), GOOD);
    assertThat(run("slo", "lint", dir.toString())).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("1 SLOs ok, 0 problems\n");
  }

  @Test
  void problemsArePrintedOnePerLineAndExitOne() throws Exception {
    Files.writeString(dir.resolve("good.yaml"), GOOD);
    Files.writeString(
        dir.resolve("bad.yaml"),
        GOOD.replace("place-order-availability", "other").replace("0.999", "1.5"));
    assertThat(run("slo", "lint", dir.toString())).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            dir.resolve("bad.yaml")
                + ":8: spec.objectives[0].target: must be between 0 and 1, got 1.5\n"
                + "1 SLOs ok, 1 problems\n");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(run("slo", "lint")).isEqualTo(2);
    assertThat(run("slo")).isEqualTo(2);
    assertThat(run("slo", "check", dir.toString())).isEqualTo(2);
    assertThat(run("slo", "lint", dir.resolve("missing").toString())).isEqualTo(2);
    Path file = Files.writeString(dir.resolve("file.yaml"), GOOD);
    assertThat(run("slo", "lint", file.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Usage: sightline slo lint DIR")
        .contains("not a directory: " + file);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void helpMentionsSloLint() {
    assertThat(run("help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("slo lint DIR");
  }
}
