package dev.sightline.server.auth;

import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.otlp.receiver.RequestTenant;
import io.netty.util.AttributeKey;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Authentication and authorization of one listener, as a decorator of all its services. A request
 * presents {@code Authorization: Bearer TOKEN} (HTTP header or gRPC metadata) or, on the API
 * listener, the UI's session cookie; the decorator sets the request's tenant ({@link
 * RequestTenant}) and {@link Principal} for the handlers and answers itself when access is denied:
 *
 * <ul>
 *   <li>no or unknown token: 401 with {@code WWW-Authenticate: Bearer}; gRPC status UNAUTHENTICATED
 *   <li>a token without the role: 403; gRPC status PERMISSION_DENIED. On the API listener the role
 *       of an {@code /api/} request is its route's, checked by the API layer ({@link RoleCheck});
 *       this decorator only authenticates those requests
 *   <li>a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the cookie without the
 *       {@code X-Sightline-Client} header (which no cross-site form can send): 403
 * </ul>
 *
 * <p>Errors are in the listener's own shape ({@link ListenerErrors}): the API's {@code {"error":
 * {...}}} JSON, OTLP/HTTP's {@code google.rpc.Status} in the request's content type, and for gRPC a
 * trailers-only answer. Messages never name a tenant or another token. Open without a token: {@code
 * /healthz} and the UI's static files. An {@code /api/} request without credentials goes on to the
 * API layer unauthenticated, which refuses it (401) unless its route is open (sign-in, which checks
 * the token in its body); credentials that are present are always checked here first.
 */
public final class AuthDecorator implements DecoratingHttpServiceFunction {
  /** The listener a decorator guards; what each path needs depends on it. */
  public enum Listener {
    OTLP_GRPC,
    OTLP_HTTP,
    API
  }

  public static final String SESSION_COOKIE = "sightline_session";
  public static final String CLIENT_HEADER = "X-Sightline-Client";
  private static final AttributeKey<Principal> PRINCIPAL =
      AttributeKey.valueOf(AuthDecorator.class, "principal");

  /** The 401 message of a request to the API without a token or session. */
  public static final String AUTHENTICATION_REQUIRED =
      "authentication required: send Authorization: Bearer TOKEN or sign in to the web UI";

  /**
   * What a request needs: nothing, credentials checked when present (the API layer decides the
   * rest), any valid token, or a role.
   */
  private enum Need {
    NONE,
    LAYER,
    ANY,
    INGEST,
    READ
  }

  private final TokenStore tokens;
  private final SessionStore sessions;
  private final Listener listener;
  private final SelfTelemetry.Counter denied;

