package dev.sightline.server.api;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.query.QueryService;
import org.jspecify.annotations.Nullable;

/**
 * The API's error shape also for the statuses Armeria answers itself before a route runs (a body
 * whose declared length is above the route's limit: 413; a request timeout: 503; a request line or
 * headers too long), for paths under {@code /api/}. Other paths keep Armeria's rendering. The
 * message is the status's own text (and the limit for 413), never Armeria's description.
 */
final class ApiStatusRenderer implements ServerErrorHandler {
  @Override
  public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // the routes render their own failures (ApiErrors); Armeria's default otherwise
  }

  @Override
  public @Nullable AggregatedHttpResponse renderStatus(
      @Nullable ServiceRequestContext ctx,
      ServiceConfig config,
      @Nullable RequestHeaders headers,
      HttpStatus status,
      @Nullable String description,
      @Nullable Throwable cause) {
    if (headers == null || !headers.path().startsWith("/api/") || status.code() < 400) {
      return null;
    }
    String message =
        status.code() == 413
            ? ApiErrors.tooLarge(config.maxRequestLength())
            : status.reasonPhrase();
    ResponseHeaders h =
        ResponseHeaders.builder(status)
            .contentType(MediaType.JSON_UTF_8)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
            .build();
    return AggregatedHttpResponse.of(
        h, HttpData.wrap(QueryService.error(status.code(), null, message).json()));
  }
}
