package dev.sightline.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Documents built to exhaust the parser are reported as problems, quickly: the loader's SnakeYAML
 * limits (aliases, nesting depth, size) are set explicitly in {@link SloLoader}.
 */
class YamlBombTest {
  @Test
  @Timeout(10)
  void billionLaughsIsAProblemNotAnExpansion() {
    StringBuilder yaml =
        new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      yaml.append("]\n");
    }
    SloCatalog c = SloLoader.parse(Map.of("bomb.yaml", yaml.toString()));
    assertThat(c.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("aliases"));
  }

  @Test
  @Timeout(10)
  void deepNestingIsAProblem() {
    String yaml = "[".repeat(10_000) + "]".repeat(10_000);
    SloCatalog c = SloLoader.parse(Map.of("deep.yaml", yaml));
    assertThat(c.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).containsIgnoringCase("nesting"));
  }

  @Test
  @Timeout(10)
  void oversizedFileIsAProblem() {
    String yaml = "description: " + "x".repeat(SloLoader.MAX_FILE_CODE_POINTS) + "\n";
    SloCatalog c = SloLoader.parse(Map.of("big.yaml", yaml));
    assertThat(c.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("code points"));
  }

  @Test
  void aFewAliasesStillWork() {
    String yaml =
        """
        apiVersion: openslo/v1
        kind: Service
        metadata: &m {name: shared}
        spec: {description: uses an anchor}
        """;
    assertThat(SloLoader.parse(Map.of("ok.yaml", yaml)).problems()).isEmpty();
  }
}
