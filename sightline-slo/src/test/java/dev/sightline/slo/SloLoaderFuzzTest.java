package dev.sightline.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Any text as an OpenSLO file: {@link SloLoader#parse} never throws (a server reloading its SLO
 * folder must not fail on a bad file), answers within the per-input timeout (YAML bombs included),
 * and reports each problem with the file, a line in the file and a message. Seeds: {@code
 * SloLoaderFuzzTestInputs/parse/}, valid OpenSLO documents. See docs/fuzzing.md.
 */
class SloLoaderFuzzTest {
  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    SloCatalog catalog = SloLoader.parse(Map.of("fuzz.yaml", text));
    long lines = text.lines().count();
    for (SloProblem p : catalog.problems()) {
      assertThat(p.file()).isEqualTo("fuzz.yaml");
      assertThat(p.line()).as("line of %s", p).isBetween(1, (int) Math.max(1, lines + 1));
      assertThat(p.message()).as("message of %s", p).isNotBlank();
    }
  }
}
