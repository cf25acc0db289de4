package dev.sightline.server.auth;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.model.Tenants;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.otlp.receiver.RequestTenant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The tenant of a request from a header ({@code --tenant-header X-Scope-OrgID}), for a deployment
 * where a gateway in front authenticates callers and sets the header: one decorator per listener,
 * around all its services. The header's value, a valid tenant name ({@link Tenants#isValid}),
 * becomes the request's tenant ({@link RequestTenant}); every request needs it except {@code
 * /healthz} and the UI's static files (as with {@link AuthDecorator}). The decorator answers itself
 * in the listener's error shape ({@link ListenerErrors}):
 *
 * <ul>
 *   <li>no header (or an empty one): 401; gRPC status UNAUTHENTICATED
 *   <li>a value that is not a valid tenant name, or more than one value: 400; gRPC status
 *       INVALID_ARGUMENT, naming the rule but never the value
 * </ul>
 *
 * <p>Sightline itself checks nothing else: whoever can reach the ports can pick any tenant, which
 * is why this is refused together with {@code --auth-file} and why a non-loopback listener still
 * needs {@code --insecure-no-auth}.
 */
public final class TenantHeaderDecorator implements DecoratingHttpServiceFunction {
  private final String header;
  private final AuthDecorator.Listener listener;
  private final SelfTelemetry.Counter denied;

  /**
   * {@code header} as configured (its spelling is used in messages); counts refusals in {@code
   * sightline_auth_denied_total{listener, status}}.
   */
  public TenantHeaderDecorator(
      String header, AuthDecorator.Listener listener, SelfTelemetry telemetry) {
    this.header = Objects.requireNonNull(header, "header");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.denied =
        telemetry.counter(
            "sightline_auth_denied_total", ListenerErrors.DENIED_HELP, "listener", "status");
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    if (AuthDecorator.open(listener, ctx, req.headers())) return delegate.serve(ctx, req);
    List<String> values = req.headers().getAll(header);
    if (values.isEmpty() || values.stream().allMatch(String::isBlank)) {
      return deny(ctx, req, 401, "missing tenant header " + header);
    }
    if (values.size() > 1) {
      return deny(ctx, req, 400, "the tenant header " + header + " must be given once");
    }
    String tenant = values.get(0).strip();
    if (!Tenants.isValid(tenant)) {
      // the value is not echoed: it may be anything a caller sent
      return deny(ctx, req, 400, "invalid tenant header " + header + ": " + Tenants.RULE);
    }
    RequestTenant.set(ctx, tenant);
    return delegate.serve(ctx, req);
  }

  private HttpResponse deny(ServiceRequestContext ctx, HttpRequest req, int status, String msg) {
    denied.labels(listener.name().toLowerCase(Locale.ROOT), Integer.toString(status)).increment();
    return ListenerErrors.deny(listener, ctx, req, status, msg, null);
  }
}
