package dev.sightline.server.config;

import java.util.Locale;

/** The storage backends {@code --storage} chooses between. */
public enum StorageKind {
  /** The embedded database in the data folder: one machine, nothing else to run. */
  DUCKDB("DuckDB"),
  /** A ClickHouse server or cluster: several Sightline servers, more data than one machine. */
  CLICKHOUSE("ClickHouse");

  private final String displayName;

  StorageKind(String displayName) {
    this.displayName = displayName;
  }

  /** The value of {@code --storage}: {@code duckdb}, {@code clickhouse}. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String displayName() {
    return displayName;
  }

  /** Parses a {@code --storage} value (case-insensitive). */
  public static StorageKind parse(String value) {
    for (StorageKind k : values()) if (k.flagValue().equalsIgnoreCase(value.trim())) return k;
    throw new IllegalArgumentException("expected duckdb or clickhouse");
  }
}
