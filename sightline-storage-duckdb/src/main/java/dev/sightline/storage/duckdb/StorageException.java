package dev.sightline.storage.duckdb;

import org.jspecify.annotations.Nullable;

/** A query against DuckDB failed or could not run; the cause, if any, is the driver's exception. */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StorageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
