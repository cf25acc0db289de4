package dev.sightline.server.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.QueryService;
import org.slf4j.Logger;

/**
 * What a client is told when a handler fails unexpectedly: never the exception's text (it can hold
 * SQL, file paths, database messages), but a request id that the server log also carries, with the
 * stack trace. A storage that is too busy to read is not a failure of the server: 503 with a
 * message saying so, which clients retry.
 */
final class InternalErrors {
  private InternalErrors() {}

  /** The error answer for {@code e} of the request {@code ctx}; logs it with the request id. */
  static ApiResponse of(ServiceRequestContext ctx, Logger logger, String what, RuntimeException e) {
    if (e instanceof StorageOverloadedException busy) {
      return QueryService.error(503, null, busy.getMessage() + "; retry in a moment");
    }
    String requestId = ctx.id().text();
    logger.warn("{} failed (request {} {} {})", what, requestId, ctx.method(), ctx.path(), e);
    return QueryService.error(
        500, null, "internal error (request " + requestId + "); the server log has the details");
  }
}
