package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.StorageOverloadedException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>The hottest lookups keep their statement prepared on each connection ({@link #prepared}):
 * DuckDB parses, binds and plans a statement when it is prepared, which for trace by id (26
 * columns) cost ~0.9 ms — as much as the lookup itself (module README, "Trace-by-id: the index
 * choice"). A connection discarded after an error takes its statements with it.
 */
final class ReaderConnections implements AutoCloseable {
  private final DuckDBConnection database;
  static final long ACQUIRE_TIMEOUT_SECONDS = 30;

  private final ArrayBlockingQueue<DuckDBConnection> idle;

  /**
   * Statements kept prepared, per connection (identity: a connection is used by one query at a
   * time, so its map by one thread at a time); an entry leaves when its connection is closed.
   */
  private final Map<DuckDBConnection, Map<String, PreparedStatement>> statements =
      new ConcurrentHashMap<>();

  /**
   * At most this many statements are kept per connection: the callers pass a fixed few constant
   * texts, so more is a programming error ({@link #prepared} throws).
   */
  static final int MAX_STATEMENTS_PER_CONNECTION = 8;

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

  /**
   * {@code sql} prepared on {@code connection}, which a {@link Query} was given: prepared once and
   * kept with the connection. The caller must not close it, and must close its result sets before
   * it returns (a statement's next execution would close them anyway).
   */
  PreparedStatement prepared(DuckDBConnection connection, String sql) throws SQLException {
    Map<String, PreparedStatement> mine =
        statements.computeIfAbsent(connection, c -> new HashMap<>());
    PreparedStatement ps = mine.get(sql);
    if (ps == null || ps.isClosed()) {
      if (ps == null && mine.size() >= MAX_STATEMENTS_PER_CONNECTION) {
        // the callers pass a few constant texts; closing some to make room could close one that
        // the running query still holds
        throw new IllegalStateException(
            "more than " + MAX_STATEMENTS_PER_CONNECTION + " statements kept on a connection");
      }
      ps = connection.prepareStatement(sql);
      mine.put(sql, ps);
    }
    return ps;
  }

  private <T> T runAcquired(Query<T> query) {
    DuckDBConnection connection = idle.poll();
    try {
      if (connection == null) connection = duplicate();
      T result = query.run(connection);
      if (closed || !idle.offer(connection)) closeQuietly(connection);
      // close() may have emptied the pool between the check and the offer
      else if (closed && idle.remove(connection)) closeQuietly(connection);
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

  private void closeQuietly(@Nullable DuckDBConnection connection) {
    if (connection == null) return;
    Map<String, PreparedStatement> mine = statements.remove(connection);
    if (mine != null) for (PreparedStatement ps : mine.values()) closeQuietly(ps);
    try {
      connection.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException ignored) {
      // closing
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
