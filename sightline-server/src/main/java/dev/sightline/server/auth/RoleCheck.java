package dev.sightline.server.auth;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import org.jspecify.annotations.Nullable;

/**
 * The role check of the API layer ({@code dev.sightline.server.api.ApiRoutes}): every {@code
 * /api/v1} route declares the {@link Role} it needs, and this checks it against the {@link
 * Principal} that {@link AuthDecorator} authenticated the request as. {@link AuthDecorator}
 * authenticates every {@code /api/} request (401) but leaves the role to the route, which is the
 * one place that knows it. With authentication off ({@link #off()}: no {@code --auth-file}, or a
 * tenant from a gateway's header) every caller may use every route.
 *
 * <p>Fail closed: with authentication on, a request that reaches a route without a principal (a
 * decorator missing from the listener) is refused with 401, never served.
 */
public final class RoleCheck {
  private final SelfTelemetry.@Nullable Counter denied;

  private RoleCheck(SelfTelemetry.@Nullable Counter denied) {
    this.denied = denied;
  }

  /** Authentication is off: nothing to check. */
  public static RoleCheck off() {
    return new RoleCheck(null);
  }

  /**
   * Tokens: the request's principal must have the route's role; refusals are counted in {@code
   * sightline_auth_denied_total{listener="api", status}} like those of {@link AuthDecorator}.
   */
  public static RoleCheck tokens(SelfTelemetry telemetry) {
    return new RoleCheck(
        telemetry.counter(
            "sightline_auth_denied_total", ListenerErrors.DENIED_HELP, "listener", "status"));
  }

  /** True when roles are checked (authentication is on). */
  public boolean enabled() {
    return denied != null;
  }

  /**
   * The refusal of {@code req} when its principal lacks {@code role} (403) or is missing (401), in
   * the API's error shape; null when the request may go on.
   */
  public @Nullable HttpResponse deny(ServiceRequestContext ctx, HttpRequest req, Role role) {
    if (denied == null) return null;
    @Nullable Principal principal = AuthDecorator.principal(ctx);
    if (principal == null) {
      return refuse(ctx, req, 401, AuthDecorator.AUTHENTICATION_REQUIRED);
    }
    if (principal.has(role)) return null;
    return refuse(ctx, req, 403, "this token lacks the '" + role.label() + "' role");
  }

  /**
   * The refusal of {@code req} when it is not authenticated at all (401), for routes any signed-in
   * caller may use whatever its roles; null when it may go on.
   */
  public @Nullable HttpResponse denyAnonymous(ServiceRequestContext ctx, HttpRequest req) {
    if (denied == null || AuthDecorator.principal(ctx) != null) return null;
    return refuse(ctx, req, 401, AuthDecorator.AUTHENTICATION_REQUIRED);
  }

  private HttpResponse refuse(ServiceRequestContext ctx, HttpRequest req, int status, String msg) {
    if (denied != null) denied.labels("api", Integer.toString(status)).increment();
    return ListenerErrors.deny(AuthDecorator.Listener.API, ctx, req, status, msg, "Bearer");
  }
}
