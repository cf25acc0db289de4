package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.testing.TelemetryGenerator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged write survives SIGKILL: a child JVM writes and prints each acknowledgement, is
 * killed with {@code destroyForcibly()} while writes are in flight, and every acknowledged trace is
 * then found complete. Unacknowledged batches are either complete or absent (atomic).
 */
class KillDurabilityTest {

  @Test
  void acknowledgedWritesSurviveKill9(@TempDir Path dir) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<Integer, String> acked = new LinkedHashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          acked.put(Integer.parseInt(parts[1]), parts[2]);
          // SIGKILL mid-stream; through the handle, which (unlike Process) keeps the pipe open so
          // acknowledgements printed before the kill are still read
          if (acked.size() == 300) child.toHandle().destroyForcibly();
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).as("killed, not exited").isEqualTo(137);
    assertThat(acked).hasSizeGreaterThanOrEqualTo(300);

    int maxIndex = acked.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
    TelemetryGenerator generator = CrashingWriter.generator();
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i <= maxIndex + 64; i++) traces.add(generator.nextTrace());

    try (DuckDbStorage storage = DuckDbStorage.builder().dataDir(dir).build()) {
      int unacknowledgedButStored = 0;
      for (int i = 0; i < traces.size(); i++) {
        List<Span> trace = traces.get(i);
        String traceId = trace.get(0).traceId();
        List<Span> stored = storage.traceReader().getTrace(trace.get(0).tenant(), traceId);
        if (acked.containsKey(i)) {
          assertThat(acked.get(i)).isEqualTo(traceId);
          assertThat(stored)
              .as("acknowledged trace %s", i)
              .containsExactlyInAnyOrderElementsOf(trace);
        } else {
          assertThat(stored.size())
              .as("unacknowledged trace %s is all or nothing", i)
              .isIn(0, trace.size());
          if (!stored.isEmpty()) unacknowledgedButStored++;
        }
      }
      // committed but killed before its acknowledgement was printed: allowed, and reported
      System.out.println(
          "acknowledged "
              + acked.size()
              + ", stored without acknowledgement "
              + unacknowledgedButStored);
    }
  }
}
