package dev.sightline.testing.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test server fixture against the real binary: start, databases, cluster config, cleanup. */
class ClickHouseServerTest {

  @Test
  void startsOnLoopback_givesFreshDatabases_andDeletesItsFolderOnClose() {
    Path dir;
    try (ClickHouseServer server = ClickHouseServer.start()) {
      dir = server.dir();
      assertThat(server.url()).startsWith("http://127.0.0.1:");
      String a = server.newDatabase();
      String b = server.newDatabase();
      assertThat(a).isNotEqualTo(b);
      assertThat(server.execute("SELECT count() FROM system.databases WHERE name = '" + a + "'"))
          .isEqualTo("1\n");
      assertThat(server.isRunning()).isTrue();
    }
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void killAndRestart_keepTheData() {
    try (ClickHouseServer server = ClickHouseServer.start()) {
      String db = server.newDatabase();
      server.execute("CREATE TABLE " + db + ".t (x UInt8) ENGINE = MergeTree ORDER BY x");
      server.execute("INSERT INTO " + db + ".t VALUES (7)");

      server.kill();
      assertThat(server.isRunning()).isFalse();
      server.restart();

      assertThat(server.execute("SELECT x FROM " + db + ".t")).isEqualTo("7\n");
    }
  }

  @Test
  void cluster_everyNodeKnowsEveryShard() {
    List<ClickHouseServer> nodes = ClickHouseServer.startCluster("two_shards", 2);
    try {
      for (ClickHouseServer node : nodes) {
        assertThat(node.execute("SELECT count() FROM system.clusters WHERE cluster = 'two_shards'"))
            .isEqualTo("2\n");
      }
      // a query through the cluster reaches both nodes
      assertThat(
              nodes
                  .get(0)
                  .execute(
                      "SELECT count() FROM remote('127.0.0.1:"
                          + nodes.get(1).tcpPort()
                          + "', system.one)"))
          .isEqualTo("1\n");
    } finally {
      nodes.forEach(ClickHouseServer::close);
    }
  }

  @Test
  void clusterName_mustBeAnIdentifier() {
    assertThatThrownBy(() -> ClickHouseServer.startCluster("a b", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("identifier");
  }
}
