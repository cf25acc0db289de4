package dev.sightline.core.storage;

import java.time.Duration;

/** The backend's write queue is full: the batch was not accepted and may be retried later. */
public final class StorageOverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public StorageOverloadedException(String message, Duration retryAfter) {
    super(message, null, false, false);
    this.retryAfter = retryAfter;
  }

  /** A hint for how long the client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
