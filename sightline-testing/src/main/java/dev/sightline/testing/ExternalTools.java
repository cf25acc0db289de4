package dev.sightline.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Real servers, tools and commands from the machine that tests talk to or run (Alertmanager,
 * promtool, Chromium and its chromedriver, ClickHouse and ZooKeeper from Debian's packages; git and
 * Maven). Missing ones never fail a developer's run silently nor get installed behind their back:
 * outside CI the test is skipped with the command to run; under {@code CI=true} the test servers
 * are installed by {@code scripts/install-test-servers} (its output shown) and a test fails if what
 * it needs is still missing. {@link #decide} is that choice as a pure function.
 */
public final class ExternalTools {
  /** What the tests need to install the Debian packages, as a developer reads it in a skip. */
  public static final String INSTALL_COMMAND =
      "scripts/install-test-servers (needs root or sudo; installs prometheus-alertmanager,"
          + " prometheus, chromium, chromium-driver, clickhouse-server and zookeeper from Debian's"
          + " packages)";

  private static final String SCRIPT = "scripts/install-test-servers";

  private static boolean installed;

  private ExternalTools() {}

  /** What a test does about a binary it needs. */
  public enum Decision {
    /** The binary is there: use it. */
    USE,
    /** Missing under CI: install it (test servers) or fail (anything else). */
    INSTALL_OR_FAIL,
    /** Missing outside CI: skip the test, saying how to get the binary. */
    SKIP
  }

  /**
   * The decision for a binary that was {@code found} or not, given the value of the environment
   * variable {@code CI} (null when unset).
   */
  public static Decision decide(boolean found, @Nullable String ciEnv) {
    if (found) return Decision.USE;
    return isCi(ciEnv) ? Decision.INSTALL_OR_FAIL : Decision.SKIP;
  }

  /** True when the {@code CI} environment variable says this is a CI run ({@code true}). */
  public static boolean isCi(@Nullable String ciEnv) {
    return ciEnv != null && ciEnv.trim().equalsIgnoreCase("true");
  }

  /**
   * The absolute path of the test server or tool {@code binary} (from {@code
   * scripts/install-test-servers}) on the {@code PATH}. When it is missing: under {@code CI=true}
   * the script installs it, and this fails if that did not work; otherwise the calling test is
   * skipped with the command to run.
   *
   * @throws IllegalStateException under CI when the binary could not be installed
   * @throws org.opentest4j.TestAbortedException outside CI when the binary is missing (a skip)
   */
  public static synchronized Path require(String binary) {
    Path found = find(binary);
    return switch (decide(found != null, System.getenv("CI"))) {
      case USE -> found;
      case SKIP -> skip(skipMessage(binary));
      case INSTALL_OR_FAIL -> installed(binary);
    };
  }

  /**
   * The absolute path of the command {@code binary} on the {@code PATH}, which the project does not
   * install (such as {@code git}): when it is missing, fails under {@code CI=true} and skips the
   * calling test otherwise, saying {@code why} it is needed.
   */
  public static Path requireCommand(String binary, String why) {
    Path found = find(binary);
    String missing = binary + " is not on the PATH; it is needed " + why;
    return switch (decide(found != null, System.getenv("CI"))) {
      case USE -> found;
      case SKIP -> skip(missing);
      case INSTALL_OR_FAIL -> throw new IllegalStateException(missing + " (CI=true)");
    };
  }

  /** Skips the calling test, also printing why: the build's summary shows only a count. */
  private static Path skip(String message) {
    System.out.println("Skipped: " + message);
    return Assumptions.abort(message);
  }

  /** Installs the test servers once per JVM; the path of {@code binary} after that. */
  private static Path installed(String binary) {
    if (!installed) {
      installed = true;
      install();
    }
    Path found = find(binary);
    if (found == null) {
      throw new IllegalStateException(
          binary + " is not on the PATH after " + SCRIPT + " ran (CI=true)");
    }
    return found;
  }

  /** Why a test that needs {@code binary} is skipped outside CI. */
  static String skipMessage(String binary) {
    return binary
        + " is not installed, so this test is skipped; to run it, run "
        + INSTALL_COMMAND
        + ". Under CI=true the tests install it themselves.";
  }

  /** The executable {@code binary} in a folder of the {@code PATH}, or null. */
  public static @Nullable Path find(String binary) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toAbsolutePath();
    }
    return null;
  }

  /** Runs the install script, its output going to the test's output line by line. */
  private static void install() {
    Path script = projectRoot().resolve(SCRIPT);
    System.out.println("CI=true: running " + script);
    try {
      Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          System.out.println("  > " + line);
        }
      }
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " did not finish in 15 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            script + " failed with exit code " + p.exitValue() + " (its output is above)");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  /**
   * The repository root: the nearest directory above the working directory with {@code
   * scripts/install-test-servers}.
   */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(SCRIPT))) return d;
    }
    throw new IllegalStateException("no " + SCRIPT + " above " + dir);
  }
}
