package dev.sightline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture's bookkeeping, with a provider registered in this module's test resources that
 * records what it is asked (no backend can run here: backends depend on this module). The real
 * {@code duckdb} provider is tested in its module ({@code DuckDbStorageFixtureTest}).
 */
class StorageFixtureTest {
  /** What the recording provider did, in order. */
  static final List<String> events = new ArrayList<>();

  @TempDir Path dir;

  @BeforeEach
  void clear() {
    events.clear();
  }

  @Test
  void opensOnTheProvidersData_reopens_closesTheComponentThenTheData() {
    StorageFixture fixture = StorageFixture.create("Recording", dir);
    assertThat(fixture.backend()).isEqualTo("recording");
    assertThatThrownBy(fixture::storage).hasMessageContaining("no component is open");

    StorageComponent first = fixture.open();
    assertThat(fixture.storage()).isSameAs(first);
    assertThatThrownBy(fixture::open).hasMessageContaining("still open");
    StorageComponent second = fixture.reopen();
    assertThat(second).isNotSameAs(first);
    fixture.close();
    fixture.close(); // idempotent

    assertThat(events)
        .containsExactly("create " + dir, "open 1", "close 1", "open 2", "close 2", "release data");
    assertThatThrownBy(fixture::open).hasMessageContaining("closed");
  }

  @Test
  void unknownBackend_namesTheProvidersFound() {
    assertThatThrownBy(() -> StorageFixture.create("nosuchdb", dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no storage fixture provider named 'nosuchdb' (sightline.test.storage); on the class"
                + " path: [recording]. Add the backend's test-jar to this module's test"
                + " dependencies.");
  }

  @Test
  void theBackendComesFromTheSystemProperty_duckdbByDefault() {
    String saved = System.getProperty(StorageFixture.PROPERTY);
    try {
      System.clearProperty(StorageFixture.PROPERTY);
      assertThat(StorageFixture.configuredBackend()).isEqualTo("duckdb");
      System.setProperty(StorageFixture.PROPERTY, "  ");
      assertThat(StorageFixture.configuredBackend()).isEqualTo("duckdb");
      System.setProperty(StorageFixture.PROPERTY, " Recording ");
      assertThat(StorageFixture.configuredBackend()).isEqualTo("recording");
      try (StorageFixture fixture = StorageFixture.create(dir)) {
        assertThat(fixture.backend()).isEqualTo("recording");
      }
    } finally {
      if (saved == null) System.clearProperty(StorageFixture.PROPERTY);
      else System.setProperty(StorageFixture.PROPERTY, saved);
    }
  }

  /** Records its calls in {@link #events}; its components have no readers. */
  public static final class RecordingProvider implements StorageFixture.Provider {
    @Override
    public String name() {
      return "recording";
    }

    @Override
    public StorageFixture.DataSet create(Path dir) {
      events.add("create " + dir);
      return new StorageFixture.DataSet() {
        int opened;

        @Override
        public StorageComponent open() {
          int n = ++opened;
          events.add("open " + n);
          return new Component(n);
        }

        @Override
        public void close() {
          events.add("release data");
        }
      };
    }
  }

  private record Component(int n) implements StorageComponent {
    @Override
    public CheckResult check() {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public TelemetryWriter writer() {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public TraceReader traceReader() {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public LogReader logReader() {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public MetricReader metricReader() {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public long deleteBefore(long cutoffUnixNano) {
      throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public void close() {
      events.add("close " + n);
    }
  }
}
