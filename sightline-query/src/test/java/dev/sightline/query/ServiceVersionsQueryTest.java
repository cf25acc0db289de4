package dev.sightline.query;

import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.ReducedStorage;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/services/{service}/versions} over real storage ({@link StorageFixture}). */
class ServiceVersionsQueryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long MINUTE = 60_000_000_000L;
  static final long MILLI = 1_000_000L;

  @TempDir Path dir;

  static Span span(int n, String service, String version, long start) {
    return TestObjects.span(
            TENANT, TestObjects.traceId(n), TestObjects.spanId(n), "", service, "op", start, MILLI)
        .toBuilder()
        .resource(TestObjects.resource(service, version))
        .build();
  }

  static Map<String, String> window(long start, long end) {
    return Map.of("start", Long.toString(start / MILLI), "end", Long.toString(end / MILLI));
  }

  @Test
  void aDeploymentShowsAsANewVersion_parametersAreChecked() throws Exception {
    try (StorageFixture fixture = StorageFixture.create(dir)) {
      StorageComponent storage = fixture.open();
      storage
          .writer()
          .writeSpans(
              List.of(
                  span(1, "order", "1.4.2", NOW_NANOS - 30 * MINUTE),
                  span(2, "order", "1.4.2", NOW_NANOS - 20 * MINUTE),
                  span(3, "order", "1.5.0", NOW_NANOS - 10 * MINUTE),
                  span(4, "frontend", "2.0.0", NOW_NANOS - 10 * MINUTE)))
          .join();
      QueryService queries =
          QueryService.builder()
              .storage(storage)
              .clock(Clock.fixed(Instant.ofEpochSecond(0, NOW_NANOS), ZoneOffset.UTC))
              .build();

      ApiResponse r =
          queries.serviceVersions(
              TENANT, "order", QueryParameters.of(window(NOW_NANOS - 60 * MINUTE, NOW_NANOS)));
      assertThat(r.status()).isEqualTo(200);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("service").asText()).isEqualTo("order");
      JsonNode versions = body.get("versions");
      assertThat(versions).hasSize(2);
      assertThat(versions.get(0).get("version").asText()).isEqualTo("1.4.2");
      assertThat(versions.get(0).get("firstSeenUnixNano").asLong())
          .isEqualTo(NOW_NANOS - 30 * MINUTE);
      assertThat(versions.get(0).get("lastSeenUnixNano").asLong())
          .isEqualTo(NOW_NANOS - 20 * MINUTE);
      assertThat(versions.get(0).get("spans").asLong()).isEqualTo(2);
      assertThat(versions.get(1).get("version").asText()).isEqualTo("1.5.0");
      assertThat(versions.get(1).get("spans").asLong()).isEqualTo(1);

      // the range limits what is seen; the default range (24 h back from now) sees everything
      JsonNode recent =
          JSON.readTree(
              queries
                  .serviceVersions(
                      TENANT,
                      "order",
                      QueryParameters.of(window(NOW_NANOS - 15 * MINUTE, NOW_NANOS)))
                  .body());
      assertThat(recent.get("versions")).hasSize(1);
      assertThat(
              JSON.readTree(
                      queries.serviceVersions(TENANT, "order", QueryParameters.of(Map.of())).body())
                  .get("versions"))
          .hasSize(2);

      // an unknown service has no versions
      ApiResponse unknown = queries.serviceVersions(TENANT, "nope", QueryParameters.of(Map.of()));
      assertThat(unknown.status()).isEqualTo(200);
      assertThat(JSON.readTree(unknown.body()).get("versions")).isEmpty();

      // a bad range or an unknown parameter: 400 naming it
      ApiResponse badStart =
          queries.serviceVersions(TENANT, "order", QueryParameters.of(Map.of("start", "soon")));
      assertThat(badStart.status()).isEqualTo(400);
      assertThat(JSON.readTree(badStart.body()).get("error").get("parameter").asText())
          .isEqualTo("start");
      ApiResponse inverted =
          queries.serviceVersions(
              TENANT, "order", QueryParameters.of(window(NOW_NANOS, NOW_NANOS - MINUTE)));
      assertThat(inverted.status()).isEqualTo(400);
      assertThat(JSON.readTree(inverted.body()).get("error").get("parameter").asText())
          .isEqualTo("end");
      ApiResponse unknownParameter =
          queries.serviceVersions(TENANT, "order", QueryParameters.of(Map.of("step", "1m")));
      assertThat(unknownParameter.status()).isEqualTo(400);
      assertThat(JSON.readTree(unknownParameter.body()).get("error").get("parameter").asText())
          .isEqualTo("step");
    }
  }

  @Test
  void aBackendWithoutServiceVersions_is501_parametersAreStillChecked() throws Exception {
    try (StorageFixture fixture = StorageFixture.create(dir)) {
      StorageComponent storage = ReducedStorage.coreOnly(fixture.open());
      QueryService queries = QueryService.builder().storage(storage).build();
      ApiResponse r = queries.serviceVersions(TENANT, "order", QueryParameters.of(Map.of()));
      assertThat(r.status()).isEqualTo(501);
      assertThat(JSON.readTree(r.body()).get("error").get("message").asText())
          .isEqualTo("ReducedStorage does not offer SERVICE_VERSIONS (service versions)");
      assertThat(
              queries
                  .serviceVersions(TENANT, "order", QueryParameters.of(Map.of("step", "1m")))
                  .status())
          .isEqualTo(400);
    }
  }
}
