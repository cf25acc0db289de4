package dev.sightline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.testing.OtlpExamples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the committed {@code trace.protobuf-bin} example the protobuf encoding of {@code
 * trace.json}, and writes it: with {@code -Dsightline.writeOtlpExamples=true} (see the examples'
 * README) it regenerates the file in sightline-testing's source tree from {@code trace.json}
 * instead of failing. A generator in a test, so that it runs with the module's own decoder and
 * nothing else to set up.
 */
class OtlpExampleFixturesTest {
  static final String WRITE_PROPERTY = "sightline.writeOtlpExamples";

  @Test
  void committedTraceProtobufIsTheEncodingOfTraceJson() throws Exception {
    byte[] expected =
        OtlpJson.decodeTraces(OtlpExamples.bytes(OtlpExamples.TRACE_JSON)).toByteArray();
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Path target = sourceFolder().resolve(OtlpExamples.TRACE_PROTOBUF);
      Files.write(target, expected);
      System.out.println("wrote " + target + " (" + expected.length + " bytes)");
      return;
    }
    assertThat(OtlpExamples.bytes(OtlpExamples.TRACE_PROTOBUF))
        .as(
            "%s is not the protobuf encoding of %s: regenerate it with -D%s=true (see"
                + " sightline-testing/src/main/resources/%s/README.md)",
            OtlpExamples.TRACE_PROTOBUF,
            OtlpExamples.TRACE_JSON,
            WRITE_PROPERTY,
            OtlpExamples.RESOURCE_FOLDER)
        .isEqualTo(expected);
  }

  /** The examples' folder in sightline-testing's sources; tests run in sightline-otlp/. */
  private static Path sourceFolder() {
    Path folder =
        Path.of("..", "sightline-testing", "src", "main", "resources")
            .resolve(OtlpExamples.RESOURCE_FOLDER)
            .toAbsolutePath()
            .normalize();
    assertThat(folder.resolve(OtlpExamples.TRACE_JSON)).isRegularFile();
    return folder;
  }
}
