package dev.sightline.storage.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * The plumbing of derived tables (service edges, trace summaries, the attribute index): their state
 * in {@code sightline_meta}, whether a table exists yet, and running their upkeep in one
 * transaction.
 */
final class Meta {
  private Meta() {}

  /** Work run inside a transaction. */
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} between {@code BEGIN TRANSACTION} and {@code COMMIT}, rolling back (with a
   * fresh statement: DuckDB JDBC closes a statement after an error) when it throws.
   */
  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN TRANSACTION");
    }
    try {
      T result = work.run();
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      try (Statement rollback = c.createStatement()) {
        rollback.execute("ROLLBACK");
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The value stored under {@code key}, or null. */
  static @Nullable String get(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT value FROM sightline_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static void put(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT OR REPLACE INTO sightline_meta VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.execute();
    }
  }

  static void remove(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM sightline_meta WHERE key = ?")) {
      ps.setString(1, key);
      ps.execute();
    }
  }

  /** Whether the table exists in the main schema of this database. */
  static boolean tableExists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                + " AND schema_name = 'main' AND table_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** Runs one DDL or other statement without parameters. */
  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
