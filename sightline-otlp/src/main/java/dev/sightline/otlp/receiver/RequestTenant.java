package dev.sightline.otlp.receiver;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.model.Tenants;
import io.netty.util.AttributeKey;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The tenant a request acts for, as an attribute of its {@link ServiceRequestContext}: set by the
 * server's authentication decorator from the caller's token, read by the receivers and the query
 * API. A request without it (authentication off) belongs to {@link Tenants#DEFAULT}.
 */
public final class RequestTenant {
  private static final AttributeKey<String> KEY =
      AttributeKey.valueOf(RequestTenant.class, "tenant");

  private RequestTenant() {}

  /** Records {@code tenant} as the tenant of {@code ctx}'s request. */
  public static void set(ServiceRequestContext ctx, String tenant) {
    ctx.setAttr(KEY, Objects.requireNonNull(tenant, "tenant"));
  }

  /** The tenant of {@code ctx}'s request, {@link Tenants#DEFAULT} when none was set. */
  public static String of(ServiceRequestContext ctx) {
    String tenant = ctx.attr(KEY);
    return tenant == null ? Tenants.DEFAULT : tenant;
  }

  /** The tenant of the current request ({@link ServiceRequestContext#currentOrNull()}). */
  public static String current() {
    @Nullable ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    return ctx == null ? Tenants.DEFAULT : of(ctx);
  }
}
