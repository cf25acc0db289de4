package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path relies on appenders joining the connection's open transaction: rows appended (and
 * flushed) to several tables become visible together at commit and vanish on rollback.
 */
class TransactionalAppenderTest {

  @Test
  void appendedRowsFollowTheTransaction(@TempDir Path dir) throws Exception {
    try (DuckDBConnection c =
            (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.db"));
        DuckDBConnection reader = c.duplicate()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE a (x BIGINT)");
        s.execute("CREATE TABLE b (y VARCHAR)");
      }
      execute(c, "BEGIN TRANSACTION");
      appendRows(c, 3);
      assertThat(count(reader, "a")).isZero();
      execute(c, "ROLLBACK");
      assertThat(count(c, "a")).isZero();
      assertThat(count(c, "b")).isZero();

      execute(c, "BEGIN TRANSACTION");
      appendRows(c, 5);
      assertThat(count(reader, "a")).isZero();
      assertThat(count(reader, "b")).isZero();
      execute(c, "COMMIT");
      assertThat(count(reader, "a")).isEqualTo(5);
      assertThat(count(reader, "b")).isEqualTo(5);
    }
  }

  private static void appendRows(DuckDBConnection c, int n) throws Exception {
    try (DuckDBAppender a = c.createAppender("main", "a")) {
      for (int i = 0; i < n; i++) a.beginRow().append((long) i).endRow();
    }
    try (DuckDBAppender b = c.createAppender("main", "b")) {
      for (int i = 0; i < n; i++) b.beginRow().append("row " + i).endRow();
    }
  }

  private static void execute(DuckDBConnection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(DuckDBConnection c, String table) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
