package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.testing.ExternalTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The repository is self-contained: a fresh {@code git clone} of the committed {@code HEAD}, in a
 * temporary folder with nothing beside it, passes the fast tests (sightline-core, sightline-otlp
 * and what they build on, including the OTLP example fixtures) with Maven offline, using the
 * artifacts the surrounding build already resolved.
 *
 * <p>It checks what is committed: uncommitted changes of the checkout the test runs in are not in
 * the clone, on purpose. Under {@code CI=true} it must run; elsewhere it is skipped when {@code
 * git} or {@code mvn} is missing.
 */
class FreshCloneIT {
  /** The fast tests: fuzz tests replay their seeds, but are not fuzzed (the ci-fuzz profile). */
  static final List<String> FAST_TESTS =
      List.of(
          "-B",
          "-o",
          "-q",
          "test",
          "-P",
          "!ci-fuzz",
          "-pl",
          "sightline-core,sightline-otlp",
          "-am");

  /** Test classes that must have run in the clone, by module. */
  static final Map<String, List<String>> MUST_RUN =
      Map.of(
          "sightline-otlp",
          List.of(
              "dev.sightline.otlp.OtlpExamplesTest", "dev.sightline.otlp.OtlpExampleFixturesTest"),
          "sightline-testing",
          List.of("dev.sightline.testing.ExternalToolsTest"));

  @Test
  void aFreshCloneOfTheCommittedHeadPassesTheFastTests() throws Exception {
    Path git = ExternalTools.requireCommand("git", "to clone the repository");
    Path mvn = maven();
    Path root = ExternalTools.projectRoot();
    String head = run(root, List.of(git.toString(), "rev-parse", "HEAD"), 60).trim();

    Path outer = Files.createTempDirectory("sightline-fresh-clone");
    try {
      Path clone = outer.resolve("repo");
      run(
          outer,
          List.of(git.toString(), "clone", "-q", "--no-checkout", root.toString(), "repo"),
          300);
      run(clone, List.of(git.toString(), "checkout", "-q", "--detach", head), 300);
      try (Stream<Path> beside = Files.list(outer)) {
        assertThat(beside).as("nothing beside the clone").containsExactly(clone);
      }

      List<String> command = new ArrayList<>(List.of(mvn.toString()));
      command.addAll(FAST_TESTS);
      run(clone, command, 900);

      for (Map.Entry<String, List<String>> module : MUST_RUN.entrySet()) {
        Path reports = clone.resolve(module.getKey()).resolve("target/surefire-reports");
        for (String testClass : module.getValue()) {
          Element suite = suite(reports.resolve("TEST-" + testClass + ".xml"));
          assertThat(Integer.parseInt(suite.getAttribute("tests"))).as(testClass).isPositive();
          assertThat(suite.getAttribute("failures")).as(testClass).isEqualTo("0");
          assertThat(suite.getAttribute("errors")).as(testClass).isEqualTo("0");
          assertThat(suite.getAttribute("skipped")).as(testClass).isEqualTo("0");
        }
      }
    } finally {
      deleteRecursively(outer);
    }
  }

  /**
   * The {@code mvn} of the Maven running this build ({@code maven.home}, set by the build), else of
   * {@code MAVEN_HOME}, else the one on the {@code PATH}.
   */
  static Path maven() {
    for (String home :
        new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME")}) {
      if (home == null || home.isBlank() || home.startsWith("${")) continue;
      Path mvn = Path.of(home, "bin", "mvn");
      if (Files.isExecutable(mvn)) return mvn;
    }
    return ExternalTools.requireCommand("mvn", "to build the fresh clone");
  }

  /** Runs {@code command} in {@code dir}; its output, asserting it exits 0 in time. */
  static String run(Path dir, List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("sightline-fresh-clone", ".log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // the child Maven finds its own project; nothing of this build's Maven may leak into it
      pb.environment()
          .keySet()
          .removeAll(List.of("MAVEN_PROJECTBASEDIR", "MAVEN_BASEDIR", "MAVEN_CMD_LINE_ARGS"));
      Process p = pb.start();
      p.getOutputStream().close();
      boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!done) p.destroyForcibly().waitFor();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(done)
          .as("%s finished within %d s; output:%n%s", command, timeoutSeconds, tail(output))
          .isTrue();
      assertThat(p.exitValue())
          .as("exit code of %s in %s; output:%n%s", command, dir, tail(output))
          .isZero();
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(String output) {
    return output.length() <= 20_000 ? output : "..." + output.substring(output.length() - 20_000);
  }

  private static Element suite(Path report) throws Exception {
    assertThat(report).as("surefire report of the clone").isRegularFile();
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(report.toFile())
        .getDocumentElement();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
