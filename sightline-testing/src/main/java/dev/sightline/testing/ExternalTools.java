package dev.sightline.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real servers and tools from Debian's packages that tests talk to (Alertmanager, promtool). A test
 * asks for a binary with {@link #require}; when it is missing, the project's {@code
 * scripts/install-test-servers} installs it once, so {@code mvn -B verify} on a fresh machine needs
 * nothing else.
 */
public final class ExternalTools {
  private ExternalTools() {}

  private static boolean installed;

  /**
   * The absolute path of {@code binary} on the {@code PATH}, installing the test servers first when
   * it is missing.
   *
   * @throws IllegalStateException if the install fails or the binary is still missing
   */
  public static synchronized Path require(String binary) {
    Path found = find(binary);
    if (found != null) return found;
    if (!installed) {
      install();
      installed = true;
    }
    found = find(binary);
    if (found == null) {
      throw new IllegalStateException(
          binary + " is not on the PATH after scripts/install-test-servers ran");
    }
    return found;
  }

  private static Path find(String binary) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  private static void install() {
    Path script = projectRoot().resolve("scripts/install-test-servers");
    try {
      Process p =
          new ProcessBuilder(script.toString()).redirectErrorStream(true).inheritIO().start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " did not finish in 15 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(script + " failed with exit code " + p.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  /**
   * The repository root: the nearest directory above the working directory with {@code scripts/}.
   */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/install-test-servers"))) return d;
    }
    throw new IllegalStateException("no scripts/install-test-servers above " + dir);
  }
}
