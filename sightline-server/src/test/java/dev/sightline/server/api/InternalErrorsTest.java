package dev.sightline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.query.ApiResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class InternalErrorsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anUnexpectedFailureShowsARequestId_neverTheExceptionText() throws Exception {
    ServiceRequestContext ctx =
        ServiceRequestContext.of(HttpRequest.of(HttpMethod.GET, "/api/v1/traces"));
    ApiResponse r =
        InternalErrors.of(
            ctx,
            LoggerFactory.getLogger(InternalErrorsTest.class),
            "query traces",
            new IllegalStateException(
                "Binder Error: column secret_col not found in /var/lib/sightline/data.duckdb"));
    assertThat(r.status()).isEqualTo(500);
    JsonNode error = JSON.readTree(r.json()).get("error");
    assertThat(error.get("message").asText())
        .contains(ctx.id().text())
        .doesNotContain("secret_col")
        .doesNotContain("/var/lib")
        .doesNotContain("Binder");
  }

  @Test
  void aBusyStorageIsA503ToRetry() throws Exception {
    ServiceRequestContext ctx =
        ServiceRequestContext.of(HttpRequest.of(HttpMethod.GET, "/api/v1/traces"));
    ApiResponse r =
        InternalErrors.of(
            ctx,
            LoggerFactory.getLogger(InternalErrorsTest.class),
            "query traces",
            new StorageOverloadedException("storage is busy: 30 s waiting", Duration.ofSeconds(1)));
    assertThat(r.status()).isEqualTo(503);
    assertThat(JSON.readTree(r.json()).get("error").get("message").asText())
        .startsWith("storage is busy");
  }
}
