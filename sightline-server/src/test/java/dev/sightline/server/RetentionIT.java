package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes by event time: telemetry from 2018 goes, today's stays. */
class RetentionIT {
  @TempDir Path dataDir;

  @Test
  void retentionRemovesOnlyTelemetryOlderThanTheWindow() throws Exception {
    try (TestServer server = TestServer.start(dataDir, "retention", "1d")) {
      Path examples = OtlpHttpInputIT.EXAMPLES;
      assertThat(
              server
                  .post(
                      "/v1/traces",
                      "application/json",
                      Files.readAllBytes(examples.resolve("trace.json")))
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              server
                  .post(
                      "/v1/logs",
                      "application/json",
                      Files.readAllBytes(examples.resolve("logs.json")))
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              server
                  .post(
                      "/v1/metrics",
                      "application/json",
                      Files.readAllBytes(examples.resolve("metrics.json")))
                  .statusCode())
          .isEqualTo(200);
      List<String> fresh = new ArrayList<>();
      assertThat(
              server
                  .post(
                      "/v1/traces",
                      "application/x-protobuf",
                      DurabilityIT.request(new Random(1), 1, fresh).toByteArray())
                  .statusCode())
          .isEqualTo(200);

      assertThat(server.server.applyRetention()).isPositive();

      assertThat(server.get("/api/v1/traces/5b8efff798038103d269b633813fc60c").status())
          .isEqualTo(404);
      assertThat(server.get("/api/v1/traces/" + fresh.get(0)).status()).isEqualTo(200);
      assertThat(server.get("/api/v1/logs?start=0").json().get("logs")).isEmpty();
      assertThat(server.get("/api/v1/metrics/names?start=0").json().get("names")).isEmpty();
    }
  }
}
