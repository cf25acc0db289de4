package dev.sightline.storage.clickhouse;

/**
 * ClickHouse refused a statement or could not be reached. {@link #retryable()} says whether the
 * same statement may succeed later (server down, overloaded, too many parts) or never will (bad
 * SQL, bad data).
 */
final class ClickHouseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  ClickHouseException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  ClickHouseException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  boolean retryable() {
    return retryable;
  }
}
