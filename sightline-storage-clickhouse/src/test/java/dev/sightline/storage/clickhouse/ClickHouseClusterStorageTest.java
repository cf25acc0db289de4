package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.SpanCountQuery;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.ITFaultScenarioStorage;
import dev.sightline.testing.ITLogReader;
import dev.sightline.testing.ITMetricReader;
import dev.sightline.testing.ITSpanMetricsReader;
import dev.sightline.testing.ITTelemetryWriter;
import dev.sightline.testing.ITTraceReader;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.TestObjects;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The shared storage suites on a two-shard cluster: two real {@code clickhouse-server} processes
 * whose {@code remote_servers} name each other (one shard each), the storage in cluster mode
 * through the first. Then what is proper to a cluster: a trace's rows on one shard, every reader
 * seeing both shards (its answers equal those of one node holding the same data), retention on
 * every shard, and servers creating the schema at once.
 */
class ClickHouseClusterStorageTest {
  static final String CLUSTER = "sightline_test";
  static List<ClickHouseServer> nodes;

  @BeforeAll
  static void startCluster() {
    nodes = ClickHouseServer.startCluster(CLUSTER, 2);
  }

  @AfterAll
  static void stopCluster() {
    if (nodes != null) nodes.forEach(ClickHouseServer::close);
  }

  static ClickHouseStorageBuilder builder(String database) {
    return ClickHouseStorage.builder()
        .url(nodes.get(0).url())
        .database(database)
        .cluster(CLUSTER)
        .clusterNodes(nodes.stream().map(ClickHouseServer::url).toList());
  }

  static ClickHouseStorage open(String database) {
    return builder(database).build();
  }

  static String newDatabase() {
    return nodes.get(0).newDatabase();
  }

  @Nested
  class TelemetryWriterTest extends ITTelemetryWriter {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class TraceReaderTest extends ITTraceReader {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class LogReaderTest extends ITLogReader {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class MetricReaderTest extends ITMetricReader {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class SpanMetricsReaderTest extends ITSpanMetricsReader {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  @Nested
  class FaultScenarioStorageTest extends ITFaultScenarioStorage {
    String database = newDatabase();

    @Override
    protected StorageComponent newStorage() {
      return open(database);
    }

    @Override
    protected StorageComponent reopenStorage() {
      return open(database);
    }
  }

  /** Rows per trace id in one node's local table. */
  static Map<String, Long> rowsPerTrace(ClickHouseServer node, String database, String table) {
    Map<String, Long> out = new HashMap<>();
    String tsv =
        node.execute(
            "SELECT trace_id, count() FROM "
                + database
                + "."
                + table
                + " WHERE trace_id != '' GROUP BY trace_id FORMAT TSV");
    for (String line : tsv.split("\n")) {
      if (line.isEmpty()) continue;
      String[] f = line.split("\t");
      out.put(f[0], Long.parseLong(f[1]));
    }
    return out;
  }

  static long count(ClickHouseServer node, String database, String table, String where) {
    return Long.parseLong(
        node.execute("SELECT count() FROM " + database + "." + table + " WHERE " + where).strip());
  }

