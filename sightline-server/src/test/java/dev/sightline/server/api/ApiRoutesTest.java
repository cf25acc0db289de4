package dev.sightline.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.incident.IllegalTransitionException;
import dev.sightline.query.QueryService;
import dev.sightline.server.auth.AuthDecorator;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.RoleCheck;
import dev.sightline.server.auth.SessionStore;
import dev.sightline.server.auth.TokenFile;
import dev.sightline.server.auth.TokenStore;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API layer over every declared route: the routes of {@link QueryApi}, {@link SloApi} and
 * {@link IncidentApi}, registered exactly as the server does, behind a real Armeria server with
 * authentication on. Their backends fail on every call with a text that must never reach a client
 * (fault injection: storage, SLO monitors and incident engines that throw), so each route proves
 * that it carries authentication, the role check, error rendering and latency recording. A few
 * probe routes check the rest of the pipeline (limits, busy, conditional GET, blocking executor).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutesTest {
  static final String SECRET = "Binder Error: column secret_col in /var/lib/sightline/data.duckdb";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String SLO =
      "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: checkout}\nspec: {service: frontend}\n";

  /** A request that passes each real route's own validation, so it reaches the backend. */
  record Sample(String path, String body) {}

  static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("trace", new Sample("/api/v1/traces/0af7651916cd43dd8448eb211c80319c", ""));
    SAMPLES.put("traces", new Sample("/api/v1/traces", ""));
    SAMPLES.put("logs", new Sample("/api/v1/logs", ""));
    SAMPLES.put("metric_names", new Sample("/api/v1/metrics/names", ""));
    SAMPLES.put("metric_chart", new Sample("/api/v1/metrics/chart?name=http.server.duration", ""));
    SAMPLES.put("metrics", new Sample("/api/v1/metrics?name=http.server.duration", ""));
    SAMPLES.put("services", new Sample("/api/v1/services", ""));
    SAMPLES.put("operations", new Sample("/api/v1/services/checkout/operations", ""));
    SAMPLES.put("service_versions", new Sample("/api/v1/services/checkout/versions", ""));
    SAMPLES.put("red", new Sample("/api/v1/red", ""));
    SAMPLES.put("service_map", new Sample("/api/v1/service-map", ""));
    SAMPLES.put("slos", new Sample("/api/v1/slos", ""));
    SAMPLES.put("slo", new Sample("/api/v1/slos/checkout", ""));
    SAMPLES.put("slo_create", new Sample("/api/v1/slos", SLO));
    SAMPLES.put("slo_put", new Sample("/api/v1/slos/checkout", SLO));
    SAMPLES.put("slo_delete", new Sample("/api/v1/slos/checkout", ""));
    SAMPLES.put("alerts", new Sample("/api/v1/alerts", ""));
    SAMPLES.put("incidents", new Sample("/api/v1/incidents", ""));
    SAMPLES.put("incident", new Sample("/api/v1/incidents/inc-1", ""));
    SAMPLES.put("incident_postmortem", new Sample("/api/v1/incidents/inc-1/postmortem", ""));
    SAMPLES.put("incident_ack", new Sample("/api/v1/incidents/inc-1/ack", "{}"));
    SAMPLES.put("incident_mitigate", new Sample("/api/v1/incidents/inc-1/mitigate", "{}"));
    SAMPLES.put("incident_resolve", new Sample("/api/v1/incidents/inc-1/resolve", "{}"));
    SAMPLES.put(
        "incident_action_item",
        new Sample("/api/v1/incidents/inc-1/action-items/item-1", "{\"done\": true}"));
    SAMPLES.put(
        "incident_action_items",
        new Sample("/api/v1/incidents/inc-1/action-items", "{\"text\": \"x\"}"));
  }

  @TempDir static Path dir;
  SelfTelemetry telemetry;
  List<ApiRoute> real;
  Server server;
  String admin;
  String read;
  String ingest;
  volatile boolean probeRanOnEventLoop = true;

  @BeforeAll
  void start() throws Exception {
    Path authFile = dir.resolve("tokens.json");
    admin = TokenFile.create(authFile, "admin", "acme", Set.of(Role.ADMIN)).token();
    read = TokenFile.create(authFile, "read", "acme", Set.of(Role.READ)).token();
    ingest = TokenFile.create(authFile, "ingest", "acme", Set.of(Role.INGEST)).token();
    telemetry = new SelfTelemetry();
    ApiRoutes routes = ApiRoutes.create(RoleCheck.tokens(telemetry), telemetry);
    new QueryApi(QueryService.builder().storage(failing(StorageComponent.class)).build())
        .register(routes);
    new SloApi(ApiRoutesTest::fail, ApiRoutesTest::fail, Clock.systemUTC()).register(routes);
    new IncidentApi(ApiRoutesTest::fail).register(routes);
    real = routes.routes();
    probes(routes);
    // sign-in: open and signed-in routes, on real token and session stores
    TokenStore tokens = TokenStore.open(authFile);
    SessionStore sessions = new SessionStore();
    new SessionApi(tokens, sessions, false).register(routes);
    ServerBuilder sb = Server.builder().http(0);
    routes.bind(sb);
    sb.decorator(new AuthDecorator(tokens, sessions, AuthDecorator.Listener.API, telemetry));
    server = sb.build();
    server.start().join();
  }

  /** Routes of this test only, for the parts of the pipeline the real ones cannot show alone. */
  void probes(ApiRoutes routes) {
    routes.get(
        "probe_ok",
        "/api/v1/probe/ok",
        Role.READ,
        c -> {
          probeRanOnEventLoop = ServiceRequestContext.current().eventLoop().inEventLoop();
          return ApiResult.ok(
              g -> {
                g.writeStartObject();
                g.writeStringField("tenant", c.tenant());
                g.writeNumberField("params", c.params().names().size());
                g.writeEndObject();
              });
        });
    routes.get(
        "probe_busy",
        "/api/v1/probe/busy",
        Role.READ,
        c -> {
          throw new StorageOverloadedException(
              "storage is busy: 30 s waiting", Duration.ofSeconds(2));
        });
    routes.get(
        "probe_conflict",
        "/api/v1/probe/conflict",
        Role.READ,
        c -> {
          throw new IllegalTransitionException("incident inc-1 is resolved already");
        });
    routes.get(
        "probe_error",
        "/api/v1/probe/error",
        Role.READ,
        c -> {
          throw new LinkageError(SECRET);
        });
    routes.post(
        "probe_echo", "/api/v1/probe/echo", Role.WRITE, c -> ApiResult.tree(201, c.jsonObject()));
  }

  @AfterAll
  void stop() {
    if (server != null) server.stop().join();
  }

  static <T> T fail(String tenant) {
    throw new IllegalStateException(SECRET);
  }

  /** An implementation of {@code type} whose every method fails (interfaces it returns too). */
  static <T> T failing(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "failing " + type.getSimpleName();
                };
              }
              if (method.getReturnType().isInterface()) return failing(method.getReturnType());
              throw new IllegalStateException(SECRET);
            }));
  }

  Stream<ApiRoute> routes() {
    return real.stream();
  }

  @Test
  void everyRouteHasASampleAndTheListIsThatOfTheServer() {
    Set<String> names = new TreeSet<>();
    for (ApiRoute r : real) names.add(r.name());
    assertThat(names)
        .as("a new route needs a sample request in SAMPLES (and in AuthIT's table)")
        .isEqualTo(new TreeSet<>(SAMPLES.keySet()));
    for (ApiRoute r : real) {
      assertThat(r.role()).isEqualTo(r.method() == HttpMethod.GET ? Role.READ : Role.WRITE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void withoutATokenEveryRouteAnswers401(ApiRoute route) throws Exception {
    HttpResponse<String> r = send(route.method(), concretePath(route), "", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(error(r).path("status").asInt()).isEqualTo(401);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void withoutItsRoleEveryRouteAnswers403(ApiRoute route) throws Exception {
    String token = route.role() == Role.READ ? ingest : read;
    HttpResponse<String> r = send(route.method(), concretePath(route), "", token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(error(r).path("message").asText())
        .isEqualTo("this token lacks the '" + route.role().label() + "' role");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void aFailingHandlerIsA500WithARequestIdAndNoInternalText(ApiRoute route) throws Exception {
    Sample sample = SAMPLES.get(route.name());
    assertThat(sample).as("sample of " + route.name()).isNotNull();
    HttpResponse<String> r = send(route.method(), sample.path(), sample.body(), admin);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(error(r).path("message").asText())
        .matches("internal error \\(request [0-9a-f]+\\); the server log has the details");
    assertThat(r.body()).doesNotContain("secret_col").doesNotContain("/var/lib");
  }

  @Test
  void everyEndpointHasALatencySeriesAfterOneCall() throws Exception {
    for (ApiRoute route : real) {
      Sample sample = SAMPLES.get(route.name());
      send(route.method(), sample.path(), sample.body(), admin);
    }
    String scrape = telemetry.scrape();
    for (ApiRoute route : real) {
      Matcher m =
          Pattern.compile(
                  Pattern.quote(
                          ApiRoutes.LATENCY_METRIC + "_count{endpoint=\"" + route.name() + "\"} ")
                      + "(\\d+)")
              .matcher(scrape);
      assertThat(m.find()).as(route.name() + " in\n" + scrape).isTrue();
      assertThat(Long.parseLong(m.group(1))).as(route.name()).isPositive();
    }
  }

  @Test
  void unknownApiPathsAreAJson404ThroughTheSamePipeline() throws Exception {
    HttpResponse<String> none = get("/api/v1/no-such-endpoint", null);
    assertThat(none.statusCode()).isEqualTo(401);
    HttpResponse<String> ingestOnly = get("/api/v1/no-such-endpoint", ingest);
    assertThat(ingestOnly.statusCode()).isEqualTo(403);
    HttpResponse<String> r = get("/api/v1/no-such-endpoint", read);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).path("message").asText())
        .isEqualTo("no such endpoint: GET /api/v1/no-such-endpoint");
    HttpResponse<String> post = send(HttpMethod.POST, "/api/v1/nope", "{}", read);
    assertThat(post.statusCode()).as("writing needs the write role").isEqualTo(403);
    assertThat(telemetry.scrape())
        .containsPattern("_count\\{endpoint=\"" + ApiRoutes.NOT_FOUND + "\"\\} [1-9]");
  }

  @Test
  void handlersRunOffTheEventLoopWithTheTokensTenantAndConditionalGet() throws Exception {
    HttpResponse<String> r = get("/api/v1/probe/ok?a=1&b=2", read);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"tenant\":\"acme\",\"params\":2}");
    assertThat(probeRanOnEventLoop).isFalse();
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        HTTP.send(
            HttpRequest.newBuilder(uri("/api/v1/probe/ok?a=1&b=2"))
                .header("Authorization", "Bearer " + read)
                .header("If-None-Match", etag)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void parameterLimitsAre400() throws Exception {
    StringBuilder many = new StringBuilder("/api/v1/probe/ok?p0=0");
    for (int i = 1; i <= ApiEndpoint.MAX_PARAMETERS; i++) many.append("&p").append(i).append("=1");
    HttpResponse<String> tooMany = get(many.toString(), read);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(error(tooMany).path("message").asText()).startsWith("too many query parameters");
    HttpResponse<String> tooLong =
        get("/api/v1/probe/ok?q=" + "x".repeat(ApiEndpoint.MAX_PARAMETER_CHARS + 1), read);
    // Armeria refuses a request line this long itself (414) unless it is allowed; either way no 200
    assertThat(tooLong.statusCode()).isIn(400, 414);
    if (tooLong.statusCode() == 400) {
      assertThat(error(tooLong).path("parameter").asText()).isEqualTo("q");
    }
  }

  @Test
  void aBodyAboveTheRoutesLimitIs413() throws Exception {
    String big = "{\"text\": \"" + "x".repeat(ApiRoute.DEFAULT_MAX_BODY_BYTES) + "\"}";
    HttpResponse<String> r = send(HttpMethod.POST, "/api/v1/probe/echo", big, admin);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(error(r).path("message").asText())
        .isEqualTo(
            "the body is larger than the limit of this endpoint ("
                + ApiRoute.DEFAULT_MAX_BODY_BYTES
                + " bytes)");
    HttpResponse<String> ok = send(HttpMethod.POST, "/api/v1/probe/echo", "{\"a\": 1}", admin);
    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(ok.body()).isEqualTo("{\"a\":1}");
    HttpResponse<String> notJson = send(HttpMethod.POST, "/api/v1/probe/echo", "[1]", admin);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(error(notJson).path("message").asText()).isEqualTo("the body must be a JSON object");
  }

  @Test
  void busyStorageIs503WithRetryAfterAndConflictsAre409() throws Exception {
    HttpResponse<String> busy = get("/api/v1/probe/busy", read);
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(error(busy).path("message").asText()).startsWith("storage is busy");
    HttpResponse<String> conflict = get("/api/v1/probe/conflict", read);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(error(conflict).path("message").asText())
        .isEqualTo("incident inc-1 is resolved already");
  }

  @Test
  void anErrorInAHandlerIsA500WithARequestIdToo() throws Exception {
    HttpResponse<String> r = get("/api/v1/probe/error", read);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(error(r).path("message").asText()).startsWith("internal error (request ");
    assertThat(r.body()).doesNotContain("secret_col");
  }

  @Test
  void signedInRoutesTakeAnyTokenAndAnswerNoStore() throws Exception {
    HttpResponse<String> none = get("/api/v1/session", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none).path("message").asText())
        .isEqualTo(AuthDecorator.AUTHENTICATION_REQUIRED);
    HttpResponse<String> me = get("/api/v1/session", ingest);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(JSON.readTree(me.body()).path("roles").toString()).isEqualTo("[\"ingest\"]");
    assertThat(me.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(me.headers().firstValue("ETag")).isEmpty();
    assertThat(telemetry.scrape()).containsPattern("_count\\{endpoint=\"session\"\\} [1-9]");
  }

  @Test
  void signInIsOpenButRateLimitedPerAddress() throws Exception {
    HttpResponse<String> noHeader = signIn("{\"token\": \"" + read + "\"}", false);
    assertThat(noHeader.statusCode()).isEqualTo(403);
    assertThat(noHeader.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> wrong = signIn("{\"token\": \"sl_wrong\"}", true);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(error(wrong).path("message").asText()).isEqualTo("invalid or revoked token");
    HttpResponse<String> ok = signIn("{\"token\": \"" + read + "\"}", true);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith(AuthDecorator.SESSION_COOKIE + "=");
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
    // the burst is spent by these three and the loop; the next one is refused
    HttpResponse<String> refused = null;
    for (int i = 0; i < OpenRouteLimiter.BURST && refused == null; i++) {
      HttpResponse<String> r = signIn("{\"token\": \"sl_wrong\"}", true);
      if (r.statusCode() == 429) refused = r;
      else assertThat(r.statusCode()).isEqualTo(401);
    }
    assertThat(refused).as("429 within the burst of " + OpenRouteLimiter.BURST).isNotNull();
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isPositive();
    assertThat(error(refused).path("message").asText()).startsWith("too many requests");
    assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  HttpResponse<String> signIn(String body, boolean clientHeader) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri("/api/v1/session"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (clientHeader) b.header(AuthDecorator.CLIENT_HEADER, "test");
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void declarationsAreChecked() {
    ApiRoutes routes = ApiRoutes.create(RoleCheck.off(), new SelfTelemetry());
    routes.get("one", "/api/v1/one", Role.READ, c -> ApiResult.noContent());
    assertThatThrownBy(
            () -> routes.get("one", "/api/v1/two", Role.READ, c -> ApiResult.noContent()))
        .hasMessageContaining("endpoint name declared twice: one");
    assertThatThrownBy(
            () -> routes.get("two", "/api/v1/one", Role.READ, c -> ApiResult.noContent()))
        .hasMessageContaining("route declared twice: GET /api/v1/one");
    assertThatThrownBy(() -> ApiRoute.get("Bad-Name", "/api/v1/x", Role.READ))
        .hasMessageContaining("name must be");
    assertThatThrownBy(() -> ApiRoute.get("x", "/other", Role.READ))
        .hasMessageContaining("must start with /api/v1/");
    assertThatThrownBy(() -> ApiRoute.get("x", "/api/v1/x", Role.READ).maxBodyBytes(10))
        .hasMessageContaining("reads no body");
    assertThatThrownBy(
            () ->
                new ApiRoute(
                    "x", HttpMethod.GET, "/api/v1/x", ApiRoute.Access.OPEN, Role.READ, 0, false))
        .hasMessageContaining("a role is given exactly when the access is ROLE");
    routes.bind(Server.builder());
    assertThatThrownBy(
            () -> routes.get("late", "/api/v1/late", Role.READ, c -> ApiResult.noContent()))
        .isInstanceOf(IllegalStateException.class);
  }

  /** The route's path with each {@code {param}} replaced by a plausible value. */
  static String concretePath(ApiRoute route) {
    return route.path().replaceAll("\\{[^}]+}", "x1");
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    return send(HttpMethod.GET, path, "", token);
  }

  HttpResponse<String> send(HttpMethod method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .method(
                method.name(),
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.activeLocalPort() + path);
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.size()).as(r.body()).isEqualTo(1);
    return json.path("error");
  }
}
