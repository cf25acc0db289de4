package dev.sightline.server.api;

import org.jspecify.annotations.Nullable;

/**
 * A handler's refusal with a status the client should see: 400 (naming the parameter or body field
 * when there is one), 404, 409. The message is shown to the client as is: it must say what was
 * wrong with the request, never hold internal text.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String parameter;

  public ApiException(int status, @Nullable String parameter, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("an ApiException is a client error (4xx): " + status);
    }
    this.status = status;
    this.parameter = parameter;
  }

  /** 400 for {@code parameter} (a query parameter or body field; null for the body as a whole). */
  public static ApiException badRequest(@Nullable String parameter, String message) {
    return new ApiException(400, parameter, message);
  }

  /** 404. */
  public static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  public int status() {
    return status;
  }

  public @Nullable String parameter() {
    return parameter;
  }
}
