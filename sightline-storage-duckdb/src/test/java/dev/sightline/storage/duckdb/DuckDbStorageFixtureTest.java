package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code duckdb} backend of {@link StorageFixture}, found through its provider. */
class DuckDbStorageFixtureTest {
  @TempDir Path dir;

  @Test
  void opensAFreshDuckDb_reopensItOnTheSameData() throws Exception {
    try (StorageFixture fixture = StorageFixture.create("duckdb", dir)) {
      assertThat(fixture.backend()).isEqualTo("duckdb");
      StorageComponent storage = fixture.open();
      assertThat(storage).isInstanceOf(DuckDbStorage.class);
      assertThat(storage.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .isEmpty();
      storage.writer().writeSpans(TestObjects.TRACE).get(30, TimeUnit.SECONDS);
      assertThatThrownBy(fixture::open)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("still open");

      StorageComponent again = fixture.reopen();
      assertThat(again).isNotSameAs(storage);
      assertThat(again.traceReader().getTrace(TestObjects.TENANT, TestObjects.TRACE_ID))
          .hasSameSizeAs(TestObjects.TRACE);
    }
    assertThat(dir.resolve("sightline.duckdb")).exists();
  }

  @Test
  void theDefaultBackendIsDuckDb() {
    assertThat(StorageFixture.DEFAULT).isEqualTo("duckdb");
    if (System.getProperty(StorageFixture.PROPERTY) == null) {
      assertThat(StorageFixture.configuredBackend()).isEqualTo("duckdb");
    }
  }

  @Test
  void anUnknownBackend_failsNamingTheProvidersFound() {
    assertThatThrownBy(() -> StorageFixture.create("nosuchdb", dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no storage fixture provider named 'nosuchdb'")
        .hasMessageContaining("[duckdb")
        .hasMessageContaining("test-jar");
  }
}
