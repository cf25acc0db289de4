package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.testing.OtlpExamples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention deletes by event time: the OTLP examples (telemetry of 2020-03-01) go, today's stays.
 */
class RetentionIT {
  @TempDir Path dataDir;

  @Test
  void retentionRemovesOnlyTelemetryOlderThanTheWindow() throws Exception {
    try (TestServer server = TestServer.start(dataDir, "retention", "1d")) {
      assertThat(post(server, "/v1/traces", OtlpExamples.TRACE_JSON)).isEqualTo(200);
      assertThat(post(server, "/v1/logs", OtlpExamples.LOGS_JSON)).isEqualTo(200);
      assertThat(post(server, "/v1/metrics", OtlpExamples.METRICS_JSON)).isEqualTo(200);
      List<String> fresh = new ArrayList<>();
      assertThat(
              server
                  .post(
                      "/v1/traces",
                      "application/x-protobuf",
                      DurabilityIT.request(new Random(1), 1, fresh).toByteArray())
                  .statusCode())
          .isEqualTo(200);
      // all of it is there before retention runs
      String oldTrace = "/api/v1/traces/" + OtlpExamples.TRACE_ID;
      assertThat(server.get(oldTrace).status()).isEqualTo(200);
      assertThat(server.get("/api/v1/logs?start=0").json().get("logs")).hasSize(1);
      assertThat(server.get("/api/v1/metrics/names?start=0").json().get("names")).hasSize(4);

      assertThat(server.server.applyRetention()).isPositive();

      assertThat(server.get(oldTrace).status()).isEqualTo(404);
      assertThat(server.get("/api/v1/traces/" + fresh.get(0)).status()).isEqualTo(200);
      assertThat(server.get("/api/v1/logs?start=0").json().get("logs")).isEmpty();
      assertThat(server.get("/api/v1/metrics/names?start=0").json().get("names")).isEmpty();
    }
  }

  private static int post(TestServer server, String path, String example) {
    return server.post(path, "application/json", OtlpExamples.bytes(example)).statusCode();
  }
}