  @Test
  void aTraceLivesOnOneShard_andEveryReaderSeesBothShards() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    long start = now - Duration.ofMinutes(10).toNanos();
    TelemetryGenerator generator =
        TelemetryGenerator.builder()
            .startTimeUnixNano(start)
            .traceInterval(Duration.ofSeconds(5))
            .spansPerTrace(6)
            .logsPerTrace(2)
            .build();
    List<Span> spans = new ArrayList<>();
    List<LogRecord> logs = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      List<Span> trace = generator.nextTrace();
      spans.addAll(trace);
      logs.addAll(generator.logsFor(trace));
      expected.put(trace.get(0).traceId(), (long) trace.size());
    }
    String tenant = spans.get(0).tenant();
    String database = newDatabase();
    String referenceDatabase = newDatabase();
    try (ClickHouseStorage cluster = open(database);
        ClickHouseStorage reference =
            ClickHouseStorage.builder()
                .url(nodes.get(1).url())
                .database(referenceDatabase)
                .build()) {
      assertThat(cluster.cluster()).contains(CLUSTER);
      assertThat(reference.cluster()).isEmpty();
      for (ClickHouseStorage s : List.of(cluster, reference)) {
        s.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
        s.writer().writeLogs(logs).get(30, TimeUnit.SECONDS);
      }

      // every trace whole on exactly one shard, and both shards hold some
      Map<String, Long> first = rowsPerTrace(nodes.get(0), database, "spans_local");
      Map<String, Long> second = rowsPerTrace(nodes.get(1), database, "spans_local");
      assertThat(first).isNotEmpty();
      assertThat(second).isNotEmpty();
      assertThat(first.keySet()).doesNotContainAnyElementsOf(second.keySet());
      Map<String, Long> both = new HashMap<>(first);
      both.putAll(second);
      assertThat(both).isEqualTo(expected);
      // a trace's index row and logs sit with its spans
      assertThat(first.keySet())
          .containsAll(rowsPerTrace(nodes.get(0), database, "trace_index_local").keySet())
          .containsAll(rowsPerTrace(nodes.get(0), database, "logs_local").keySet());
      assertThat(second.keySet())
          .containsAll(rowsPerTrace(nodes.get(1), database, "trace_index_local").keySet())
          .containsAll(rowsPerTrace(nodes.get(1), database, "logs_local").keySet());
      assertThat(count(nodes.get(0), database, "span_metrics_local", "1")).isPositive();
      assertThat(count(nodes.get(1), database, "span_metrics_local", "1")).isPositive();

      // every reader answers as one node holding the same data does
      long from = start - Duration.ofMinutes(1).toNanos();
      long to = now + Duration.ofMinutes(5).toNanos();
      TraceQuery all =
          new TraceQuery(tenant, null, null, null, null, false, Map.of(), from, to, 100);
      assertThat(cluster.traceReader().searchTraces(all))
          .hasSize(40)
          .isEqualTo(reference.traceReader().searchTraces(all));
      TraceQuery errors =
          new TraceQuery(tenant, null, null, null, null, true, Map.of(), from, to, 5);
      assertThat(cluster.traceReader().searchTraces(errors))
          .isEqualTo(reference.traceReader().searchTraces(errors));
      for (String traceId :
          List.of(first.keySet().iterator().next(), second.keySet().iterator().next())) {
        assertThat(cluster.traceReader().getTrace(tenant, traceId))
            .hasSize(Math.toIntExact(expected.get(traceId)))
            .isEqualTo(reference.traceReader().getTrace(tenant, traceId));
      }
      assertThat(cluster.traceReader().services(tenant, from, to))
          .isNotEmpty()
          .isEqualTo(reference.traceReader().services(tenant, from, to));
      var red =
          new SpanMetricsQuery(
              tenant,
              null,
              null,
              Set.of(),
              from,
              to,
              Duration.ofMinutes(1).toNanos(),
              SpanMetricsQuery.GroupBy.OPERATION);
      var clusterRed = cluster.spanMetricsReader().orElseThrow().query(red);
      assertThat(clusterRed).isNotEmpty();
      assertThat(clusterRed.stream().mapToLong(p -> p.requests()).sum()).isEqualTo(spans.size());
      assertThat(clusterRed).isEqualTo(reference.spanMetricsReader().orElseThrow().query(red));
      assertThat(cluster.spanMetricsReader().orElseThrow().serviceEdges(tenant, from, to))
          .isNotEmpty()
          .isEqualTo(reference.spanMetricsReader().orElseThrow().serviceEdges(tenant, from, to));
      var counts =
          new SpanCountQuery(
              tenant, spans.get(0).serviceName(), null, Map.of(), 1_000_000L, from, to, 0);
      assertThat(cluster.spanCountReader().orElseThrow().countSpans(counts))
          .isNotEmpty()
          .isEqualTo(reference.spanCountReader().orElseThrow().countSpans(counts));
      LogQuery allLogs = new LogQuery(tenant, null, null, null, null, null, from, to, 1_000);
      assertThat(cluster.logReader().searchLogs(allLogs))
          .hasSize(logs.size())
          .isEqualTo(reference.logReader().searchLogs(allLogs));
    }
  }

