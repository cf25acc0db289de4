package dev.sightline.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.RequestHeaders;
import dev.sightline.query.QueryParameters;
import dev.sightline.server.auth.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request as a handler sees it, after the layer authenticated it, checked its role and limits
 * and resolved its tenant.
 *
 * @param tenant the tenant the request acts for (its token's, the gateway's header, or {@code
 *     default} when authentication is off)
 * @param principal the token it was authenticated as; null when authentication is off
 * @param pathParams the route's path parameters ({@code {traceId}} ...)
 * @param params the query parameters (the first value of each)
 * @param body the request body (empty for routes without one), at most the route's limit
 * @param headers the request's headers (for the few routes that read one: the session cookie, the
 *     sign-in's anti-CSRF header)
 */
public record ApiCall(
    String tenant,
    @Nullable Principal principal,
    Map<String, String> pathParams,
    QueryParameters params,
    HttpData body,
    RequestHeaders headers) {
  public ApiCall {
    Objects.requireNonNull(tenant, "tenant");
    pathParams = Map.copyOf(pathParams);
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(headers, "headers");
  }

  /** The path parameter {@code name} of the route's path. */
  public String path(String name) {
    String v = pathParams.get(name);
    if (v == null) throw new IllegalStateException("the route has no path parameter " + name);
    return v;
  }

  /** The body as UTF-8 text. */
  public String text() {
    return body.toString(StandardCharsets.UTF_8);
  }

  /**
   * The body as a JSON object; an empty (or blank) body is an empty object. 400 for anything else
   * than a JSON object.
   */
  public JsonNode jsonObject() {
    String text = text();
    if (text.isBlank()) return ApiJson.MAPPER.createObjectNode();
    JsonNode node;
    try {
      node = ApiJson.MAPPER.readTree(text);
    } catch (IOException e) {
      throw ApiException.badRequest(null, "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    return node;
  }
}
