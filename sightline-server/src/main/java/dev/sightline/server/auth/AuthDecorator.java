package dev.sightline.server.auth;

import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.otlp.OtlpJson;
import dev.sightline.otlp.receiver.RequestTenant;
import dev.sightline.query.QueryService;
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
 *   <li>a token without the role: 403; gRPC status PERMISSION_DENIED
 *   <li>a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the cookie without the
 *       {@code X-Sightline-Client} header (which no cross-site form can send): 403
 * </ul>
 *
 * <p>Errors are in the listener's own shape: the API's {@code {"error": {...}}} JSON, OTLP/HTTP's
 * {@code google.rpc.Status} in the request's content type, and for gRPC a trailers-only answer
 * (HTTP 200, {@code grpc-status}), which every gRPC client reads as a status: a plain HTTP 401 from
 * a decorator (which runs before Armeria's GrpcService could translate anything) reaches the
 * OpenTelemetry Java SDK as INTERNAL "Unsupported gRPC message encoding: null" (tried with SDK
 * 1.67), hiding the cause. Messages never name a tenant or another token. Open without a token:
 * {@code /healthz}, the UI's static files, {@code POST /api/v1/session} (sign-in checks the token
 * itself).
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

  /** What a request needs: nothing, any valid token, or a role. */
  private enum Need {
    NONE,
    ANY,
    INGEST,
    READ,
    WRITE
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
            "sightline_auth_denied_total",
            "Requests refused by authentication (401) or authorization (403).",
            "listener",
            "status");
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
      @Nullable String tokenId = session == null ? null : sessions.tokenId(session);
      principal = tokenId == null ? null : tokens.byId(tokenId);
      if (principal == null) {
        return deny(
            ctx,
            req,
            401,
            session != null
                ? "the session expired or its token was revoked: sign in again"
                : "authentication required: send Authorization: Bearer TOKEN"
                    + (listener == Listener.API ? " or sign in to the web UI" : ""));
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
          case WRITE -> Role.WRITE;
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
        if (path.equals("/api/v1/session")) return method == HttpMethod.POST ? Need.NONE : Need.ANY;
        if (path.equals("/api") || path.startsWith("/api/")) {
          return changesState(method) ? Need.WRITE : Need.READ;
        }
        if (path.equals("/metrics")) {
          // a browser opening the UI's metrics page gets index.html; Prometheus gets the data
          String accept = headers.get(HttpHeaderNames.ACCEPT);
          boolean html = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
          return html && !changesState(method) ? Need.NONE : Need.READ;
        }
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

  static @Nullable String sessionCookie(RequestHeaders headers) {
    for (Cookie c : headers.cookies()) {
      if (c.name().equals(SESSION_COOKIE) && !c.value().isEmpty()) return c.value();
    }
    return null;
  }

  private HttpResponse deny(ServiceRequestContext ctx, HttpRequest req, int status, String msg) {
    req.abort();
    denied.labels(listener.name().toLowerCase(Locale.ROOT), Integer.toString(status)).increment();
    MediaType contentType = req.contentType();
    boolean grpc =
        contentType != null
            && contentType.subtype().toLowerCase(Locale.ROOT).startsWith("grpc")
            && contentType.type().equals("application");
    if (grpc) {
      return grpcStatus(status == 401 ? Code.UNAUTHENTICATED : Code.PERMISSION_DENIED, msg);
    }
    ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.valueOf(status));
    if (status == 401) headers.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (listener != Listener.API && !ctx.path().equals("/metrics")) {
      // OTLP/HTTP answers errors as google.rpc.Status in the request's content type
      Status body =
          Status.newBuilder()
              .setCode((status == 401 ? Code.UNAUTHENTICATED : Code.PERMISSION_DENIED).getNumber())
              .setMessage(msg)
              .build();
      boolean json =
          contentType != null && contentType.subtype().toLowerCase(Locale.ROOT).equals("json");
      headers.contentType(json ? MediaType.JSON_UTF_8 : MediaType.parse("application/x-protobuf"));
      return HttpResponse.of(
          headers.build(), HttpData.wrap(json ? OtlpJson.encode(body) : body.toByteArray()));
    }
    headers.contentType(MediaType.JSON_UTF_8);
    return HttpResponse.of(
        headers.build(), HttpData.wrap(QueryService.error(status, null, msg).json()));
  }

  /** A trailers-only gRPC answer: HTTP 200 whose only headers carry the status. */
  static HttpResponse grpcStatus(Code code, String message) {
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.parse("application/grpc+proto"))
            .set("grpc-status", Integer.toString(code.getNumber()))
            .set("grpc-message", percentEncode(message))
            .build());
  }

  /** gRPC's percent-encoding of {@code grpc-message}: bytes outside 0x20..0x7e and '%'. */
  static String percentEncode(String message) {
    StringBuilder sb = new StringBuilder();
    for (byte b : message.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b <= 0x7e && b != '%') sb.append((char) b);
      else sb.append('%').append(String.format("%02X", b & 0xff));
    }
    return sb.toString();
  }
}