  /** Counts denials in {@code sightline_auth_denied_total{listener, status}}. */
  public AuthDecorator(
      TokenStore tokens, SessionStore sessions, Listener listener, SelfTelemetry telemetry) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.denied =
        telemetry.counter(
            "sightline_auth_denied_total", ListenerErrors.DENIED_HELP, "listener", "status");
  }

  /** The principal the request was authenticated as; null when authentication is off. */
  public static @Nullable Principal principal(ServiceRequestContext ctx) {
    return ctx.attr(PRINCIPAL);
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    Need need = need(ctx, req.headers());
    if (need == Need.NONE) return delegate.serve(ctx, req);
    RequestHeaders headers = req.headers();
    @Nullable String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    @Nullable Principal principal;
    boolean byCookie = false;
    if (authorization != null) {
      @Nullable String token = bearer(authorization);
      if (token == null) {
        return deny(ctx, req, 401, "the Authorization header must be: Bearer TOKEN");
      }
      principal = tokens.authenticate(token);
      if (principal == null) return deny(ctx, req, 401, "invalid or revoked token");
    } else {
      @Nullable String session = listener == Listener.API ? sessionCookie(headers) : null;
      if (session == null && need == Need.LAYER) {
        // no credentials: the route decides (RoleCheck's 401, or an open route such as sign-in)
        return delegate.serve(ctx, req);
      }
      @Nullable String tokenId = session == null ? null : sessions.tokenId(session);
      principal = tokenId == null ? null : tokens.byId(tokenId);
      if (principal == null) {
        return deny(
            ctx,
            req,
            401,
            session != null
                ? "the session expired or its token was revoked: sign in again"
                : listener == Listener.API
                    ? AUTHENTICATION_REQUIRED
                    : "authentication required: send Authorization: Bearer TOKEN");
      }
      byCookie = true;
    }
    if (byCookie && changesState(headers.method()) && !headers.contains(CLIENT_HEADER)) {
      return deny(
          ctx,
          req,
          403,
          "the header "
              + CLIENT_HEADER
              + " is required on "
              + headers.method()
              + " requests authenticated by the session cookie");
    }
    @Nullable Role role =
        switch (need) {
          case INGEST -> Role.INGEST;
          case READ -> Role.READ;
          default -> null;
        };
    if (role != null && !principal.has(role)) {
      return deny(ctx, req, 403, "this token lacks the '" + role.label() + "' role");
    }
    ctx.setAttr(PRINCIPAL, principal);
    RequestTenant.set(ctx, principal.tenant());
    return delegate.serve(ctx, req);
  }

  private Need need(ServiceRequestContext ctx, RequestHeaders headers) {
    String path = ctx.path();
    HttpMethod method = headers.method();
    switch (listener) {
      case OTLP_GRPC:
        return Need.INGEST;
      case OTLP_HTTP:
        if (path.equals("/healthz")) return Need.NONE;
        if (path.equals("/metrics")) return Need.READ;
        return Need.INGEST;
      default:
        if (path.equals("/healthz")) return Need.NONE;
        // credentials are checked here when present; whether the route needs them, and which
        // role, is the route's own, decided by the API layer (ApiRoutes: RoleCheck, open routes)
        if (path.startsWith("/api/")) return Need.LAYER;
        if (path.equals("/api")) return Need.ANY;
        if (path.equals("/metrics")) return htmlMetricsPage(headers) ? Need.NONE : Need.READ;
        return Need.NONE; // the UI's static files: they hold no data
    }
  }

  static boolean changesState(HttpMethod method) {
    return method == HttpMethod.POST
        || method == HttpMethod.PUT
        || method == HttpMethod.PATCH
        || method == HttpMethod.DELETE;
  }

  static @Nullable String bearer(String authorization) {
    String v = authorization.strip();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = v.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  /** The session cookie's value in {@code headers}; null without one. */
  public static @Nullable String sessionCookie(RequestHeaders headers) {
    for (Cookie c : headers.cookies()) {
      if (c.name().equals(SESSION_COOKIE) && !c.value().isEmpty()) return c.value();
    }
    return null;
  }

  private HttpResponse deny(ServiceRequestContext ctx, HttpRequest req, int status, String msg) {
    denied.labels(listener.name().toLowerCase(Locale.ROOT), Integer.toString(status)).increment();
    return ListenerErrors.deny(listener, ctx, req, status, msg, "Bearer");
  }

  /**
   * Whether a request on {@code listener} is served without a token (or tenant header): {@code
   * /healthz}, the UI's static files, and a browser opening the UI's metrics page.
   */
  static boolean open(Listener listener, ServiceRequestContext ctx, RequestHeaders headers) {
    String path = ctx.path();
    return switch (listener) {
      case OTLP_GRPC -> false;
      case OTLP_HTTP -> path.equals("/healthz");
      case API -> {
        if (path.equals("/api") || path.startsWith("/api/")) yield false;
        if (path.equals("/metrics")) yield htmlMetricsPage(headers);
        yield true; // /healthz and the UI's static files: they hold no data
      }
    };
  }

  /** A browser opening the UI's metrics page gets index.html; Prometheus gets the data. */
  private static boolean htmlMetricsPage(RequestHeaders headers) {
    String accept = headers.get(HttpHeaderNames.ACCEPT);
    boolean html = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    return html && !changesState(headers.method());
  }
}
