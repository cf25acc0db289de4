package dev.sightline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --storage} and each backend's options: flags, variables, file keys, help, mismatches. */
class StorageOptionsTest {
  @TempDir Path dir;

  @Test
  void duckDbIsTheDefaultWithItsOwnOptions() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
    assertThat(c.storage()).isInstanceOf(StorageConfig.DuckDb.class);
    StorageConfig.DuckDb duck = (StorageConfig.DuckDb) c.storage();
    assertThat(duck.memoryLimit()).isEqualTo("4GB");
    assertThat(duck.threads()).isZero();
    assertThat(duck.indexedAttributes()).isNotEmpty();
    ServerConfig tuned =
        ConfigLoader.load(
            Map.of("storage-threads", "2", "indexed-attributes", "a,b"),
            Map.of("SIGHTLINE_STORAGE_MEMORY_LIMIT", "512MB"));
    assertThat(tuned.storage()).isEqualTo(new StorageConfig.DuckDb("512MB", 2, List.of("a", "b")));
  }

  @Test
  void clickHouseFromFlagsEnvironmentAndFile() throws Exception {
    ServerConfig flags =
        ConfigLoader.load(
            Map.of(
                "storage", "clickhouse",
                "clickhouse-url", "http://ch.example:8123/",
                "clickhouse-user", "sightline"),
            Map.of("SIGHTLINE_CLICKHOUSE_PASSWORD", "s3cret"));
    assertThat(flags.storage())
        .isEqualTo(
            new StorageConfig.ClickHouse(
                URI.create("http://ch.example:8123"), "sightline", "sightline", "s3cret"));
    Path file = dir.resolve("sightline.yaml");
    Files.writeString(
        file,
        "storage: clickhouse\n"
            + "clickhouse-url: https://ch.example:8443\n"
            + "clickhouse-database: telemetry_1\n"
            + "clickhouse-user: writer\n"
            + "clickhouse-password: from-file\n");
    StorageConfig.ClickHouse fromFile =
        (StorageConfig.ClickHouse)
            ConfigLoader.load(Map.of("config", file.toString()), Map.of()).storage();
    assertThat(fromFile.url()).isEqualTo(URI.create("https://ch.example:8443"));
    assertThat(fromFile.database()).isEqualTo("telemetry_1");
    assertThat(fromFile.password()).isEqualTo("from-file");
    StorageConfig.ClickHouse fromEnv =
        (StorageConfig.ClickHouse)
            ConfigLoader.load(
                    Map.of(),
                    Map.of(
                        "SIGHTLINE_STORAGE", "ClickHouse",
                        "SIGHTLINE_CLICKHOUSE_URL", "http://10.0.0.5:8123"))
                .storage();
    assertThat(fromEnv.url().getHost()).isEqualTo("10.0.0.5");
    assertThat(fromEnv.user()).isNull();
    assertThat(fromEnv.password()).isNull();
  }

  @Test
  void passwordNeverOnTheCommandLineNorPrinted() throws Exception {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-password", "s3cret"),
                    Map.of()))
        .hasMessageStartingWith("--clickhouse-password is not accepted on the command line")
        .hasMessageNotContaining("s3cret");
    Path secret = dir.resolve("password");
    Files.writeString(secret, "p@ss word\n");
    StorageConfig.ClickHouse c =
        (StorageConfig.ClickHouse)
            ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-user", "u",
                        "clickhouse-password-file", secret.toString()),
                    Map.of())
                .storage();
    assertThat(c.password()).isEqualTo("p@ss word");
    assertThat(c.toString()).doesNotContain("p@ss").contains("****");
    assertThat(c.describe()).isEqualTo("http://ch:8123, database sightline, user u");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-user", "u",
                        "clickhouse-password-file", secret.toString()),
                    Map.of("SIGHTLINE_CLICKHOUSE_PASSWORD", "other")))
        .hasMessageContaining("are both given: keep one")
        .hasMessageNotContaining("other");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-password-file", dir.resolve("missing").toString()),
                    Map.of()))
        .hasMessageEndingWith("missing does not exist");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123"),
                    Map.of("SIGHTLINE_CLICKHOUSE_PASSWORD", "s3cret")))
        .hasMessageContaining("without --clickhouse-user")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void clickHouseUrlAndDatabaseAreValidated() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("storage", "clickhouse"), Map.of()))
        .hasMessage(
            "--storage clickhouse needs --clickhouse-url http://HOST:8123 (ClickHouse's HTTP"
                + " interface)");
    for (String bad :
        List.of(
            "ch:8123",
            "tcp://ch:9000",
            "http://",
            "http://ch:8123/db",
            "http://ch:8123?database=x",
            "http://u:p@ch:8123")) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      Map.of("storage", "clickhouse", "clickhouse-url", bad), Map.of()))
          .as(bad)
          .hasMessageStartingWith("invalid clickhouse-url '" + bad + "' (from --clickhouse-url)");
    }
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-database", "x; DROP TABLE spans"),
                    Map.of()))
        .hasMessageStartingWith("invalid clickhouse-database 'x; DROP TABLE spans'");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("storage", "cassandra"), Map.of()))
        .hasMessage("invalid storage 'cassandra' (from --storage): expected duckdb or clickhouse");
  }

  @Test
  void clusterOptions_areParsed_andReplicationNeedsACluster() throws Exception {
    ServerConfig config =
        ConfigLoader.load(
            Map.of(
                "storage", "clickhouse",
                "clickhouse-url", "http://ch1:8123",
                "clickhouse-cluster", "prod",
                "clickhouse-cluster-nodes", "http://ch1:8123, http://ch2:8123",
                "clickhouse-replicated", "true"),
            Map.of());
    assertThat(config.storage())
        .isEqualTo(
            new StorageConfig.ClickHouse(
                URI.create("http://ch1:8123"),
                "sightline",
                null,
                null,
                "prod",
                List.of(URI.create("http://ch1:8123"), URI.create("http://ch2:8123")),
                true));
    assertThat(((StorageConfig.ClickHouse) config.storage()).describe())
        .endsWith("cluster prod (replicated)");
    assertThat(
            ConfigLoader.load(
                    Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123"), Map.of())
                .storage())
        .isEqualTo(
            new StorageConfig.ClickHouse(
                URI.create("http://ch:8123"), "sightline", null, null, null, List.of(), false));
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-replicated", "true"),
                    Map.of()))
        .hasMessageContaining("--clickhouse-replicated needs --clickhouse-cluster");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "clickhouse-cluster", "prod; DROP"),
                    Map.of()))
        .hasMessageStartingWith("invalid clickhouse-cluster 'prod; DROP'");
  }

  @Test
  void batchDelay_defaultsTo200ms_boundedTo10s_byFlagOrEnvironment() {
    Map<String, String> base = Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(base, Map.of()).storage()).batchDelay())
        .isEqualTo(java.time.Duration.ofMillis(200));
    Map<String, String> zero = new java.util.HashMap<>(base);
    zero.put("clickhouse-batch-delay", "0");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(zero, Map.of()).storage()).batchDelay())
        .isZero();
    assertThat(
            ((StorageConfig.ClickHouse)
                    ConfigLoader.load(base, Map.of("SIGHTLINE_CLICKHOUSE_BATCH_DELAY", "1s"))
                        .storage())
                .batchDelay())
        .isEqualTo(java.time.Duration.ofSeconds(1));
    Map<String, String> tooLong = new java.util.HashMap<>(base);
    tooLong.put("clickhouse-batch-delay", "1m");
    assertThatThrownBy(() -> ConfigLoader.load(tooLong, Map.of()))
        .hasMessageContaining("clickhouse-batch-delay")
        .hasMessageContaining("at most 10s");
    Map<String, String> notADuration = new java.util.HashMap<>(base);
    notADuration.put("clickhouse-batch-delay", "soon");
    assertThatThrownBy(() -> ConfigLoader.load(notADuration, Map.of()))
        .hasMessageContaining("clickhouse-batch-delay");
    assertThat(ConfigLoader.help()).contains("--clickhouse-batch-delay DURATION");
  }

  @Test
  void serviceMapInterval_defaultsToAMinute_zeroTurnsTheJobOff() {
    Map<String, String> base = Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(base, Map.of()).storage())
                .serviceMapInterval())
        .isEqualTo(java.time.Duration.ofMinutes(1));
    Map<String, String> zero = new java.util.HashMap<>(base);
    zero.put("clickhouse-map-interval", "0");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(zero, Map.of()).storage())
                .serviceMapInterval())
        .isZero();
    Map<String, String> bad = new java.util.HashMap<>(base);
    bad.put("clickhouse-map-interval", "-1m");
    assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
        .hasMessageContaining("clickhouse-map-interval");
    assertThat(ConfigLoader.help()).contains("--clickhouse-map-interval DURATION");
  }

  @Test
  void traceLookups_keptByDefault_offByFlagOrEnvironment() {
    Map<String, String> base = Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(base, Map.of()).storage()).traceLookups())
        .isTrue();
    Map<String, String> off = new java.util.HashMap<>(base);
    off.put("clickhouse-lookups", "false");
    StorageConfig.ClickHouse flag =
        (StorageConfig.ClickHouse) ConfigLoader.load(off, Map.of()).storage();
    assertThat(flag.traceLookups()).isFalse();
    assertThat(flag.describe()).endsWith(", without trace lookup tables");
    assertThat(
            ((StorageConfig.ClickHouse)
                    ConfigLoader.load(base, Map.of("SIGHTLINE_CLICKHOUSE_LOOKUPS", "false"))
                        .storage())
                .traceLookups())
        .isFalse();
    assertThat(ConfigLoader.help()).contains("--clickhouse-lookups true|false");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(base, Map.of()).storage())
                .indexedAttributes())
        .isNull();
    Map<String, String> keys = new java.util.HashMap<>(base);
    keys.put("clickhouse-indexed-keys", "enduser.id, tenant.id");
    StorageConfig.ClickHouse listed =
        (StorageConfig.ClickHouse) ConfigLoader.load(keys, Map.of()).storage();
    assertThat(listed.indexedAttributes()).containsExactly("enduser.id", "tenant.id");
    assertThat(listed.describe()).endsWith(", attributes indexed: enduser.id, tenant.id");
    keys.put("clickhouse-indexed-keys", "");
    assertThat(
            ((StorageConfig.ClickHouse) ConfigLoader.load(keys, Map.of()).storage())
                .indexedAttributes())
        .isEmpty();
    Map<String, String> bad = new java.util.HashMap<>(base);
    bad.put("clickhouse-lookups", "maybe");
    assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
        .hasMessageContaining("clickhouse-lookups");
  }

  @Test
  void anOptionOfTheOtherBackendIsAStartupError() throws Exception {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "storage", "clickhouse",
                        "clickhouse-url", "http://ch:8123",
                        "storage-threads", "4"),
                    Map.of("SIGHTLINE_STORAGE_MEMORY_LIMIT", "1GB")))
        .hasMessage(
            "--storage-memory-limit (from $SIGHTLINE_STORAGE_MEMORY_LIMIT) is a DuckDB option;"
                + " --storage-threads (from --storage-threads) is a DuckDB option, but the"
                + " storage is ClickHouse (--storage clickhouse from --storage): remove them, or"
                + " give --storage duckdb");
    Path file = dir.resolve("duck.yaml");
    Files.writeString(file, "clickhouse-url: http://ch:8123\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessage(
            "--clickhouse-url (from "
                + file
                + ") is a ClickHouse option, but the storage is DuckDB (--storage duckdb, the"
                + " default): remove it, or give --storage clickhouse");
    // a default value of the other backend is no mismatch
    ConfigLoader.load(
        Map.of("storage", "clickhouse", "clickhouse-url", "http://ch:8123"), Map.of());
  }

  @Test
  void helpGroupsEachBackendsOptionsUnderIt() {
    String help = "\n" + ConfigLoader.help();
    int duck = help.indexOf("\nOptions of --storage duckdb (DuckDB, the default;");
    int ch = help.indexOf("\nOptions of --storage clickhouse (ClickHouse;");
    assertThat(duck).isPositive();
    assertThat(ch).isGreaterThan(duck);
    assertThat(help.indexOf("  --storage duckdb|clickhouse ")).isBetween(0, duck);
    for (ConfigLoader.Option o : ConfigLoader.OPTIONS) {
      int at = help.indexOf("\n  " + o.flag() + " ");
      assertThat(at).as(o.name()).isNotNegative();
      if (o.backend() == StorageKind.DUCKDB) assertThat(at).as(o.name()).isBetween(duck, ch);
      else if (o.backend() == StorageKind.CLICKHOUSE) assertThat(at).as(o.name()).isGreaterThan(ch);
      else assertThat(at).as(o.name()).isLessThan(duck);
    }
    assertThat(help)
        .contains("(env SIGHTLINE_CLICKHOUSE_PASSWORD, default none)")
        .contains("(env SIGHTLINE_CLICKHOUSE_DATABASE, default sightline)")
        .contains("(env SIGHTLINE_STORAGE, default duckdb)");
  }
}
