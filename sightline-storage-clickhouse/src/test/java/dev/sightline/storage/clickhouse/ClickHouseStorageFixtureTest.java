package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code clickhouse} backend of {@link StorageFixture}, found through its provider. */
class ClickHouseStorageFixtureTest {
  @TempDir Path dir;

  @Test
  void opensAFreshDatabase_reopensItOnTheSameData_andTwoFixturesDoNotShare() throws Exception {
    try (StorageFixture fixture = StorageFixture.create("clickhouse", dir);
        StorageFixture other = StorageFixture.create("clickhouse", dir)) {
      assertThat(fixture.backend()).isEqualTo("clickhouse");
      StorageComponent storage = fixture.open();
      assertThat(storage).isInstanceOf(ClickHouseStorage.class);
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);

      StorageComponent again = fixture.reopen();
      assertThat(again.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .hasSameSizeAs(TestObjects.TRACE);
      assertThat(other.open().traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .isEmpty();
    }
  }
}
