package dev.sightline.storage.duckdb;

import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * Connections for readers: duplicates of the database's connection (same database instance,
 * separate client contexts, so each query sees a consistent MVCC snapshot). Idle ones are kept up
 * to a bound; a connection whose query failed is closed instead of reused, as DuckDB JDBC may have
 * closed statements after an error.
 */
final class ReaderConnections implements AutoCloseable {
  private final DuckDBConnection database;
  private final ArrayBlockingQueue<DuckDBConnection> idle;
  private volatile boolean closed;

  ReaderConnections(DuckDBConnection database, int maxIdle) {
    this.database = database;
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  /** Work done on one connection. */
  interface Query<T> {
    T run(DuckDBConnection connection) throws SQLException;
  }

  <T> T run(Query<T> query) {
    if (closed) throw new IllegalStateException("storage is closed");
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
