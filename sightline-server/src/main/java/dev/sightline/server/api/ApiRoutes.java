package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.query.QueryService;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.RoleCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The API layer: every {@code /api/v1/...} route is declared here ({@link #add}) with its endpoint
 * name, method, path, role and body limit, and a handler that takes an {@link ApiCall} and answers
 * an {@link ApiResult}. {@link #bind} mounts each route behind the same pipeline ({@link
 * ApiEndpoint}), so that no route can forget any part of it:
 *
 * <ol>
 *   <li>authentication (the listener's {@code AuthDecorator} checks credentials that are present,
 *       401) and the route's access ({@link ApiRoute.Access}): its role ({@link RoleCheck}, 401
 *       without credentials, 403 without the role), any signed-in caller (401), or open to anyone
 *       within a rate limit per client address ({@link OpenRouteLimiter}, 429); tenant and
 *       principal from the token (or the gateway's header)
 *   <li>limits: the route's body size (413), at most {@value ApiEndpoint#MAX_PARAMETERS} query
 *       parameters of at most {@value ApiEndpoint#MAX_PARAMETER_CHARS} characters (400)
 *   <li>the handler on the blocking executor, never on the event loop
 *   <li>errors in one shape ({@link ApiErrors}): 400 naming the parameter, 404, 409, 413, 503 with
 *       {@code Retry-After}, 500 with a request id and never internal text
 *   <li>the latency in {@code sightline_api_request_duration_seconds{endpoint=NAME}}
 *   <li>conditional GET ({@link ConditionalGet}: ETag, 304) on every GET route, or {@code
 *       Cache-Control: no-store} on every answer of a route declared {@link
 *       ApiRoute#answersNoStore()}
 *   <li>JSON written one way ({@link ApiJson})
 * </ol>
 *
 * <p>Any other {@code /api/} path answers a JSON 404 through the same pipeline (endpoint {@code
 * not_found}, role by method: read for GET and HEAD, write otherwise).
 */
public final class ApiRoutes {
  /** The latency histogram of every route. */
  public static final String LATENCY_METRIC = "sightline_api_request_duration_seconds";

  /** The endpoint name of unknown {@code /api/} paths. */
  public static final String NOT_FOUND = "not_found";

  private final RoleCheck roles;
  private final OpenRouteLimiter openRoutes = OpenRouteLimiter.system();
  private final SelfTelemetry.Histogram latency;
  private final Map<ApiRoute, ApiHandler> routes = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();
  private final Set<String> methodAndPaths = new HashSet<>();
  private boolean bound;

  private ApiRoutes(RoleCheck roles, SelfTelemetry telemetry) {
    this.roles = Objects.requireNonNull(roles, "roles");
    this.latency =
        Objects.requireNonNull(telemetry, "telemetry")
            .histogram(
                LATENCY_METRIC,
                "API latency by endpoint.",
                SelfTelemetry.LATENCY_BUCKETS,
                "endpoint");
  }

  /** A registry whose routes check roles with {@code roles} and record into {@code telemetry}. */
  public static ApiRoutes create(RoleCheck roles, SelfTelemetry telemetry) {
    return new ApiRoutes(roles, telemetry);
  }

  /**
   * Declares {@code route}, served by {@code handler}.
   *
   * @throws IllegalArgumentException when its name or method and path are declared already
   * @throws IllegalStateException after {@link #bind}
   */
  public synchronized ApiRoutes add(ApiRoute route, ApiHandler handler) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(handler, "handler");
    if (bound)
      throw new IllegalStateException("routes are bound already: declare " + route + " before");
    if (route.name().equals(NOT_FOUND) || !names.add(route.name())) {
      throw new IllegalArgumentException("endpoint name declared twice: " + route.name());
    }
    if (!methodAndPaths.add(route.method() + " " + route.path())) {
      names.remove(route.name());
      throw new IllegalArgumentException(
          "route declared twice: " + route.method() + " " + route.path());
    }
    routes.put(route, handler);
    return this;
  }

  /** {@code GET path}. */
  public ApiRoutes get(String name, String path, Role role, ApiHandler handler) {
    return add(ApiRoute.get(name, path, role), handler);
  }

  /** {@code POST path}, with a body of at most {@link ApiRoute#DEFAULT_MAX_BODY_BYTES}. */
  public ApiRoutes post(String name, String path, Role role, ApiHandler handler) {
    return add(ApiRoute.post(name, path, role), handler);
  }

  /** {@code DELETE path}. */
  public ApiRoutes delete(String name, String path, Role role, ApiHandler handler) {
    return add(ApiRoute.delete(name, path, role), handler);
  }

  /** The declared routes, in declaration order (without the {@link #NOT_FOUND} catch-all). */
  public synchronized List<ApiRoute> routes() {
    return List.copyOf(routes.keySet());
  }

  /** Mounts every declared route, and the JSON 404 of other {@code /api/} paths, on {@code sb}. */
  public synchronized void bind(ServerBuilder sb) {
    if (bound) throw new IllegalStateException("routes are bound already");
    bound = true;
    List<ApiRoute> all = new ArrayList<>(routes.keySet());
    for (ApiRoute route : all) {
      HttpService service =
          new ApiEndpoint(
              route.name(),
              gate(route),
              ApiRoute.readsBody(route.method()),
              routes.get(route),
              latency);
      if (route.noStore()) {
        service = service.decorate(ApiRoutes::noStore);
      } else if (route.method() == HttpMethod.GET) {
        service = service.decorate(ConditionalGet.INSTANCE);
      }
      sb.route()
          .methods(route.method())
          .path(route.path())
          // a route without a body still gets a small limit: nothing it ignores is read unbounded
          .maxRequestLength(
              route.maxBodyBytes() > 0 ? route.maxBodyBytes() : ApiRoute.DEFAULT_MAX_BODY_BYTES)
          .build(service);
    }
    // statuses Armeria answers itself (an early 413, a timeout) in the same JSON shape
    sb.errorHandler(new ApiStatusRenderer());
    sb.serviceUnder(
        "/api/",
        new ApiEndpoint(
            NOT_FOUND,
            (ctx, req) ->
                roles.deny(
                    ctx,
                    req,
                    req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD
                        ? Role.READ
                        : Role.WRITE),
            false,
            ApiEndpoint::unknownPath,
            latency));
  }

  /** Who may call {@code route}: its role, any signed-in caller, or anyone within the limit. */
  private ApiEndpoint.Gate gate(ApiRoute route) {
    return switch (route.access()) {
      case ROLE -> {
        Role role = Objects.requireNonNull(route.role());
        yield (ctx, req) -> roles.deny(ctx, req, role);
      }
      case SIGNED_IN -> roles::denyAnonymous;
      case OPEN ->
          (ctx, req) -> {
            long retryAfter = openRoutes.acquire(ctx.clientAddress());
            if (retryAfter == 0) return null;
            req.abort();
            return ApiErrors.json(
                QueryService.error(
                    429,
                    null,
                    "too many requests to this endpoint from your address; retry in "
                        + retryAfter
                        + " s"),
                retryAfter);
          };
    };
  }

  /**
   * {@code Cache-Control: no-store} on every answer of a {@link ApiRoute#answersNoStore()} route.
   */
  private static HttpResponse noStore(
      HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    return delegate
        .serve(ctx, req)
        .mapHeaders(h -> h.toBuilder().set(HttpHeaderNames.CACHE_CONTROL, "no-store").build());
  }
}
