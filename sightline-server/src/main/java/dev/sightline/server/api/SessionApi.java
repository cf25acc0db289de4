package dev.sightline.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import dev.sightline.query.QueryService;
import dev.sightline.server.auth.AuthDecorator;
import dev.sightline.server.auth.Principal;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.SessionStore;
import dev.sightline.server.auth.TokenStore;
import org.jspecify.annotations.Nullable;

/**
 * {@code /api/v1/session}: the web UI's sign-in, declared on the API layer like every route.
 *
 * <ul>
 *   <li>{@code POST {"token": "..."}} (open: no token needed, rate limited per address) with the
 *       header {@code X-Sightline-Client}, so no cross-site form can sign a browser in with another
 *       token, answers 204 with an {@code HttpOnly}, {@code SameSite=Strict} session cookie ({@code
 *       Secure} under TLS); 401 for a wrong token, 404 with authentication off
 *   <li>{@code GET} (any signed-in caller) says who the request is authenticated as; with
 *       authentication off it answers {@code {"auth": false}}
 *   <li>{@code DELETE} (any signed-in caller) signs out: the session ends, the cookie is cleared
 * </ul>
 *
 * Every answer is {@code Cache-Control: no-store}: it names the caller or sets a session.
 */
public final class SessionApi {
  static final int MAX_SIGN_IN_BYTES = 16 * 1024;

  private final @Nullable TokenStore tokens;
  private final SessionStore sessions;
  private final boolean secureCookie;

  /** {@code tokens} null: authentication off. */
  public SessionApi(@Nullable TokenStore tokens, SessionStore sessions, boolean secureCookie) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.secureCookie = secureCookie;
  }

  public void register(ApiRoutes routes) {
    routes
        .add(
            ApiRoute.signedIn("session", HttpMethod.GET, "/api/v1/session").answersNoStore(),
            this::whoAmI)
        .add(
            ApiRoute.open("session_create", HttpMethod.POST, "/api/v1/session")
                .maxBodyBytes(MAX_SIGN_IN_BYTES)
                .answersNoStore(),
            this::signIn)
        .add(
            ApiRoute.signedIn("session_delete", HttpMethod.DELETE, "/api/v1/session")
                .answersNoStore(),
            this::signOut);
  }

  private ApiResult whoAmI(ApiCall call) {
    @Nullable Principal p = call.principal();
    return ApiResult.ok(
        g -> {
          g.writeStartObject();
          if (tokens == null || p == null) {
            g.writeBooleanField("auth", false);
          } else {
            g.writeBooleanField("auth", true);
            g.writeStringField("tenant", p.tenant());
            g.writeArrayFieldStart("roles");
            for (Role r : Role.values()) if (p.roles().contains(r)) g.writeString(r.label());
            g.writeEndArray();
            g.writeStringField("name", p.name());
            g.writeStringField("tokenId", p.tokenId());
          }
          g.writeEndObject();
        });
  }

  private ApiResult signIn(ApiCall call) {
    if (!call.headers().contains(AuthDecorator.CLIENT_HEADER)) {
      // no login CSRF: a cross-site form could sign a browser in with another token
      throw new ApiException(
          403, null, "the header " + AuthDecorator.CLIENT_HEADER + " is required to sign in");
    }
    if (tokens == null) {
      throw ApiException.notFound("authentication is off: there is nothing to sign in to");
    }
    JsonNode body;
    try {
      body = call.jsonObject();
    } catch (ApiException e) {
      body = null;
    }
    if (body == null || !body.path("token").isTextual()) {
      throw ApiException.badRequest("token", "expected a JSON body {\"token\": \"...\"}");
    }
    @Nullable Principal p = tokens.authenticate(body.get("token").asText().strip());
    if (p == null) {
      return ApiResult.of(QueryService.error(401, null, "invalid or revoked token"))
          .withHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    String session = sessions.create(p.tokenId());
    return ApiResult.noContent()
        .withHeader(HttpHeaderNames.SET_COOKIE, cookie(session, SessionStore.IDLE.toSeconds()));
  }

  private ApiResult signOut(ApiCall call) {
    @Nullable String session = AuthDecorator.sessionCookie(call.headers());
    if (session != null) sessions.remove(session);
    return ApiResult.noContent().withHeader(HttpHeaderNames.SET_COOKIE, cookie("", 0));
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
}
