package dev.sightline.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.query.QueryService;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * {@code /api/v1/session}: the web UI's sign-in. {@code POST {"token": "..."}} with the header
 * {@code X-Sightline-Client} (so no cross-site form can sign a browser in with another token)
 * answers 204 with an {@code HttpOnly}, {@code SameSite=Strict} session cookie ({@code Secure}
 * under TLS), {@code GET} says who the request is authenticated as, {@code DELETE} signs out. With
 * authentication off, {@code GET} answers {@code {"auth": false}}.
 */
public final class SessionApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final @Nullable TokenStore tokens;
  private final SessionStore sessions;
  private final boolean secureCookie;

  /** {@code tokens} null: authentication off. */
  public SessionApi(@Nullable TokenStore tokens, SessionStore sessions, boolean secureCookie) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.secureCookie = secureCookie;
  }

  public void bind(ServerBuilder sb) {
    sb.route().get("/api/v1/session").build((ctx, req) -> whoAmI(ctx));
    sb.route()
        .post("/api/v1/session")
        .maxRequestLength(16 * 1024)
        .build(
            (ctx, req) -> {
              if (!req.headers().contains(AuthDecorator.CLIENT_HEADER)) {
                // no login CSRF: a cross-site form could sign a browser in with another token
                req.abort();
                return error(
                    403,
                    null,
                    "the header " + AuthDecorator.CLIENT_HEADER + " is required to sign in");
              }
              return HttpResponse.of(req.aggregate().thenApply(this::signIn));
            });
    sb.route()
        .delete("/api/v1/session")
        .build(
            (ctx, req) -> {
              String session = AuthDecorator.sessionCookie(req.headers());
              if (session != null) sessions.remove(session);
              return HttpResponse.of(
                  ResponseHeaders.builder(HttpStatus.NO_CONTENT)
                      .add(HttpHeaderNames.SET_COOKIE, cookie("", 0))
                      .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                      .build());
            });
  }

  private HttpResponse whoAmI(ServiceRequestContext ctx) {
    ObjectNode body = JSON.createObjectNode();
    Principal p = AuthDecorator.principal(ctx);
    if (tokens == null || p == null) {
      body.put("auth", false);
    } else {
      body.put("auth", true);
      body.put("tenant", p.tenant());
      ArrayNode roles = body.putArray("roles");
      for (Role r : Role.values()) if (p.roles().contains(r)) roles.add(r.label());
      body.put("name", p.name());
      body.put("tokenId", p.tokenId());
    }
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.JSON_UTF_8)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
            .build(),
        HttpData.ofUtf8(body.toString()));
  }

  private HttpResponse signIn(AggregatedHttpRequest req) {
    if (tokens == null) {
      return error(404, null, "authentication is off: there is nothing to sign in to");
    }
    JsonNode body;
    try {
      body = JSON.readTree(req.contentUtf8());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.path("token").isTextual()) {
      return error(400, "token", "expected a JSON body {\"token\": \"...\"}");
    }
    Principal p = tokens.authenticate(body.get("token").asText().strip());
    if (p == null) return error(401, null, "invalid or revoked token");
    String session = sessions.create(p.tokenId());
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.NO_CONTENT)
            .add(HttpHeaderNames.SET_COOKIE, cookie(session, SessionStore.IDLE.toSeconds()))
            .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
            .build());
  }

  private String cookie(String value, long maxAgeSeconds) {
    return Cookie.secureBuilder(AuthDecorator.SESSION_COOKIE, value)
        .path("/")
        .httpOnly(true)
        .secure(secureCookie)
        .sameSite("Strict")
        .maxAge(maxAgeSeconds)
        .build()
        .toSetCookieHeader();
  }

  private static HttpResponse error(int status, @Nullable String parameter, String message) {
    ResponseHeaders headers =
        status == 401
            ? ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
                .contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
                .build()
            : ResponseHeaders.of(HttpStatus.valueOf(status), "content-type", "application/json");
    return HttpResponse.of(
        headers, HttpData.wrap(QueryService.error(status, parameter, message).json()));
  }
}
