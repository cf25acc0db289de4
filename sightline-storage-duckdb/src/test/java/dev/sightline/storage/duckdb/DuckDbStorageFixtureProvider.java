package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.StorageFixture;
import java.nio.file.Path;

/**
 * {@link StorageFixture}'s {@code duckdb} backend: a database in the test's folder, opened with the
 * builder's defaults, as the server opens it. Shipped in this module's test-jar.
 */
public final class DuckDbStorageFixtureProvider implements StorageFixture.Provider {
  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public StorageFixture.DataSet create(Path dir) {
    return new StorageFixture.DataSet() {
      @Override
      public StorageComponent open() {
        return DuckDbStorage.builder().dataDir(dir).build();
      }
    };
  }
}
