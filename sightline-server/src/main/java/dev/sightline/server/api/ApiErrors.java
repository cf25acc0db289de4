package dev.sightline.server.api;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.incident.IllegalTransitionException;
import dev.sightline.incident.UnknownIncidentException;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.InvalidParameterException;
import dev.sightline.query.QueryService;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.alerting.SpecRejectedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API layer answers a failed call, the same for every route (docs/api.md, Errors): the
 * shape {@code {"error": {"status", "message", "parameter"?}}} and
 *
 * <ul>
 *   <li>400 for {@link InvalidParameterException} and {@link ApiException} 400, naming the
 *       parameter; 404 and 409 for the domain's "unknown" and "conflicting state" exceptions
 *   <li>the status of a refused SLO spec, with its {@code problems}
 *   <li>413 for a body above the route's limit
 *   <li>503 with {@code Retry-After} when storage or the blocking pool is too busy
 *   <li>500 for anything else, through {@link InternalErrors}: a request id, never the text
 * </ul>
 */
final class ApiErrors {
  private static final Logger logger = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** The answer to {@code failure} of route {@code endpoint}. */
  static HttpResponse of(ServiceRequestContext ctx, String endpoint, Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    if (t instanceof ApiException e)
      return json(QueryService.error(e.status(), e.parameter(), e.getMessage()), 0);
    if (t instanceof InvalidParameterException e) {
      return json(QueryService.error(400, e.parameter(), e.getMessage()), 0);
    }
    if (t instanceof UnknownIncidentException e) {
      return json(QueryService.error(404, null, e.getMessage()), 0);
    }
    if (t instanceof IllegalTransitionException e) {
      return json(QueryService.error(409, null, e.getMessage()), 0);
    }
    if (t instanceof SpecRejectedException e) return json(rejected(e), 0);
    if (t instanceof ContentTooLargeException e) {
      return json(QueryService.error(413, null, tooLarge(e.maxContentLength())), 0);
    }
    if (t instanceof StorageOverloadedException busy) {
      return json(
          InternalErrors.of(ctx, logger, "API " + endpoint, busy),
          Math.max(1, busy.retryAfter().toSeconds()));
    }
    if (t instanceof RejectedExecutionException) {
      return json(QueryService.error(503, null, "the server is busy; retry in a moment"), 1);
    }
    RuntimeException e = t instanceof RuntimeException r ? r : new IllegalStateException(t);
    return json(InternalErrors.of(ctx, logger, "API " + endpoint, e), 0);
  }

  /** The message of a 413. */
  static String tooLarge(long maxBytes) {
    return "the body is larger than the limit of this endpoint"
        + (maxBytes > 0 ? " (" + maxBytes + " bytes)" : "");
  }

  private static ApiResponse rejected(SpecRejectedException e) {
    return new ApiResponse(
        e.status(),
        ApiJson.render(
            g -> {
              g.writeStartObject();
              g.writeObjectFieldStart("error");
              g.writeNumberField("status", e.status());
              g.writeStringField("message", e.getMessage());
              if (!e.problems().isEmpty()) {
                g.writeArrayFieldStart("problems");
                for (SloProblem p : e.problems()) SloJson.writeProblem(g, p);
                g.writeEndArray();
              }
              g.writeEndObject();
              g.writeEndObject();
            }));
  }

  /** A JSON answer; {@code Retry-After: retryAfterSeconds} when that is positive. */
  static HttpResponse json(ApiResponse r, long retryAfterSeconds) {
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(HttpStatus.valueOf(r.status())).contentType(MediaType.JSON_UTF_8);
    if (retryAfterSeconds > 0) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    return HttpResponse.of(headers.build(), HttpData.wrap(r.json()));
  }
}
