package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.Status;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.sightline.core.model.Tenants;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import dev.sightline.testing.OpenSloExamples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tenant-header X-Scope-OrgID}: a gateway in front authenticates and names the tenant in a
 * header. The real OpenTelemetry Java SDK exporters (OTLP/HTTP and gRPC) send the header for two
 * tenants; each tenant's queries see only its own traces and SLOs; a missing header is 401
 * (UNAUTHENTICATED), an invalid one 400 (INVALID_ARGUMENT), in each listener's error shape, never
 * echoing the value; {@code /healthz} and the UI's files stay open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantHeaderIT {
  static final String HEADER = "X-Scope-OrgID";
  static final String BAD = "Acme/../../etc";

  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() {
    server =
        TestServer.start(dir.resolve("data"), "tenant-header", HEADER, "slo-eval-interval", "1s");
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  TestServer.Response call(String method, String path, String body, String tenant) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.api() + path))
            .header(
                "Content-Type",
                path.startsWith("/api/v1/slos") ? "application/yaml" : "application/json")
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (tenant != null) b.header(HEADER, tenant);
    return TestServer.send(b.build());
  }

  TestServer.Response get(String path, String tenant) {
    return call("GET", path, "", tenant);
  }

  @Test
  void sdkExportersWithTheHeaderKeepTenantsApart() throws Exception {
    for (String transport : new String[] {"http", "grpc"}) {
      String endpoint = transport.equals("grpc") ? server.otlpGrpc() : server.otlpHttp();
      for (String tenant : new String[] {"acme", "globex"}) {
        assertThat(
                SdkAuth.exportOneSpan(
                    transport, endpoint, tenant + "-" + transport, Map.of(HEADER, tenant), null))
            .as(transport + " export for " + tenant)
            .isTrue();
      }
    }
    for (String tenant : new String[] {"acme", "globex"}) {
      String other = tenant.equals("acme") ? "globex" : "acme";
      for (String transport : new String[] {"http", "grpc"}) {
        String service = tenant + "-" + transport;
        JsonNode traces = awaitTraces(service, tenant);
        String traceId = traces.get(0).get("traceId").asText();
        assertThat(get("/api/v1/traces/" + traceId, tenant).status()).isEqualTo(200);
        assertThat(get("/api/v1/traces/" + traceId, other).status()).isEqualTo(404);
        assertThat(get("/api/v1/traces?service=" + service, other).text()).doesNotContain(traceId);
      }
      String services = get("/api/v1/services", tenant).text();
      assertThat(services).contains(tenant + "-http", tenant + "-grpc");
      assertThat(services).doesNotContain(other + "-http", other + "-grpc");
    }
    // the default tenant (no gateway would send it unless told) sees neither
    String defaults = get("/api/v1/services", Tenants.DEFAULT).text();
    assertThat(defaults).doesNotContain("acme-http", "globex-http");
  }

  JsonNode awaitTraces(String service, String tenant) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      TestServer.Response r = get("/api/v1/traces?service=" + service, tenant);
      assertThat(r.status()).isEqualTo(200);
      JsonNode traces = r.json().get("traces");
      if (traces != null && traces.size() > 0) return traces;
      if (System.nanoTime() > deadline) throw new AssertionError("no trace of " + service);
      Thread.sleep(200);
    }
  }

  @Test
  void aMissingHeaderIs401OnTheApiAndOtlpHttpAndUnauthenticatedOnGrpc() throws Exception {
    TestServer.Response api = get("/api/v1/services", null);
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.json().get("error").get("message").asText())
        .isEqualTo("missing tenant header X-Scope-OrgID");
    assertThat(get("/metrics", null).status()).isEqualTo(401);

    byte[] body = AuthIT.spans("no-header", new ArrayList<>()).toByteArray();
    HttpResponse<byte[]> otlp = server.post("/v1/traces", "application/x-protobuf", body);
    assertThat(otlp.statusCode()).isEqualTo(401);
    assertThat(otlp.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    Status status = Status.parseFrom(otlp.body());
    assertThat(status.getCode()).isEqualTo(16);
    assertThat(status.getMessage()).isEqualTo("missing tenant header X-Scope-OrgID");
    HttpResponse<byte[]> json = server.post("/v1/traces", "application/json", "{}".getBytes());
    assertThat(json.statusCode()).isEqualTo(401);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("missing tenant header");

    AggregatedHttpResponse grpc = grpc(body, null);
    assertThat(grpc.status().code()).isEqualTo(200);
    assertThat(OtlpGrpcIT.grpcStatus(grpc)).isEqualTo("16");
    assertThat(OtlpGrpcIT.grpcMessage(grpc)).isEqualTo("missing tenant header X-Scope-OrgID");
    assertThat(OtlpGrpcIT.grpcStatus(grpc(body, "acme"))).isEqualTo("0");

    // the SDK's exporters without the header fail
    assertThat(SdkAuth.exportOneSpan("grpc", server.otlpGrpc(), "sdk-none", Map.of(), null))
        .isFalse();
    assertThat(SdkAuth.exportOneSpan("http", server.otlpHttp(), "sdk-none", Map.of(), null))
        .isFalse();
  }

  @Test
  void anInvalidValueIs400OrInvalidArgumentNamingTheRuleNotTheValue() throws Exception {
    for (String bad : new String[] {BAD, "ACME", "-x", "a".repeat(64), "acme globex"}) {
      TestServer.Response api = get("/api/v1/services", bad);
      assertThat(api.status()).as("'" + bad + "'").isEqualTo(400);
    }
    TestServer.Response api = get("/api/v1/services", BAD);
    String message = api.json().get("error").get("message").asText();
    assertThat(message).isEqualTo("invalid tenant header X-Scope-OrgID: " + Tenants.RULE);
    assertThat(api.text()).doesNotContain("etc").doesNotContain("Acme");

    byte[] body = AuthIT.spans("bad-header", new ArrayList<>()).toByteArray();
    HttpResponse<byte[]> otlp =
        server.post("/v1/traces", "application/x-protobuf", body, HEADER, BAD);
    assertThat(otlp.statusCode()).isEqualTo(400);
    Status status = Status.parseFrom(otlp.body());
    assertThat(status.getCode()).isEqualTo(3);
    assertThat(status.getMessage()).isEqualTo(message);

    AggregatedHttpResponse grpc = grpc(body, BAD);
    assertThat(OtlpGrpcIT.grpcStatus(grpc)).isEqualTo("3");
    assertThat(OtlpGrpcIT.grpcMessage(grpc)).isEqualTo(message);
    assertThat(
            SdkAuth.exportOneSpan("grpc", server.otlpGrpc(), "sdk-bad", Map.of(HEADER, BAD), null))
        .isFalse();
    assertThat(get("/metrics", "acme").text())
        .containsPattern("sightline_auth_denied_total\\{listener=\"api\",status=\"400\"\\} [1-9]")
        .containsPattern(
            "sightline_auth_denied_total\\{listener=\"otlp_grpc\",status=\"400\"\\} [1-9]");
  }

  @Test
  void healthzAndTheUiFilesAreOpen() {
    assertThat(get("/healthz", null).status()).isEqualTo(200);
    assertThat(get("/", null).status()).isEqualTo(200);
    assertThat(
            TestServer.send(
                    HttpRequest.newBuilder(URI.create(server.otlpHttp() + "/healthz")).build())
                .status())
        .isEqualTo(200);
  }

  @Test
  void sloStacksArePerHeaderTenant() throws Exception {
    String slo =
        OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]");
    String name = "checkout-availability";
    assertThat(call("PUT", "/api/v1/slos/" + name, slo, "acme").status()).isIn(200, 201);
    assertThat(Files.isDirectory(dir.resolve("data/tenants/acme/slos"))).isTrue();
    assertThat(get("/api/v1/slos", "acme").text()).contains(name);
    assertThat(get("/api/v1/slos", "globex").text()).doesNotContain(name);
    assertThat(get("/api/v1/slos/" + name, "globex").status()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/slos/" + name, "", "globex").status()).isEqualTo(404);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode body = get("/api/v1/slos/" + name, "acme").json();
      if (body.get("slo").get("status").asText().equals("evaluated")) break;
      if (System.nanoTime() > deadline) throw new AssertionError("not evaluated within 30 s");
      Thread.sleep(250);
    }
    assertThat(get("/api/v1/alerts", "acme").status()).isEqualTo(200);
    assertThat(get("/api/v1/incidents", "globex").status()).isEqualTo(200);
    assertThat(get("/api/v1/slos/" + name, "acme").status()).isEqualTo(200);
  }

  @Test
  void refusedTogetherWithAnAuthFile() throws Exception {
    Path tokens = dir.resolve("tokens.json");
    TokenFile.create(tokens, "x", "acme", Set.of(Role.READ));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            new String[] {
              "serve",
              "--data-dir",
              dir.resolve("refused").toString(),
              "--auth-file",
              tokens.toString(),
              "--tenant-header",
              HEADER
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "sightline serve: --tenant-header cannot be used with --auth-file: tokens carry the"
                + " tenant, and a header would let a caller pick another tenant");
    assertThat(Files.exists(dir.resolve("refused"))).isFalse();
  }

  @Test
  void beyondLoopbackStillNeedsInsecureNoAuth() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            new String[] {
              "serve",
              "--data-dir",
              dir.resolve("exposed").toString(),
              "--tenant-header",
              HEADER,
              "--http",
              "0.0.0.0:0"
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("give --insecure-no-auth");
  }

  AggregatedHttpResponse grpc(byte[] message, String tenant) {
    WebClient client = WebClient.of("h2c://127.0.0.1:" + server.server.otlpGrpcPort());
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    RequestHeadersBuilder h =
        RequestHeaders.builder(HttpMethod.POST, OtlpGrpcIT.EXPORT)
            .contentType(com.linecorp.armeria.common.MediaType.parse("application/grpc+proto"))
            .add("te", "trailers");
    if (tenant != null) h.add(HEADER, tenant);
    return client.execute(h.build(), HttpData.wrap(framed.array())).aggregate().join();
  }
}
