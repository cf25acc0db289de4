package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import dev.sightline.testing.clickhouse.ZooKeeperServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicated tables: a real ZooKeeper and one shard of two real {@code clickhouse-server} replicas,
 * the storage in cluster mode with {@code replicated(true)}.
 */
class ClickHouseReplicatedStorageTest {
  static final String CLUSTER = "sightline_replicated";
  static ZooKeeperServer zooKeeper;
  static List<ClickHouseServer> replicas;

  @BeforeAll
  static void start() {
    zooKeeper = ZooKeeperServer.start();
    replicas = ClickHouseServer.startCluster(CLUSTER, 1, 2, zooKeeper);
  }

  @AfterAll
  static void stop() {
    if (replicas != null) replicas.forEach(ClickHouseServer::close);
    if (zooKeeper != null) zooKeeper.close();
  }

  static ClickHouseStorage open(String database, int via) {
    return ClickHouseStorage.builder()
        .url(replicas.get(via).url())
        .database(database)
        .cluster(CLUSTER)
        .replicated(true)
        .clusterNodes(replicas.stream().map(ClickHouseServer::url).toList())
        .build();
  }

  static String engine(ClickHouseServer node, String database, String table) {
    return node.execute(
            "SELECT engine FROM system.tables WHERE database = '"
                + database
                + "' AND name = '"
                + table
                + "' FORMAT TSV")
        .strip();
  }

  static long count(ClickHouseServer node, String database, String table) {
    return Long.parseLong(node.execute("SELECT count() FROM " + database + "." + table).strip());
  }

  @Test
  void everyWriteReachesBothReplicas_andARetriedBatchIsStoredOnce() throws Exception {
    String database = replicas.get(0).newDatabase();
    List<Span> trace = TelemetryGenerator.builder().spansPerTrace(12).build().nextTrace();
    String tenant = trace.get(0).tenant();
    try (ClickHouseStorage storage = open(database, 0)) {
      for (ClickHouseServer node : replicas) {
        assertThat(engine(node, database, "spans_local")).isEqualTo("ReplicatedMergeTree");
        assertThat(engine(node, database, "span_metrics_local"))
            .isEqualTo("ReplicatedSummingMergeTree");
        assertThat(engine(node, database, "spans")).isEqualTo("Distributed");
      }

      // the same batch twice, as a writer retrying an insert whose answer was lost
      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);
      storage.writer().writeSpans(trace).get(30, TimeUnit.SECONDS);

      for (ClickHouseServer node : replicas) {
        for (String table :
            List.of(
                "spans_local",
                "trace_index_local",
                "span_metrics_local",
                "spans_by_trace_local",
                "attr_index_local")) {
          node.execute("SYSTEM SYNC REPLICA " + database + "." + table);
        }
        assertThat(count(node, database, "spans_local")).isEqualTo(trace.size());
      }
      assertThat(storage.traceReader().getTrace(tenant, trace.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(trace);
      long from =
          trace.stream().mapToLong(Span::startTimeUnixNano).min().orElseThrow() - 60_000_000_000L;
      long to = from + Duration.ofHours(1).toNanos();
      var red =
          new SpanMetricsQuery(
              tenant, null, null, Set.of(), from, to, 0, SpanMetricsQuery.GroupBy.NONE);
      assertThat(storage.spanMetricsReader().orElseThrow().query(red).get(0).requests())
          .isEqualTo(trace.size());
    }
    // the other replica serves the same, through a storage opened on it
    try (ClickHouseStorage other = open(database, 1)) {
      assertThat(other.traceReader().getTrace(tenant, trace.get(0).traceId()))
          .containsExactlyInAnyOrderElementsOf(trace);
    }
  }

  @Test
  void serversStartingAtOnce_allOpen_onReplicatedTables() throws Exception {
    String database = replicas.get(0).newDatabase();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ClickHouseStorage>> opening = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int via = i % 2;
      opening.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
                return open(database, via);
              },
              command -> new Thread(command).start()));
    }
    go.countDown();
    for (CompletableFuture<ClickHouseStorage> f : opening) f.get(120, TimeUnit.SECONDS).close();
    for (ClickHouseServer node : replicas) {
      assertThat(engine(node, database, "spans_local")).isEqualTo("ReplicatedMergeTree");
      assertThat(
              node.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
          .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
    }
  }

  @Test
  void retention_onReplicatedTables() throws Exception {
    String database = replicas.get(0).newDatabase();
    long now = System.currentTimeMillis() * 1_000_000L;
    long cutoff = now - Duration.ofDays(1).toNanos();
    try (ClickHouseStorage storage = open(database, 0)) {
      for (long start : List.of(now - Duration.ofDays(3).toNanos(), now - 60_000_000_000L)) {
        List<Span> spans = TelemetryGenerator.builder().startTimeUnixNano(start).build().spans(30);
        storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
      }
      storage.deleteBefore(cutoff);
      for (ClickHouseServer node : replicas) {
        node.execute("SYSTEM SYNC REPLICA " + database + ".spans_local");
        assertThat(
                Long.parseLong(
                    node.execute(
                            "SELECT count() FROM "
                                + database
                                + ".spans_local WHERE start_ns < "
                                + cutoff)
                        .strip()))
            .isZero();
        assertThat(count(node, database, "spans_local")).isPositive();
      }
    }
  }
}
