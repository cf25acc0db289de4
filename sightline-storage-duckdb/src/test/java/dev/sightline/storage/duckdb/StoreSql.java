package dev.sightline.storage.duckdb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Plain SQL on a closed store's database file: what upgrade and layout tests set up and check. */
final class StoreSql {
  private StoreSql() {}

  private static Connection open(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
  }

  /** Runs {@code statements} in order, each on its own. */
  static void execute(Path dir, String... statements) throws SQLException {
    try (Connection c = open(dir);
        Statement s = c.createStatement()) {
      for (String statement : statements) s.execute(statement);
    }
  }

  /** Every row of {@code query}, each as its columns' text joined by {@code |}. */
  static java.util.List<String> rows(Path dir, String query) throws SQLException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = open(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= columns; i++) b.append(i > 1 ? "|" : "").append(rs.getString(i));
        out.add(b.toString());
      }
    }
    return out;
  }

  /** The first column of the first row of {@code query}, a number. */
  static long count(Path dir, String query) throws SQLException {
    try (Connection c = open(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
