package dev.sightline.storage.duckdb;

/** A query against DuckDB failed; the cause is the driver's exception. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
