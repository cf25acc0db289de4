package dev.sightline.server.auth;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.query.QueryService;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * DNS-rebinding protection for a loopback listener without authentication: a web page on another
 * site that makes its own name resolve to 127.0.0.1 still sends its own name as {@code Host}, so a
 * request whose {@code Host} is not {@code localhost}, {@code 127.0.0.1}, {@code [::1]} (any port)
 * or the host of {@code --external-url} gets 403 {@code Host not allowed}.
 */
public final class HostCheck implements DecoratingHttpServiceFunction {
  private final Set<String> allowed = new LinkedHashSet<>();

  public HostCheck(@Nullable String externalUrl) {
    allowed.add("localhost");
    allowed.add("127.0.0.1");
    allowed.add("[::1]");
    if (externalUrl != null) {
      try {
        String host = URI.create(externalUrl).getHost();
        if (host != null) allowed.add(host.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // an unparsable external URL allows no extra host
      }
    }
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    String authority = req.headers().authority();
    if (authority == null || allowed(authority)) return delegate.serve(ctx, req);
    req.abort();
    String message =
        "Host not allowed: this server listens on loopback without authentication and answers"
            + " only Host "
            + String.join(", ", allowed)
            + " (set --external-url for another name, or use --auth-file)";
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.FORBIDDEN).contentType(MediaType.JSON_UTF_8).build(),
        HttpData.wrap(QueryService.error(403, null, message).json()));
  }

  boolean allowed(String authority) {
    String host = authority.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end < 0 ? host : host.substring(0, end + 1);
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0) host = host.substring(0, colon);
    }
    if (host.endsWith(".") && host.length() > 1) host = host.substring(0, host.length() - 1);
    return allowed.contains(host);
  }
}
