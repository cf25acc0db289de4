package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.sightline.core.model.Ids;
import dev.sightline.server.api.ApiRoute;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authentication and authorization against a real server with an {@code --auth-file}: every
 * endpoint with no token, an unknown token, a token without the role and a valid one; tenant
 * isolation; UI sessions; tokens created and revoked while the server runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  static final String SLO_YAML =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: NAME
      spec:
        service: frontend
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{displayName: availability, target: 0.995}]
        indicator:
          metadata: {name: checkout-ok}
          spec:
            ratioMetric:
              good: {metricSource: {type: sightline, spec: {signal: spans, service: frontend, status: ok}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: frontend}}}
      """;

  @TempDir static Path dir;
  Path authFile;
  TestServer server;
  String adminA;
  String ingestA;
  String readA;
  String readWriteA;
  String ingestB;
  String readB;
  String readWriteB;

  @BeforeAll
  void start() throws Exception {
    authFile = dir.resolve("tokens.json");
    adminA = token("acme", Role.ADMIN);
    ingestA = token("acme", Role.INGEST);
    readA = token("acme", Role.READ);
    readWriteA = token("acme", Role.READ, Role.WRITE);
    ingestB = token("globex", Role.INGEST);
    readB = token("globex", Role.READ);
    readWriteB = token("globex", Role.READ, Role.WRITE);
    server = TestServer.start(dir.resolve("data"), "auth-file", authFile.toString());
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  String token(String tenant, Role... roles) throws Exception {
    return TokenFile.create(authFile, tenant + "-" + List.of(roles), tenant, Set.of(roles)).token();
  }

  /** One request of the table: method, path, body, the role it needs. */
  record Endpoint(
      String method, String path, String body, ApiRoute.Access access, Role role, int ok) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** What the table sends to a declared route, by endpoint name, and what a valid token gets. */
  record Sample(String path, String body, int ok) {}

  static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

  /** In a sample's body: replaced by tenant A's read token (sign-in takes a token in its body). */
  static final String READ_TOKEN_OF_A = "READ_TOKEN_OF_A";

  static {
    String slo = SLO_YAML.replace("NAME", "auth-table");
    SAMPLES.put("session", new Sample("/api/v1/session", "", 200));
    SAMPLES.put(
        "session_create",
        new Sample("/api/v1/session", "{\"token\": \"" + READ_TOKEN_OF_A + "\"}", 204));
    SAMPLES.put("session_delete", new Sample("/api/v1/session", "", 204));
    String unknown = "/api/v1/incidents/inc-unknown";
    SAMPLES.put("trace", new Sample("/api/v1/traces/0af7651916cd43dd8448eb211c80319c", "", 404));
    SAMPLES.put("traces", new Sample("/api/v1/traces", "", 200));
    SAMPLES.put("logs", new Sample("/api/v1/logs", "", 200));
    SAMPLES.put("metric_names", new Sample("/api/v1/metrics/names", "", 200));
    SAMPLES.put(
        "metric_chart", new Sample("/api/v1/metrics/chart?name=http.server.duration", "", 200));
    SAMPLES.put("metrics", new Sample("/api/v1/metrics?name=http.server.duration", "", 200));
    SAMPLES.put("services", new Sample("/api/v1/services", "", 200));
    SAMPLES.put("operations", new Sample("/api/v1/services/checkout/operations", "", 200));
    SAMPLES.put("service_versions", new Sample("/api/v1/services/checkout/versions", "", 200));
    SAMPLES.put("red", new Sample("/api/v1/red", "", 200));
    SAMPLES.put("service_map", new Sample("/api/v1/service-map", "", 200));
    SAMPLES.put("slos", new Sample("/api/v1/slos", "", 200));
    SAMPLES.put("slo", new Sample("/api/v1/slos/no-such-slo", "", 404));
    SAMPLES.put("slo_create", new Sample("/api/v1/slos", slo, 201));
    SAMPLES.put("slo_put", new Sample("/api/v1/slos/auth-table", slo, 200));
    SAMPLES.put("slo_delete", new Sample("/api/v1/slos/auth-table", "", 204));
    SAMPLES.put("alerts", new Sample("/api/v1/alerts", "", 200));
    SAMPLES.put("incidents", new Sample("/api/v1/incidents", "", 200));
    SAMPLES.put("incident", new Sample(unknown, "", 404));
    SAMPLES.put("incident_postmortem", new Sample(unknown + "/postmortem", "", 404));
    SAMPLES.put("incident_ack", new Sample(unknown + "/ack", "{}", 404));
    SAMPLES.put("incident_mitigate", new Sample(unknown + "/mitigate", "{}", 404));
    SAMPLES.put("incident_resolve", new Sample(unknown + "/resolve", "{}", 404));
    SAMPLES.put(
        "incident_action_item",
        new Sample(unknown + "/action-items/item-1", "{\"done\": true}", 404));
    SAMPLES.put(
        "incident_action_items", new Sample(unknown + "/action-items", "{\"text\": \"x\"}", 404));
  }

  /**
   * Every route the server declares (its API layer's registry, in declaration order, so the SLO is
   * created before it is replaced and deleted), plus an unknown path: a new route is in the table
   * as soon as it exists, and fails it until it has a sample.
   */
  Stream<Endpoint> apiEndpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (ApiRoute route : server.server.apiRoutes()) {
      Sample s = SAMPLES.get(route.name());
      assertThat(s).as("AuthIT.SAMPLES has no request for the route " + route).isNotNull();
      out.add(
          new Endpoint(
              route.method().name(),
              s.path(),
              s.body().replace(READ_TOKEN_OF_A, readA),
              route.access(),
              route.role(),
              s.ok()));
    }
    out.add(
        new Endpoint("GET", "/api/v1/no-such-endpoint", "", ApiRoute.Access.ROLE, Role.READ, 404));
    out.add(
        new Endpoint(
            "POST", "/api/v1/no-such-endpoint", "{}", ApiRoute.Access.ROLE, Role.WRITE, 404));
    return out.stream();
  }

  @Test
  void theTableCoversEveryDeclaredRoute() {
    Set<String> declared = new java.util.TreeSet<>();
    for (ApiRoute route : server.server.apiRoutes()) declared.add(route.name());
    assertThat(declared).isEqualTo(new java.util.TreeSet<>(SAMPLES.keySet()));
  }

  Stream<Arguments> apiTable() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint e : apiEndpoints().toList()) {
      // credentials that are present are checked on every route, open ones included
      rows.add(Arguments.of(e, "unknown token", "sl_0123abcd_" + "x".repeat(43), 401));
      rows.add(Arguments.of(e, "malformed header", "Basic dXNlcjpwYXNz", 401));
      switch (e.access()) {
        case ROLE -> {
          rows.add(Arguments.of(e, "no token", null, 401));
          rows.add(
              Arguments.of(
                  e, "token without the role", e.role() == Role.READ ? ingestA : readA, 403));
          rows.add(
              Arguments.of(e, "valid token", e.role() == Role.READ ? readA : readWriteA, e.ok()));
        }
        case SIGNED_IN -> {
          rows.add(Arguments.of(e, "no token", null, 401));
          rows.add(Arguments.of(e, "a token with any role", ingestA, e.ok()));
        }
        case OPEN -> {
          rows.add(Arguments.of(e, "no token", null, e.ok()));
          rows.add(Arguments.of(e, "a token with any role", ingestA, e.ok()));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("apiTable")
  void apiAccess(Endpoint e, String who, String token, int expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.api() + e.path()))
            .method(
                e.method(),
                e.body().isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(e.body()));
    // an open route (sign-in) wants the header a cross-site form cannot send, like the UI sends it
    if (e.access() == ApiRoute.Access.OPEN) b.header("X-Sightline-Client", "auth-it");
    if (token != null) {
      b.header("Authorization", token.startsWith("Basic") ? token : "Bearer " + token);
    }
    TestServer.Response r = TestServer.send(b.build());
    assertThat(r.status()).as(r.text()).isEqualTo(expected);
    if (expected == e.ok()) return;
    assertErrorShape(r, expected);
    if (expected == 403) assertThat(r.text()).contains("lacks the '" + e.role().label() + "' role");
  }

  static void assertErrorShape(TestServer.Response r, int status) {
    JsonNode json = r.json();
    assertThat(json).as(r.text()).isNotNull();
    assertThat(json.size()).as("only the error, no data: " + r.text()).isEqualTo(1);
    assertThat(json.path("error").path("status").asInt()).isEqualTo(status);
    assertThat(json.path("error").path("message").asText()).isNotBlank();
    assertThat(r.text()).doesNotContain("globex").doesNotContain("acme");
  }

  @Test
  void unauthorizedAnswersCarryWwwAuthenticate() throws Exception {
    HttpResponse<String> r =
        TestServer.HTTP.send(
            HttpRequest.newBuilder(URI.create(server.api() + "/api/v1/services")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
  }

  @Test
  void healthzAndTheUiFilesAreOpenMetricsNeedRead() throws Exception {
    assertThat(get(server.api() + "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get(server.otlpHttp() + "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get(server.api() + "/", null).statusCode()).isNotIn(401, 403);
    assertThat(get(server.api() + "/traces", null).statusCode()).isNotIn(401, 403);
    for (String base : List.of(server.api(), server.otlpHttp())) {
      assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/metrics", ingestA).statusCode()).isEqualTo(403);
      HttpResponse<String> ok = get(base + "/metrics", readA);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body())
          .contains("sightline_receiver_requests_total")
          .containsPattern(
              "sightline_auth_denied_total\\{listener=\"api\",status=\"401\"\\} [1-9]");
      assertThat(get(base + "/metrics", adminA).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void otlpHttpNeedsTheIngestRole() throws Exception {
    byte[] body = spans("auth-http", new ArrayList<>()).toByteArray();
    assertOtlpDenied(server.post("/v1/traces", "application/x-protobuf", body), 401, 16);
    assertOtlpDenied(
        server.post(
            "/v1/traces", "application/x-protobuf", body, "Authorization", "Bearer sl_nope"),
        401,
        16);
    assertOtlpDenied(
        server.post(
            "/v1/traces", "application/x-protobuf", body, "Authorization", "Bearer " + readA),
        403,
        7);
    HttpResponse<byte[]> json =
        server.post("/v1/logs", "application/json", "{}".getBytes(), "Authorization", "Bearer x");
    assertThat(json.statusCode()).isEqualTo(401);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"code\":16");
    assertThat(postSpans(body, ingestA)).isEqualTo(200);
    assertThat(postSpans(body, adminA)).isEqualTo(200);
  }

  static void assertOtlpDenied(HttpResponse<byte[]> r, int status, int code) throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    if (status == 401) assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    Status s = Status.parseFrom(r.body());
    assertThat(s.getCode()).isEqualTo(code);
    assertThat(s.getMessage()).isNotBlank();
  }

  @Test
  void otlpGrpcAnswersUnauthenticatedAndPermissionDeniedAsGrpcStatuses() {
    WebClient client = WebClient.of("h2c://127.0.0.1:" + server.server.otlpGrpcPort());
    byte[] message = spans("auth-grpc", new ArrayList<>()).toByteArray();
    AggregatedHttpResponse none = grpc(client, message, null);
    assertThat(none.status().code()).isEqualTo(200);
    assertThat(OtlpGrpcIT.grpcStatus(none)).isEqualTo("16");
    assertThat(OtlpGrpcIT.grpcMessage(none)).contains("authentication required");
    assertThat(none.content().isEmpty()).isTrue();
    assertThat(OtlpGrpcIT.grpcStatus(grpc(client, message, "Bearer sl_nope"))).isEqualTo("16");
    AggregatedHttpResponse denied = grpc(client, message, "Bearer " + readA);
    assertThat(OtlpGrpcIT.grpcStatus(denied)).isEqualTo("7");
    assertThat(OtlpGrpcIT.grpcMessage(denied)).contains("lacks the 'ingest' role");
    assertThat(OtlpGrpcIT.grpcStatus(grpc(client, message, "Bearer " + ingestA))).isEqualTo("0");
  }

  static AggregatedHttpResponse grpc(WebClient client, byte[] message, String authorization) {
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    RequestHeadersBuilder h =
        RequestHeaders.builder(HttpMethod.POST, OtlpGrpcIT.EXPORT)
            .contentType(com.linecorp.armeria.common.MediaType.parse("application/grpc+proto"))
            .add("te", "trailers");
    if (authorization != null) h.add("authorization", authorization);
    return client.execute(h.build(), HttpData.wrap(framed.array())).aggregate().join();
  }

  /**
   * The wrong-tenant column of the table: tenant acme stores a trace and an SLO; every GET route of
   * the registry, called with a valid token of tenant globex, answers without any of acme's data;
   * acme's trace and SLO by id are 404 for globex, and globex cannot change acme's SLO.
   */
  @Test
  void everyReadRouteAsAnotherTenant_revealsNothingOfTheFirst() throws Exception {
    List<String> ids = new ArrayList<>();
    byte[] body = spans("acmesecretsvc", ids).toByteArray();
    assertThat(postSpans(body, ingestA)).isEqualTo(200);
    String traceId = ids.get(0);
    String slo = SLO_YAML.replace("NAME", "acme-secret-slo").replace("frontend", "acmesecretsvc");
    assertThat(apiSend("POST", "/api/v1/slos", slo, readWriteA).status()).isEqualTo(201);
    // the markers are there for acme: the checks below can fail
    assertThat(api("/api/v1/services", readA).text()).contains("acmesecretsvc");
    assertThat(api("/api/v1/slos", readA).text()).contains("acme-secret-slo");
    assertThat(api("/api/v1/traces/" + traceId, readA).status()).isEqualTo(200);

    for (ApiRoute route : server.server.apiRoutes()) {
      if (!route.method().name().equals("GET")) continue;
      String path = SAMPLES.get(route.name()).path();
      TestServer.Response r = api(path, readB);
      assertThat(r.text())
          .as("GET %s as another tenant", path)
          .doesNotContain("acmesecretsvc")
          .doesNotContain("acme-secret-slo")
          .doesNotContain(traceId);
    }
    assertThat(api("/api/v1/traces/" + traceId, readB).status()).isEqualTo(404);
    assertThat(api("/api/v1/slos/acme-secret-slo", readB).status()).isEqualTo(404);
    assertThat(api("/api/v1/services/acmesecretsvc/operations", readB).text())
        .doesNotContain("GET /orders");
    assertThat(apiSend("DELETE", "/api/v1/slos/acme-secret-slo", "", readWriteB).status())
        .isEqualTo(404);
    assertThat(api("/api/v1/slos/acme-secret-slo", readA).status()).isEqualTo(200);
    assertThat(apiSend("DELETE", "/api/v1/slos/acme-secret-slo", "", readWriteA).status())
        .isEqualTo(204);
  }

  /** The status of an OTLP/HTTP protobuf export of {@code body} with {@code token}. */
  int postSpans(byte[] body, String token) throws Exception {
    return server
        .post("/v1/traces", "application/x-protobuf", body, "Authorization", "Bearer " + token)
        .statusCode();
  }

  TestServer.Response apiSend(String method, String path, String body, String token) {
    return TestServer.send(
        HttpRequest.newBuilder(URI.create(server.api() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  @Test
  void eachTenantSeesOnlyItsOwnTelemetry() throws Exception {
    List<String> ids = new ArrayList<>();
    byte[] body = spans("tenant-a-svc", ids).toByteArray();
    assertThat(postSpans(body, ingestA)).isEqualTo(200);
    String traceId = ids.get(0);
    assertThat(api("/api/v1/traces/" + traceId, readA).status()).isEqualTo(200);
    assertThat(api("/api/v1/services", readA).text()).contains("tenant-a-svc");
    assertThat(api("/api/v1/traces?service=tenant-a-svc", readA).text()).contains(traceId);

    assertThat(api("/api/v1/traces/" + traceId, readB).status()).isEqualTo(404);
    assertThat(api("/api/v1/services", readB).text()).doesNotContain("tenant-a-svc");
    assertThat(api("/api/v1/traces?service=tenant-a-svc", readB).text()).doesNotContain(traceId);
    assertThat(api("/api/v1/red?service=tenant-a-svc", readB).text())
        .doesNotContain("tenant-a-svc\",\"operation");
    TestServer.Response redA = api("/api/v1/red?service=tenant-a-svc", readA);
    TestServer.Response redB = api("/api/v1/red?service=tenant-a-svc", readB);
    assertThat(redA.status()).isEqualTo(200);
    assertThat(redB.status()).isEqualTo(200);
    assertThat(redA.text()).isNotEqualTo(redB.text());

    // the same trace sent by tenant B is B's own copy
    assertThat(postSpans(body, ingestB)).isEqualTo(200);
    assertThat(api("/api/v1/traces/" + traceId, readB).status()).isEqualTo(200);
  }

  @Test
  void uiSessionCookieWithCsrfHeaderAndLogout() throws Exception {
    assertThat(session("POST", null, "{\"token\": \"sl_wrong\"}", true).statusCode())
        .isEqualTo(401);
    assertThat(session("POST", null, "not json", true).statusCode()).isEqualTo(400);
    HttpResponse<String> noHeader =
        session("POST", null, "{\"token\": \"" + readWriteA + "\"}", false);
    assertThat(noHeader.statusCode()).isEqualTo(403);
    assertThat(noHeader.body()).contains("X-Sightline-Client");
    assertThat(noHeader.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> login = session("POST", null, "{\"token\": \"" + readWriteA + "\"}", true);
    assertThat(login.statusCode()).isEqualTo(204);
    assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("sightline_session=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain("Secure")
        .doesNotContain(readWriteA);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> me = session("GET", cookie, null, true);
    assertThat(me.statusCode()).isEqualTo(200);
    // it names the caller: never stored by a cache, no entity tag to revalidate
    assertThat(me.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(me.headers().firstValue("ETag")).isEmpty();
    JsonNode who = TestServer.JSON.readTree(me.body());
    assertThat(who.path("auth").asBoolean()).isTrue();
    assertThat(who.path("tenant").asText()).isEqualTo("acme");
    assertThat(who.path("roles").toString()).isEqualTo("[\"read\",\"write\"]");
    assertThat(me.body()).doesNotContain("sl_");

    assertThat(withCookie("GET", "/api/v1/services", cookie, null, false).statusCode())
        .isEqualTo(200);
    String slo = SLO_YAML.replace("NAME", "via-cookie");
    HttpResponse<String> csrf = withCookie("POST", "/api/v1/slos", cookie, slo, false);
    assertThat(csrf.statusCode()).isEqualTo(403);
    assertThat(csrf.body()).contains("X-Sightline-Client");
    assertThat(withCookie("POST", "/api/v1/slos", cookie, slo, true).statusCode()).isEqualTo(201);
    assertThat(withCookie("DELETE", "/api/v1/slos/via-cookie", cookie, null, true).statusCode())
        .isEqualTo(204);

    HttpResponse<String> logout = session("DELETE", cookie, null, true);
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(session("GET", cookie, null, true).statusCode()).isEqualTo(401);
    assertThat(withCookie("GET", "/api/v1/services", cookie, null, true).statusCode())
        .isEqualTo(401);
    assertThat(session("GET", null, null, true).statusCode()).isEqualTo(401);
  }

  @Test
  void tokensCreatedAndRevokedWhileRunningTakeEffectWithoutRestart() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {
              "token",
              "create",
              "--auth-file",
              authFile.toString(),
              "--tenant",
              "initech",
              "--role",
              "read",
              "--name",
              "late"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(status).isZero();
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    String token = lines[lines.length - 1];
    awaitStatus(token, 200);
    String id = token.substring(3, 11);
    assertThat(
            Main.run(
                new String[] {"token", "revoke", "--auth-file", authFile.toString(), id},
                new PrintStream(new ByteArrayOutputStream()),
                System.err))
        .isZero();
    awaitStatus(token, 401);
  }

  void awaitStatus(String token, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int last;
    do {
      last = api("/api/v1/services", token).status();
      if (last == expected) return;
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    assertThat(last).as("status within 5 s").isEqualTo(expected);
  }

  @Test
  void sdkExportersSendTheBearerHeader() throws Exception {
    for (String transport : List.of("grpc", "http")) {
      String service = "sdk-auth-" + transport;
      String endpoint = transport.equals("grpc") ? server.otlpGrpc() : server.otlpHttp();
      assertThat(SdkAuth.exportOneSpan(transport, endpoint, service, ingestA, null)).isTrue();
      assertThat(SdkAuth.exportOneSpan(transport, endpoint, service + "-bad", "sl_nope", null))
          .isFalse();
      assertThat(SdkAuth.exportOneSpan(transport, endpoint, service + "-ro", readA, null))
          .isFalse();
      assertThat(api("/api/v1/services", readA).text())
          .contains(service)
          .doesNotContain(service + "-");
      assertThat(api("/api/v1/services", readB).text()).doesNotContain(service);
    }
  }

  @Test
  void otelExporterOtlpHeadersWorkAsDocumented() throws Exception {
    SdkAuth.exportWithAutoconfigure("grpc", server.otlpGrpc(), "auto-grpc", ingestA, null);
    SdkAuth.exportWithAutoconfigure("http/protobuf", server.otlpHttp(), "auto-http", ingestA, null);
    String services = api("/api/v1/services", readA).text();
    assertThat(services).contains("auto-grpc").contains("auto-http");
  }

  @Test
  void withoutAuthenticationLoopbackListenersAnswerOnlyLoopbackHostNames() throws Exception {
    try (TestServer open =
        TestServer.start(dir.resolve("open"), "external-url", "https://sightline.internal:8443")) {
      int port = open.server.httpPort();
      for (String host :
          List.of(
              "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "sightline.internal")) {
        assertThat(rawGet(port, host, "/api/v1/services")).as(host).startsWith("HTTP/1.1 200");
      }
      String evil = rawGet(port, "evil.example:" + port, "/api/v1/services");
      assertThat(evil).startsWith("HTTP/1.1 403").contains("Host not allowed");
      assertThat(rawGet(port, "evil.example", "/")).startsWith("HTTP/1.1 403");
      assertThat(rawGet(open.server.otlpHttpPort(), "evil.example", "/metrics"))
          .startsWith("HTTP/1.1 403");
      TestServer.Response session = open.get("/api/v1/session");
      assertThat(session.status()).isEqualTo(200);
      assertThat(session.text()).isEqualTo("{\"auth\":false}");
    }
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutAuthentication() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {
              "serve", "--data-dir", dir.resolve("refused").toString(), "--http", "0.0.0.0:0"
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "sightline serve: cannot start: --http 0.0.0.0:0 is not a loopback address and"
                + " authentication is off: give --auth-file FILE, or --insecure-no-auth to serve"
                + " everyone who can reach it");
  }

  HttpResponse<String> session(String method, String cookie, String body, boolean clientHeader)
      throws Exception {
    return withCookie(method, "/api/v1/session", cookie, body, clientHeader);
  }

  HttpResponse<String> withCookie(
      String method, String path, String cookie, String body, boolean clientHeader)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.api() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) b.header("Cookie", cookie);
    if (clientHeader) b.header("X-Sightline-Client", "ui");
    return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  TestServer.Response api(String path, String token) {
    return TestServer.send(
        HttpRequest.newBuilder(URI.create(server.api() + path))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static ExportTraceServiceRequest spans(String service, List<String> traceIds) {
    Random random = new Random(service.hashCode());
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    traceId[0] |= 1;
    byte[] spanId = new byte[8];
    random.nextBytes(spanId);
    spanId[0] |= 1;
    traceIds.add(Ids.toHex(traceId));
    long now = System.currentTimeMillis() * 1_000_000L;
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(ByteString.copyFrom(traceId))
                                .setSpanId(ByteString.copyFrom(spanId))
                                .setName("GET /orders")
                                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                                .setStartTimeUnixNano(now - 5_000_000L)
                                .setEndTimeUnixNano(now))))
        .build();
  }

  /** A raw HTTP/1.1 request with any Host header (the JDK client refuses to set Host). */
  static String rawGet(int port, String host, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
