package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.ITFaultScenarioStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A back-filled fault scenario written into real DuckDB shows up in RED buckets as it should. */
class FaultScenarioStorageTest extends ITFaultScenarioStorage {
  @TempDir Path dir;

  @Override
  protected StorageComponent newStorage() {
    return DuckDbStorageTest.open(dir);
  }

  @Override
  protected StorageComponent reopenStorage() {
    return DuckDbStorageTest.open(dir);
  }
}
