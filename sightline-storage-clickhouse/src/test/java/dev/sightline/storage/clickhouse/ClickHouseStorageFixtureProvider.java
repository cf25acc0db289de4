package dev.sightline.storage.clickhouse;

import dev.sightline.core.storage.StorageComponent;
import dev.sightline.testing.StorageFixture;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@link StorageFixture}'s {@code clickhouse} backend ({@code
 * -Dsightline.test.storage=clickhouse}): one {@code clickhouse-server} per test JVM, started at the
 * first fixture and killed when the JVM exits, and a fresh database per fixture, dropped when the
 * fixture closes. Shipped in this module's test-jar.
 */
public final class ClickHouseStorageFixtureProvider implements StorageFixture.Provider {
  private static @Nullable ClickHouseServer server;

  @Override
  public String name() {
    return "clickhouse";
  }

  @Override
  public StorageFixture.DataSet create(Path dir) {
    ClickHouseServer shared = server();
    String database = shared.newDatabase();
    return new StorageFixture.DataSet() {
      @Override
      public StorageComponent open() {
        return ClickHouseStorage.builder().url(shared.url()).database(database).build();
      }

      @Override
      public void close() {
        shared.execute("DROP DATABASE IF EXISTS " + database);
      }
    };
  }

  private static synchronized ClickHouseServer server() {
    if (server == null) {
      ClickHouseServer started = ClickHouseServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "clickhouse-test-server"));
      server = started;
    }
    return server;
  }
}
