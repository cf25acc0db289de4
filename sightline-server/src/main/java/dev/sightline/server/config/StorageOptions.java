package dev.sightline.server.config;

import dev.sightline.server.config.ConfigLoader.Option;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The storage options of {@link ConfigLoader#OPTIONS}: {@code --storage}, which picks the backend,
 * and each backend's own options (their {@link Option#backend()}). An option of one backend given
 * while another is chosen is an error, not silently ignored: a setting the operator believes in
 * would otherwise do nothing.
 */
final class StorageOptions {
  /** Options whose value is never printed: not in errors, not in logs. */
  static final Set<String> SECRETS = Set.of("clickhouse-password");

  static final List<Option> OPTIONS =
      List.of(
          new Option(
              "storage",
              "duckdb|clickhouse",
              "duckdb",
              "where telemetry is stored: the embedded DuckDB database in --data-dir, or a"
                  + " ClickHouse server (--clickhouse-url) that several Sightline servers can share;"
                  + " the options below belong to one of them"),
          new Option(
              "storage-memory-limit",
              "SIZE",
              "4GB",
              "memory the embedded database may use for caching and queries (DuckDB memory_limit)",
              StorageKind.DUCKDB),
          new Option(
              "storage-threads",
              "N",
              "0",
              "worker threads of the embedded database; 0 = one fewer than the cores, at least 1",
              StorageKind.DUCKDB),
          new Option(
              "indexed-attributes",
              "KEYS",
              // ", " so that the help text can wrap the list
              String.join(
                  ", ",
                  dev.sightline.storage.duckdb.DuckDbStorageBuilder.DEFAULT_INDEXED_ATTRIBUTES),
              "attribute keys indexed by value, comma-separated (at most 32; empty: none): a trace"
                  + " search by one of them reads the traces holding the value instead of every"
                  + " span of the range; a changed list is rebuilt from stored spans at start",
              StorageKind.DUCKDB),
          new Option(
              "clickhouse-url",
              "URL",
              "",
              "ClickHouse's HTTP interface, http://HOST:8123 or https://HOST:8443 (required)",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-database",
              "NAME",
              "sightline",
              "database holding Sightline's tables, created if missing (letters, digits, _)",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-user",
              "USER",
              "",
              "ClickHouse user (HTTP basic authentication); none: the server's default user",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-password",
              "PASSWORD",
              "",
              "password of --clickhouse-user: in the environment or the config file only (a flag"
                  + " would show in the process list); never logged",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-password-file",
              "FILE",
              "",
              "file holding the password of --clickhouse-user (one trailing newline ignored)",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-cluster",
              "NAME",
              "",
              "shard the tables over this cluster of the ClickHouse servers' remote_servers:"
                  + " <table>_local tables on every node, Distributed tables in front sharded by"
                  + " trace id (a trace on one shard); none: the tables of the --clickhouse-url node",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-cluster-nodes",
              "URLS",
              "",
              "HTTP interface of every node (each replica of each shard) of --clickhouse-cluster,"
                  + " comma-separated, where the schema and retention statements go; none: the"
                  + " hosts of system.clusters on the port of --clickhouse-url",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-replicated",
              "true|false",
              "false",
              "ReplicatedMergeTree local tables in --clickhouse-cluster (ZooKeeper and the macros"
                  + " {shard} and {replica} configured on every node)",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-lookups",
              "true|false",
              "true",
              "keep the lookup tables (spans_by_trace, attr_index) that make trace by id and"
                  + " attribute search fast at volume; false (ingest first): they are dropped and"
                  + " reads scan the spans, for about half of ClickHouse's CPU per span; turned on"
                  + " again they are back-filled at start. Every server of a database alike",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-indexed-keys",
              "KEYS",
              "*",
              "attribute keys kept in attr_index, comma-separated, or * for every key (empty:"
                  + " none): a trace search by none of them scans the spans; fewer keys, less"
                  + " ClickHouse CPU and disk per span; a changed list is rebuilt from stored spans"
                  + " at start",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-batch-delay",
              "DURATION",
              "200ms",
              "how long a small INSERT may wait for more batches (sent once none arrived for a"
                  + " tenth of it; 0: every batch at once, at most 10s): larger inserts, fewer"
                  + " parts and merges in ClickHouse, at the cost of that much write latency",
              StorageKind.CLICKHOUSE),
          new Option(
              "clickhouse-map-interval",
              "DURATION",
              "1m",
              "how often this server stores the service map of closed hours (each joined once,"
                  + " read where still exact; harmless on several servers at once); 0: never"
                  + " here, maps of long ranges are then joined at query time unless another"
                  + " server of the database stores them",
              StorageKind.CLICKHOUSE));

  private StorageOptions() {}

  /**
   * Refuses flags that must not be given on the command line.
   *
   * @param flags the command-line flags, without dashes
   */
  static void checkFlags(Map<String, String> flags) {
    if (flags.containsKey("clickhouse-password")) {
      throw new IllegalArgumentException(
          "--clickhouse-password is not accepted on the command line, where every user of the"
              + " machine can read it (ps): set SIGHTLINE_CLICKHOUSE_PASSWORD, the config file"
              + " key clickhouse-password, or --clickhouse-password-file FILE");
    }
  }

  /** The storage configuration; refuses options of a backend other than the chosen one. */
  static StorageConfig resolve(ConfigLoader.Resolver r) {
    StorageKind kind = r.get("storage", StorageKind::parse);
    List<String> foreign = new ArrayList<>();
    for (Option o : OPTIONS) {
      if (o.backend() != null && o.backend() != kind && !r.isDefault(o.name())) {
        foreign.add(
            "--"
                + o.name()
                + " (from "
                + r.source(o.name())
                + ") is a "
                + o.backend().displayName()
                + " option");
      }
    }
    if (!foreign.isEmpty()) {
      StorageKind other = kind == StorageKind.DUCKDB ? StorageKind.CLICKHOUSE : StorageKind.DUCKDB;
      throw new IllegalArgumentException(
          String.join("; ", foreign)
              + ", but the storage is "
              + kind.displayName()
              + " (--storage "
              + kind.flagValue()
              + (r.isDefault("storage") ? ", the default" : " from " + r.source("storage"))
              + "): remove "
              + (foreign.size() == 1 ? "it" : "them")
              + ", or give --storage "
              + other.flagValue());
    }
    return switch (kind) {
      case DUCKDB ->
          new StorageConfig.DuckDb(
              r.get("storage-memory-limit", StorageOptions::parseMemoryLimit),
              r.get("storage-threads", v -> Math.toIntExact(parseNonNegativeLong(v))),
              r.get("indexed-attributes", ConfigLoader::parseList));
      case CLICKHOUSE -> clickHouse(r);
    };
  }

  private static StorageConfig.ClickHouse clickHouse(ConfigLoader.Resolver r) {
    if (r.value("clickhouse-url").isBlank()) {
      throw new IllegalArgumentException(
          "--storage clickhouse needs --clickhouse-url http://HOST:8123 (ClickHouse's HTTP"
              + " interface)");
    }
    @Nullable String cluster =
        r.get("clickhouse-cluster", v -> v.isBlank() ? null : parseIdentifier(v, "a cluster"));
    List<URI> nodes =
        r.get(
            "clickhouse-cluster-nodes",
            v -> ConfigLoader.parseList(v).stream().map(StorageOptions::parseUrl).toList());
    boolean replicated = r.get("clickhouse-replicated", ConfigLoader::parseBoolean);
    if (cluster == null && (replicated || !nodes.isEmpty())) {
      throw new IllegalArgumentException(
          (replicated ? "--clickhouse-replicated" : "--clickhouse-cluster-nodes")
              + " needs --clickhouse-cluster NAME (the cluster of remote_servers to shard over)");
    }
    URI url = r.get("clickhouse-url", StorageOptions::parseUrl);
    String database = r.get("clickhouse-database", v -> parseIdentifier(v, "a database name"));
    String user = r.get("clickhouse-user", v -> v.isBlank() ? null : v.strip());
    String password = r.value("clickhouse-password");
    String passwordFile = r.value("clickhouse-password-file");
    if (!password.isEmpty() && !passwordFile.isBlank()) {
      throw new IllegalArgumentException(
          "clickhouse-password (from "
              + r.source("clickhouse-password")
              + ") and --clickhouse-password-file (from "
              + r.source("clickhouse-password-file")
              + ") are both given: keep one");
    }
    @Nullable String secret = password.isEmpty() ? null : password;
    if (!passwordFile.isBlank()) secret = readPassword(Path.of(passwordFile.strip()));
    if (secret != null && user == null) {
      throw new IllegalArgumentException(
          "a ClickHouse password is given without --clickhouse-user: name the user it belongs to");
    }
    boolean traceLookups = r.get("clickhouse-lookups", ConfigLoader::parseBoolean);
    List<String> indexed =
        r.get(
            "clickhouse-indexed-keys",
            v -> v.strip().equals("*") ? null : ConfigLoader.parseList(v));
    Duration batchDelay =
        r.get(
            "clickhouse-batch-delay",
            v -> {
              Duration d = ConfigLoader.parseDuration(v);
              if (d.compareTo(StorageConfig.ClickHouse.MAX_BATCH_DELAY) > 0) {
                throw new IllegalArgumentException("at most 10s");
              }
              return d;
            });
    Duration serviceMapInterval = r.get("clickhouse-map-interval", ConfigLoader::parseDuration);
    return new StorageConfig.ClickHouse(
        url,
        database,
        user,
        secret,
        cluster,
        nodes,
        replicated,
        traceLookups,
        indexed,
        batchDelay,
        serviceMapInterval);
  }

  /** {@code http(s)://HOST[:PORT]}: no user information (passwords have options of their own). */
  static URI parseUrl(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected http://HOST:8123 or https://HOST:8443 (ClickHouse's HTTP interface)");
    }
    if (uri.getHost() == null) throw new IllegalArgumentException("no host");
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "user information in the URL is not accepted (it would be logged): use"
              + " --clickhouse-user and SIGHTLINE_CLICKHOUSE_PASSWORD or"
              + " --clickhouse-password-file");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "expected no path, query or fragment: the database has --clickhouse-database");
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static String parseIdentifier(String value, String what) {
    String v = value.strip();
    if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          what + " is letters, digits and underscores, not starting with a digit");
    }
    return v;
  }

  private static String readPassword(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--clickhouse-password-file " + file + " does not exist");
    } catch (IOException e) {
      // the exception's message names the file and the reason, never its content
      throw new IllegalArgumentException(
          "cannot read --clickhouse-password-file " + file + ": " + e.getClass().getSimpleName());
    }
    if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
    if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("--clickhouse-password-file " + file + " is empty");
    }
    return text;
  }

  /** A DuckDB memory limit such as {@code 4GB}, {@code 512MB} or {@code 2GiB}. */
  private static String parseMemoryLimit(String value) {
    String v = value.trim();
    if (!v.matches("(?i)[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
      throw new IllegalArgumentException("expected a size such as 4GB, 512MB or 2GiB");
    }
    return v;
  }

  private static long parseNonNegativeLong(String value) {
    long n = Long.parseLong(value.trim());
    if (n < 0) throw new IllegalArgumentException("must not be negative");
    return n;
  }
}