  /**
   * The writer's index rows go to their trace's shard; the lookup tables turned off are dropped on
   * every node, and turned on again are back-filled on every node, searches answering as the scans.
   */
  @Test
  void lookupTables_followTheirTraces_andTheSwitch_actsOnEveryNode() throws Exception {
    long start = System.currentTimeMillis() * 1_000_000L - Duration.ofMinutes(30).toNanos();
    TelemetryGenerator generator =
        TelemetryGenerator.builder()
            .startTimeUnixNano(start)
            .traceInterval(Duration.ofSeconds(5))
            .spansPerTrace(6)
            .build();
    List<Span> before = new ArrayList<>();
    List<Span> meanwhile = new ArrayList<>();
    for (int i = 0; i < 40; i++) (i < 20 ? before : meanwhile).addAll(generator.nextTrace());
    String database = newDatabase();
    try (ClickHouseStorage cluster = open(database)) {
      cluster.writer().writeSpans(before).get(30, TimeUnit.SECONDS);
    }
    for (ClickHouseServer node : nodes) {
      assertThat(count(node, database, "attr_index_local", "1")).isPositive();
      assertThat(
              count(
                  node,
                  database,
                  "attr_index_local",
                  "trace_hash NOT IN (SELECT cityHash64(trace_id) FROM "
                      + database
                      + ".spans_local)"))
          .isZero();
    }
    try (ClickHouseStorage without = builder(database).traceLookups(false).build()) {
      for (ClickHouseServer node : nodes) {
        assertThat(
                node.execute(
                        "SELECT count() FROM system.tables WHERE database = '"
                            + database
                            + "' AND (name LIKE 'attr_index%' OR name LIKE 'spans_by_trace%')")
                    .strip())
            .isEqualTo("0");
      }
      without.writer().writeSpans(meanwhile).get(30, TimeUnit.SECONDS);
      Span s = meanwhile.get(0);
      assertThat(without.traceReader().getTrace(s.tenant(), s.traceId())).hasSize(6);
    }
    try (ClickHouseStorage with = open(database);
        ClickHouseStorage scanned = builder(database).scanReads(true).build()) {
      for (ClickHouseServer node : nodes) {
        assertThat(count(node, database, "spans_by_trace_local", "1"))
            .isEqualTo(count(node, database, "spans_local", "1"));
      }
      List<Span> all = new ArrayList<>(before);
      all.addAll(meanwhile);
      String tenant = all.get(0).tenant();
      for (Map<String, String> filter :
          List.of(
              Map.of("http.request.method", "GET"),
              Map.of("service.name", all.get(1).serviceName()))) {
        TraceQuery q =
            new TraceQuery(
                tenant, null, null, null, null, false, filter, start - 1, Long.MAX_VALUE, 100);
        List<TraceSummary> expected = scanned.traceReader().searchTraces(q);
        assertThat(expected).isNotEmpty();
        assertThat(with.traceReader().searchTraces(q)).isEqualTo(expected);
      }
      for (Span s : all) {
        assertThat(with.traceReader().getTrace(tenant, s.traceId())).hasSize(6);
      }
    }
  }

