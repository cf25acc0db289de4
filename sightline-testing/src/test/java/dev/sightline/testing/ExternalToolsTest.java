package dev.sightline.testing;

import static dev.sightline.testing.ExternalTools.Decision.INSTALL_OR_FAIL;
import static dev.sightline.testing.ExternalTools.Decision.SKIP;
import static dev.sightline.testing.ExternalTools.Decision.USE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The choice between using, installing (CI) and skipping (elsewhere) a missing test tool. */
class ExternalToolsTest {
  @Test
  void aBinaryThatIsThereIsUsedWhateverCiSays() {
    assertThat(ExternalTools.decide(true, null)).isEqualTo(USE);
    assertThat(ExternalTools.decide(true, "true")).isEqualTo(USE);
    assertThat(ExternalTools.decide(true, "false")).isEqualTo(USE);
  }

  @Test
  void aMissingBinaryIsInstalledOrFailsUnderCi() {
    assertThat(ExternalTools.decide(false, "true")).isEqualTo(INSTALL_OR_FAIL);
    assertThat(ExternalTools.decide(false, "TRUE")).isEqualTo(INSTALL_OR_FAIL);
    assertThat(ExternalTools.decide(false, " true\n")).isEqualTo(INSTALL_OR_FAIL);
  }

  @Test
  void aMissingBinaryIsSkippedOutsideCi() {
    assertThat(ExternalTools.decide(false, null)).isEqualTo(SKIP);
    assertThat(ExternalTools.decide(false, "")).isEqualTo(SKIP);
    assertThat(ExternalTools.decide(false, "false")).isEqualTo(SKIP);
    assertThat(ExternalTools.decide(false, "1")).isEqualTo(SKIP);
  }

  @Test
  void theSkipNamesTheCommandThatInstallsTheTools() {
    assertThat(ExternalTools.skipMessage("promtool"))
        .startsWith("promtool is not installed")
        .contains(
            "scripts/install-test-servers (needs root or sudo; installs prometheus-alertmanager,"
                + " prometheus, chromium, chromium-driver, clickhouse-server and zookeeper from"
                + " Debian's packages)")
        .contains("CI=true");
  }

  @Test
  void findLooksOnThePath() {
    assertThat(ExternalTools.find("sh")).isNotNull().satisfies(p -> Files.isExecutable(p));
    assertThat(ExternalTools.find("no-such-tool-of-sightline")).isNull();
  }

  @Test
  void theProjectRootHoldsTheInstallScript() {
    assertThat(ExternalTools.projectRoot().resolve("scripts/install-test-servers"))
        .isRegularFile()
        .isExecutable();
  }
}
