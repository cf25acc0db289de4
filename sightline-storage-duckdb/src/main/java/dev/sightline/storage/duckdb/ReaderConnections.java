package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.StorageOverloadedException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * Connections for readers: duplicates of the database's connection (same database instance,
 * separate client contexts, so each query sees a consistent MVCC snapshot). Idle ones are kept up
 * to a bound; a connection whose query failed is closed instead of reused, as DuckDB JDBC may have
 * closed statements after an error. At most {@code maxConcurrent} queries run at once (each DuckDB
 * query already uses every core); further callers wait up to {@link #ACQUIRE_TIMEOUT_SECONDS} and
 * then fail with {@link StorageException}, instead of opening a connection each.
 */
final class ReaderConnections implements AutoCloseable {
  private final DuckDBConnection database;
  static final long ACQUIRE_TIMEOUT_SECONDS = 30;

  private final ArrayBlockingQueue<DuckDBConnection> idle;
  private final Semaphore running;
  private volatile boolean closed;

  /** Runs before each {@link #run}: the writer's derived backlog is written first. */
  private final Runnable derivedWritten;

  ReaderConnections(DuckDBConnection database, int maxIdle, Runnable derivedWritten) {
    this.database = database;
    this.derivedWritten = derivedWritten;
    this.idle = new ArrayBlockingQueue<>(maxIdle);
    this.running = new Semaphore(Math.max(1, maxIdle), true);
  }

  /** Work done on one connection. */
  interface Query<T> {
    T run(DuckDBConnection connection) throws SQLException;
  }

  /**
   * Runs {@code query} once every write acknowledged so far has its derived rows (RED, trace
   * summaries, the attribute and span block indexes, service operations) written: for queries that
   * read them.
   */
  <T> T run(Query<T> query) {
    if (closed) throw new IllegalStateException("storage is closed");
    derivedWritten.run();
    return runOnStored(query);
  }

  /**
   * Runs {@code query} without waiting for derived rows: for queries of the stored rows alone
   * (trace by id, logs, metric points) and maintenance.
   */
  <T> T runOnStored(Query<T> query) {
    if (closed) throw new IllegalStateException("storage is closed");
    try {
      if (!running.tryAcquire(ACQUIRE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new StorageOverloadedException(
            "storage is busy: " + ACQUIRE_TIMEOUT_SECONDS + " s waiting for a reader connection",
            Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted waiting for a reader connection", e);
    }
    try {
      return runAcquired(query);
    } finally {
      running.release();
    }
  }

  private <T> T runAcquired(Query<T> query) {
    DuckDBConnection connection = idle.poll();
    try {
      if (connection == null) connection = duplicate();
      T result = query.run(connection);
      if (closed || !idle.offer(connection)) connection.close();
      return result;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StorageException("DuckDB query failed: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private DuckDBConnection duplicate() throws SQLException {
    synchronized (database) {
      if (closed) throw new IllegalStateException("storage is closed");
      return database.duplicate();
    }
  }

  private static void closeQuietly(@Nullable DuckDBConnection connection) {
    if (connection == null) return;
    try {
      connection.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }

  @Override
  public void close() {
    synchronized (database) {
      closed = true;
    }
    for (DuckDBConnection c; (c = idle.poll()) != null; ) closeQuietly(c);
  }
}