  @Test
  void hourlyRollup_onBothShards_answersAsTheTenSecondRows() throws Exception {
    String database = newDatabase();
    long from = ClickHouseHourlyRollupTest.hoursAgo(5);
    List<Span> spans = ClickHouseHourlyRollupTest.spans(from, 3, 7);
    try (ClickHouseStorage storage = open(database)) {
      ClickHouseHourlyRollupTest.write(storage, spans);
      long rolledUp = 0;
      for (ClickHouseServer node : nodes) {
        long here =
            Long.parseLong(
                node.execute("SELECT sum(requests) FROM " + database + ".span_metrics_hourly_local")
                    .strip());
        assertThat(here).isPositive(); // both shards hold some
        rolledUp += here;
      }
      assertThat(rolledUp).isEqualTo(spans.size());

      var reader = storage.spanMetricsReader().orElseThrow();
      ClickHouseSpanMetricsReader oracle =
          ClickHouseHourlyRollupTest.oracle(nodes.get(0).url(), database);
      for (var q : ClickHouseHourlyRollupTest.queries(from, 3)) {
        assertThat(reader.query(q)).as(q.toString()).isEqualTo(oracle.query(q));
      }
      assertThat(
              ClickHouseHourlyRollupTest.total(
                  reader, from - 3_600_000_000_000L, from + 5 * 3_600_000_000_000L))
          .isEqualTo(spans.size());
    }
  }

  @Test
  void serviceMapRollup_onBothShards_answersAsTheJoin() throws Exception {
    String database = newDatabase();
    try (ClickHouseStorage storage = open(database)) {
      ClickHouseServiceMapRollupTest.write(storage, ClickHouseServiceMapRollupTest.traffic(5));
      assertThat(storage.serviceEdges().refresh(ClickHouseServiceMapRollupTest.afterEverything()))
          .isGreaterThanOrEqualTo(ClickHouseServiceMapRollupTest.HOURS);
      long from = ClickHouseServiceMapRollupTest.FROM;
      ServiceEdgeRollup.Plan plan =
          storage
              .serviceEdges()
              .plan(
                  TestObjects.TENANT,
                  from,
                  from + ClickHouseServiceMapRollupTest.HOURS * HourlyRollup.HOUR_NANOS);
      assertThat(plan.storedHours()).hasSize(ClickHouseServiceMapRollupTest.HOURS);
      assertThat(plan.joined()).isEmpty();
      for (ClickHouseServer node : nodes) { // the computations are spread over the shards
        assertThat(
                Long.parseLong(
                    node.execute("SELECT count() FROM " + database + ".service_edges_runs_local")
                        .strip()))
            .isPositive();
      }
      ClickHouseServiceMapRollupTest.assertAnswersAsTheJoin(
          storage, ClickHouseHourlyRollupTest.oracle(nodes.get(0).url(), database));
    }
  }

  @Test
  void retention_deletesOnEveryShard() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    long cutoff = now - Duration.ofDays(1).toNanos();
    String database = newDatabase();
    try (ClickHouseStorage storage = open(database)) {
      // whole old days (dropped partitions), the cutoff's own day (a delete), and kept data
      for (long start :
          List.of(
              now - Duration.ofDays(3).toNanos(),
              cutoff - Duration.ofMinutes(30).toNanos(),
              now - Duration.ofMinutes(30).toNanos())) {
        TelemetryGenerator generator =
            TelemetryGenerator.builder()
                .startTimeUnixNano(start)
                .traceInterval(Duration.ofSeconds(1))
                .spansPerTrace(4)
                .logsPerTrace(1)
                .build();
        List<Span> spans = generator.spans(80);
        storage.writer().writeSpans(spans).get(30, TimeUnit.SECONDS);
        storage.writer().writeLogs(generator.logsFor(spans)).get(30, TimeUnit.SECONDS);
      }
      for (ClickHouseServer node : nodes) {
        assertThat(count(node, database, "spans_local", "start_ns < " + cutoff)).isPositive();
      }

      storage.deleteBefore(cutoff);

      for (ClickHouseServer node : nodes) {
        assertThat(count(node, database, "spans_local", "start_ns < " + cutoff)).isZero();
        assertThat(count(node, database, "trace_index_local", "last_ns < " + cutoff)).isZero();
        assertThat(count(node, database, "span_metrics_local", "bucket_ns < " + cutoff)).isZero();
        assertThat(count(node, database, "logs_local", "event_ns < " + cutoff)).isZero();
        assertThat(count(node, database, "spans_local", "start_ns >= " + cutoff)).isPositive();
      }
    }
  }

