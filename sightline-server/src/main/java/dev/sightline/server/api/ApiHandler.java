package dev.sightline.server.api;

/**
 * The body of one API route: reads the call (tenant, principal, parameters, body) and answers a
 * typed result. It runs on the blocking executor, may block on storage, and signals client errors
 * by throwing {@link ApiException} or {@code InvalidParameterException}; anything else it throws is
 * a 500 whose text the client never sees.
 */
@FunctionalInterface
public interface ApiHandler {
  ApiResult handle(ApiCall call);
}