  @Test
  void serversStartingAtOnce_allOpen_andLeaveOneSchema() throws Exception {
    String database = newDatabase();
    int servers = 4;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ClickHouseStorage>> opening = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      opening.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
                return open(database);
              },
              command -> new Thread(command).start()));
    }
    go.countDown();
    for (CompletableFuture<ClickHouseStorage> f : opening) f.get(120, TimeUnit.SECONDS).close();

    for (ClickHouseServer node : nodes) {
      assertThat(
              node.execute(
                      "SELECT name FROM system.tables WHERE database = '"
                          + database
                          + "' ORDER BY name FORMAT TSV")
                  .strip()
                  .split("\n"))
          .containsExactly(
              "attr_index",
              "attr_index_in",
              "attr_index_in_local",
              "attr_index_in_mv",
              "attr_index_local",
              "logs",
              "logs_local",
              "metric_points",
              "metric_points_local",
              "rollup_since",
              "schema_migrations",
              "service_edges_hourly",
              "service_edges_hourly_local",
              "service_edges_runs",
              "service_edges_runs_local",
              "span_metrics",
              "span_metrics_hourly",
              "span_metrics_hourly_local",
              "span_metrics_hourly_mv",
              "span_metrics_local",
              "span_metrics_mv",
              "spans",
              "spans_by_trace",
              "spans_by_trace_local",
              "spans_by_trace_mv",
              "spans_local",
              "trace_index",
              "trace_index_local",
              "trace_index_mv",
              "trace_lookups");
      assertThat(
              node.execute("SELECT max(version) FROM " + database + ".schema_migrations").strip())
          .isEqualTo(String.valueOf(ClickHouseSchema.VERSION));
    }
  }

  @Test
  void aShardDown_failsWritesRetryably_untilItIsBack() throws Exception {
    String database = newDatabase();
    List<Span> spans =
        TelemetryGenerator.builder().spansPerTrace(3).logsPerTrace(0).build().spans(120);
    try (ClickHouseStorage storage =
        builder(database).maxAttempts(2).initialBackoff(Duration.ofMillis(10)).build()) {
      nodes.get(1).kill();
      try {
        CompletableFuture<Void> write = storage.writer().writeSpans(spans);
        assertThat(write)
            .failsWithin(Duration.ofSeconds(60))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOf(ClickHouseException.class)
            .matches(e -> ((ClickHouseException) e).retryable(), "retryable");
      } finally {
        nodes.get(1).restart();
      }
      // the client's retry, once the shard is back, is acknowledged and stored on both shards
      storage.writer().writeSpans(spans).get(60, TimeUnit.SECONDS);
      Map<String, Long> first = rowsPerTrace(nodes.get(0), database, "spans_local");
      Map<String, Long> second = rowsPerTrace(nodes.get(1), database, "spans_local");
      assertThat(first).isNotEmpty();
      assertThat(second).isNotEmpty();
      assertThat(second.values().stream().mapToLong(Long::longValue).sum())
          .as("the down shard's rows are stored once, by the retry")
          .isEqualTo(spans.stream().filter(s -> second.containsKey(s.traceId())).count());
    }
  }

  @Test
  void builder_refusesAClusterItDoesNotMatch() {
    assertThatThrownBy(() -> builder(newDatabase()).cluster("no_such_cluster").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_cluster")
        .hasMessageContaining("remote_servers");
    assertThatThrownBy(
            () -> builder(newDatabase()).clusterNodes(List.of(nodes.get(0).url())).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 nodes");
    assertThatThrownBy(
            () -> ClickHouseStorage.builder().url(nodes.get(0).url()).replicated(true).build())
        .hasMessageContaining("need a cluster");
  }
}
